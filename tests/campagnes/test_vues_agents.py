"""Issue 15, points 5–7 on screen: an agent's work list (their rows and their unit's unassigned
ones, by priority, each contribution named), a row's page (attempts, the outcome of a call, the
invitation), « accepte » turned into a signalement and the booking from it; the cadre's letters
for window envelopes, read back with pdftotext; the permission matrix and the query budgets."""

import html
import re
import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.campagnes import contacts, courriers, urls_agents
from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    ResultatTentative,
    SourceCampagne,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.dossiers.enums import SourceSignalement
from parcours.organisation.enums import Role
from parcours.rendezvous.models import Motif
from tests.dossiers.factories import AssureFactory
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    SecteurFactory,
    UniteFactory,
)
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

OK, REFUS, INCONNU = 200, 403, 404
ROLES = [Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN]
# Never in a letter (issue 15: no health detail).
MOTS_DE_SANTE = ("arrêt", "arret", "maladie", "santé", "hospitalis")
MM = 72 / 25.4  # PDF points per millimetre


def nir(n: int) -> str:
    base = f"18412821210{n:02d}"
    return base + stdnum_nir.calc_check_digits(base)


def ligne(campagne, numero, *, score=0, agent=None, unite=None, **champs) -> Cible:
    valeurs = {
        "nir": nir(numero),
        "nom": f"Nom{numero}",
        "prenom": "Paul",
        "date_naissance": "1984-12-01",
        "commune": "82121",
        "telephone": "+33612345678",
        "etat": EtatCible.RETENUE,
        "contributions": [],
        **champs,
    }
    return Cible.objects.create(
        campagne=campagne, ligne=numero, score=score, agent=agent, unite=unite, **valeurs
    )


def creer_monde():
    """Montauban's personas, its sector routed to Alice, a validated campaign of the test
    Carsat: a row for Alice (high), one for her unit without a worker (middle), a second of
    Alice's (low), a row of Castelsarrasin's Octave; another Carsat's campaign and row."""
    p = creer_personas()
    CommuneFactory()  # Montauban, 82121
    SecteurFactory(unite=p.unite, agent=p.alice).communes.set(["82121"])
    lieu = LieuAccueilFactory(code="LA-MTB", nom="Agence de Montauban", unite=p.unite)
    motif = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        reservable_par_la_personne=True,
    )
    campagne = Campagne.objects.create(
        organisme=p.organisme,
        code="ARRETS-2026",
        nom="Arrêts de travail de plus de 90 jours",
        source=SourceCampagne.ARRET_90J,
        canaux=[CanalContact.TELEPHONE, CanalContact.SMS, CanalContact.COURRIER],
        statut=StatutCampagne.VALIDEE,
        valide_par=p.chloe,
        valide_le=timezone.now(),
        motif_rendez_vous=motif,
        poids={"arret_180": 4},
    )
    arret = ["arret_180", "arrêt de plus de 180 jours (depuis le 02/01/2025)"]
    loin = ["loin", "à plus de 30 minutes d'un lieu d'accueil (environ 41 min)"]
    haute = ligne(
        campagne, 2, score=5, agent=p.alice, unite=p.unite, nom="Haute", contributions=[arret, loin]
    )
    de_l_unite = ligne(campagne, 3, score=4, unite=p.unite, nom="Unite", contributions=[arret])
    basse = ligne(campagne, 4, score=1, agent=p.alice, unite=p.unite, nom="Basse")
    castel = ligne(campagne, 5, score=9, agent=p.octave, unite=p.autre_unite, nom="Castel")
    ailleurs_org = OrganismeFactory(code="AUTRE-CARSAT")
    unite_ailleurs = UniteFactory(code="U-AILLEURS", organisme=ailleurs_org)
    campagne_ailleurs = Campagne.objects.create(
        organisme=ailleurs_org,
        code="AILLEURS",
        nom="Ailleurs",
        canaux=[CanalContact.COURRIER],
        statut=StatutCampagne.VALIDEE,
    )
    ailleurs = ligne(campagne_ailleurs, 2, score=9, unite=unite_ailleurs, nom="Ailleurs")
    cadre_ailleurs = AgentFactory(matricule="cadre-ailleurs", role=Role.CADRE, unite=unite_ailleurs)
    return SimpleNamespace(
        p=p,
        lieu=lieu,
        motif=motif,
        campagne=campagne,
        haute=haute,
        de_l_unite=de_l_unite,
        basse=basse,
        castel=castel,
        campagne_ailleurs=campagne_ailleurs,
        ailleurs=ailleurs,
        cadre_ailleurs=cadre_ailleurs,
    )


@pytest.fixture
def monde():
    return creer_monde()


def _html(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _noms(reponse) -> list[str]:
    return [c.nom for c in reponse.context["lignes"]]


def _page(client, **parametres):
    return client.get(reverse("campagnes:a_contacter"), parametres)


# --- The work list ----------------------------------------------------------------------------


def test_the_work_list_shows_the_agents_rows_and_the_units_unassigned_ones_by_priority(
    client, monde
):
    p = monde.p
    client.force_login(p.alice)
    reponse = _page(client)
    assert reponse.status_code == 200
    assert _noms(reponse) == ["Haute", "Unite", "Basse"]
    contenu = _html(reponse)
    assert "Castel" not in contenu and "Ailleurs" not in contenu
    # Each contribution with its weight (the campaign's: 4 for a long leave, 1 by default).
    assert "+4 arrêt de plus de 180 jours (depuis le 02/01/2025)" in contenu
    assert "+1 à plus de 30 minutes d'un lieu d'accueil (environ 41 min)" in contenu
    assert "06 12 34 56 78" in contenu and "Montauban" in contenu
    assert "3 personnes à contacter" in contenu
    # Bastien (csam of Montauban): only the unit's unassigned row, not Alice's.
    client.force_login(p.bastien)
    assert _noms(_page(client)) == ["Unite"]
    # Octave (Castelsarrasin): his own, never Montauban's.
    client.force_login(p.octave)
    assert _noms(_page(client)) == ["Castel"]


def test_the_work_list_leaves_out_answered_rows_and_campaigns_not_validated(client, monde):
    Cible.objects.filter(pk=monde.haute.pk).update(suivi=SuiviCible.REFUS)
    Cible.objects.filter(pk=monde.basse.pk).update(etat=EtatCible.EXCLUE)
    preparation = Campagne.objects.create(
        organisme=monde.p.organisme, code="PREP", nom="En préparation"
    )
    ligne(preparation, 2, score=50, agent=monde.p.alice, unite=monde.p.unite, nom="Prep")
    client.force_login(monde.p.alice)
    assert _noms(_page(client)) == ["Unite"]


def test_the_work_list_pages_by_key_forward_and_back(client, monde):
    p = monde.p
    for numero in range(10, 130):  # 120 more rows of Alice's, scores 0 to 3
        suivi = (SuiviCible.A_CONTACTER, SuiviCible.INVITEE, SuiviCible.JOINTE)[numero % 3]
        ligne(monde.campagne, numero, score=numero % 4, agent=p.alice, unite=p.unite, suivi=suivi)
    # The list of contacts.a_contacter, in its order.
    attendu = list(contacts.a_contacter(p.alice).values_list("nom", flat=True))
    assert len(attendu) == 123 and attendu[:2] == ["Haute", "Unite"]
    client.force_login(p.alice)
    vus, reponse, pages = [], _page(client), []
    while True:
        pages.append(reponse)
        vus += _noms(reponse)
        suivante = reponse.context["suivante"]
        if not suivante:
            break
        reponse = _page(client, apres=suivante)
    assert [len(_noms(page)) for page in pages] == [50, 50, 23]
    assert vus == attendu
    # A long list is not counted (a count at each page would cost more than the page).
    assert "Les personnes à contacter, 50 par page" in _html(pages[1])
    # Back from the last page: the second, then the first (with no page before it).
    retour = _page(client, avant=pages[2].context["precedente"])
    assert _noms(retour) == _noms(pages[1])
    premiere = _page(client, avant=retour.context["precedente"])
    assert _noms(premiere) == _noms(pages[0]) and premiere.context["precedente"] is None
    # A malformed key is the first page.
    assert _noms(_page(client, apres="1_x_3")) == _noms(pages[0])


def test_the_work_list_queries_do_not_grow_with_its_rows(client, monde):
    p = monde.p
    client.force_login(p.alice)
    _page(client)

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            assert _page(client).status_code == 200
        return len(capture.captured_queries)

    peu = requetes()
    for numero in range(10, 90):
        cible = ligne(monde.campagne, numero, score=2, agent=p.alice, unite=p.unite)
        Tentative.objects.create(
            cible=cible, agent=p.alice, canal=CanalContact.TELEPHONE, resultat="MESSAGE_LAISSE"
        )
    beaucoup = requetes()
    # Session, agent, its organisme (the demo banner); the keys of the six ranges of the list
    # (the agent's rows and the unit's, for three follow-ups), the page's rows, their
    # communes, their last attempts.
    assert peu == beaucoup == 12


# --- A row ------------------------------------------------------------------------------------


def _cible(pk: int) -> str:
    return reverse("campagnes:cible", args=[pk])


def test_a_refusal_then_an_acceptance_are_recorded_with_their_attempts(client, monde):
    p = monde.p
    client.force_login(p.alice)
    url = _cible(monde.haute.pk)
    page = _html(client.get(url))
    assert "Aucune tentative pour l'instant." in page
    assert "+4 arrêt de plus de 180 jours" in page
    reponse = client.post(url, {"action": "appel", "resultat": "MESSAGE_LAISSE"})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("campagnes:a_contacter")
    assert client.post(url, {"action": "appel", "resultat": "REFUS"}).status_code == 302
    monde.haute.refresh_from_db()
    assert monde.haute.suivi == SuiviCible.REFUS and monde.haute.signalement is None
    tentatives = list(monde.haute.tentatives.values_list("agent", "canal", "resultat"))
    assert tentatives == [
        (p.alice.pk, "TELEPHONE", "MESSAGE_LAISSE"),
        (p.alice.pk, "TELEPHONE", "REFUS"),
    ]
    page = _html(client.get(url))
    assert page.count('data-testid="tentative"') == 2 and p.alice.get_full_name() in page
    assert 'data-testid="form-appel"' not in page  # answered
    assert "Haute" not in _html(_page(client))
    # Another outcome on the answered row: refused, in French.
    reponse = client.post(url, {"action": "appel", "resultat": "JOINT"})
    assert reponse.status_code == 409
    assert "La personne a déjà répondu : refuse." in _html(reponse)
    assert monde.haute.tentatives.count() == 2

    # Bastien reaches the unit's row: she accepts.
    client.force_login(p.bastien)
    reponse = client.post(_cible(monde.de_l_unite.pk), {"action": "appel", "resultat": "ACCEPTE"})
    monde.de_l_unite.refresh_from_db()
    cible = monde.de_l_unite
    signalement = cible.signalement
    assert cible.suivi == SuiviCible.ACCEPTE and signalement is not None
    assert signalement.source == SourceSignalement.LISTE_CIBLEE
    assert signalement.unite == p.unite and signalement.assure == cible.assure
    assert cible.assure.nir == cible.nir
    assert cible.premier_contact_le is not None
    assert list(cible.tentatives.values_list("agent", "resultat")) == [(p.bastien.pk, "ACCEPTE")]
    # On to booking, from the signalement (the appointment keeps it).
    attendu = reverse("rendezvous:prendre", args=[cible.assure_id])
    assert reponse.status_code == 302
    assert reponse["Location"] == (f"{attendu}?signalement={signalement.pk}&motif={monde.motif.pk}")
    reservation = client.get(reponse["Location"])
    assert reservation.status_code == 200
    # The row says so until the appointment is booked.
    assert 'data-testid="a-reserver"' in _html(client.get(_cible(cible.pk)))


def test_an_outcome_must_be_chosen_and_a_refused_one_is_kept(client, monde, monkeypatch):
    client.force_login(monde.p.alice)
    url = _cible(monde.haute.pk)
    reponse = client.post(url, {"action": "appel"})
    assert reponse.status_code == 200
    assert "Choisissez le résultat de l'appel." in _html(reponse)

    def refuse(*args, **kwargs):
        raise contacts.RegleCampagne("cette personne n'est pas à contacter")

    monkeypatch.setattr(contacts, "appeler", refuse)
    reponse = client.post(url, {"action": "appel", "resultat": "INJOIGNABLE"})
    contenu = _html(reponse)
    assert reponse.status_code == 409
    assert "Cette personne n'est pas à contacter." in contenu
    assert re.search(r'id="resultat-INJOIGNABLE"[^>]*checked', contenu)
    assert not Tentative.objects.exists()


def test_the_invitation_is_sent_once_when_the_campaign_allows_messages(client, monde):
    client.force_login(monde.p.alice)
    url = _cible(monde.haute.pk)
    assert "Envoyer l'invitation" in _html(client.get(url))
    reponse = client.post(url, {"action": "inviter"})
    assert reponse.status_code == 302
    monde.haute.refresh_from_db()
    assert monde.haute.invitee_le is not None and monde.haute.suivi == SuiviCible.INVITEE
    assert list(monde.haute.tentatives.values_list("canal", "resultat")) == [
        ("SMS", ResultatTentative.INVITATION)
    ]
    page = _html(client.get(url))
    assert "Envoyer l'invitation" not in page and 'data-testid="invitation"' in page
    client.post(url, {"action": "inviter"})  # a second click: nothing more
    assert monde.haute.tentatives.count() == 1
    # A campaign by phone and letter only: no invitation button.
    Campagne.objects.filter(pk=monde.campagne.pk).update(canaux=["TELEPHONE", "COURRIER"])
    assert "Envoyer l'invitation" not in _html(client.get(_cible(monde.basse.pk)))


def test_the_row_page_s_queries_do_not_grow_with_its_attempts(client, monde):
    client.force_login(monde.p.alice)
    url = _cible(monde.haute.pk)
    client.get(url)

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            assert client.get(url).status_code == 200
        return len(capture.captured_queries)

    avant = requetes()
    for _ in range(20):
        Tentative.objects.create(
            cible=monde.haute, agent=monde.p.alice, canal="TELEPHONE", resultat="INJOIGNABLE"
        )
    assert requetes() == avant


def test_the_row_page_answers_404_out_of_scope_and_refuses_writes_to_the_cadre(client, monde):
    p = monde.p
    client.force_login(p.alice)
    for autre in (monde.castel, monde.ailleurs):
        assert client.get(_cible(autre.pk)).status_code == 404
        assert client.post(_cible(autre.pk), {"resultat": "REFUS"}).status_code == 404
    client.force_login(p.chloe)  # sees her organisme's rows, calls nobody
    assert client.get(_cible(monde.castel.pk)).status_code == 200
    assert client.post(_cible(monde.haute.pk), {"resultat": "REFUS"}).status_code == 403
    assert client.put(_cible(monde.haute.pk)).status_code == 405
    assert not Tentative.objects.exists()


# --- Permissions --------------------------------------------------------------------------------


def _urls(m) -> dict[str, str]:
    return {
        "a_contacter": reverse("campagnes:a_contacter"),
        "cible_de_l_unite": _cible(m.de_l_unite.pk),
        "cible_d_alice": _cible(m.haute.pk),
        "cible_d_une_autre_unite": _cible(m.castel.pk),
        "cible_d_une_autre_carsat": _cible(m.ailleurs.pk),
        "courriers": reverse("campagnes:courriers", args=[m.campagne.pk]),
        "courriers_d_une_autre_carsat": reverse(
            "campagnes:courriers", args=[m.campagne_ailleurs.pk]
        ),
    }


MATRICE = {
    #                        ass      csam     cadre    pilotage partenaire admin
    "a_contacter": (OK, OK, REFUS, REFUS, REFUS, REFUS),
    "cible_de_l_unite": (OK, OK, OK, REFUS, REFUS, REFUS),
    # Alice's row: hers and her manager's; not on Bastien's list.
    "cible_d_alice": (OK, INCONNU, OK, REFUS, REFUS, REFUS),
    # Octave's: the Carsat's cadre sees every row of its campaigns.
    "cible_d_une_autre_unite": (INCONNU, INCONNU, OK, REFUS, REFUS, REFUS),
    "cible_d_une_autre_carsat": (INCONNU, INCONNU, INCONNU, REFUS, REFUS, REFUS),
    "courriers": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "courriers_d_une_autre_carsat": (REFUS, REFUS, INCONNU, REFUS, REFUS, REFUS),
}
NOMS = {
    "a_contacter": "a_contacter",
    "cible_de_l_unite": "cible",
    "cible_d_alice": "cible",
    "cible_d_une_autre_unite": "cible",
    "cible_d_une_autre_carsat": "cible",
    "courriers": "courriers",
    "courriers_d_une_autre_carsat": "courriers",
}


@pytest.mark.parametrize("page", MATRICE)
def test_permission_matrix(client, monde, page):
    url = _urls(monde)[page]
    for role, attendu in zip(ROLES, MATRICE[page], strict=True):
        client.force_login(monde.p.par_role()[role])
        assert client.get(url).status_code == attendu, (page, role)


def test_every_page_of_urls_agents_is_in_the_matrix():
    assert {u.name for u in urls_agents.urlpatterns} == set(NOMS.values())
    assert set(NOMS) == set(MATRICE)


def test_the_other_carsat_s_cadre_gets_nothing(client, monde):
    client.force_login(monde.cadre_ailleurs)
    for page in ("cible_de_l_unite", "cible_d_alice", "courriers"):
        assert client.get(_urls(monde)[page]).status_code == 404, page
    assert client.post(_urls(monde)["courriers"]).status_code == 404
    assert not Tentative.objects.exists()


# --- Letters ------------------------------------------------------------------------------------


def _adresses(monde):
    """Haute and Basse have a known address; the unit's row is matched to nobody."""
    haute = AssureFactory(
        nir=monde.haute.nir, nom="Haute", prenom="Jeanne", adresse="12 rue des Lilas"
    )
    basse = AssureFactory(
        nir=monde.basse.nir,
        nom="Basse",
        prenom="Marc",
        sexe="M",
        adresse="Résidence du Parc, bât. B\n3 allée des Tilleuls\n82000 Montauban",
    )
    Cible.objects.filter(pk=monde.haute.pk).update(assure=haute)
    deja = timezone.now() - timedelta(days=3)
    Cible.objects.filter(pk=monde.basse.pk).update(assure=basse, premier_contact_le=deja)
    return haute, basse, deja


def _texte(pdf: bytes, tmp_path, *options) -> str:
    fichier = tmp_path / "lettres.pdf"
    fichier.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *options, str(fichier), "-"], capture_output=True, text=True, check=True
    ).stdout


def _zone(pdf, tmp_path, page: int, x_mm, y_mm, l_mm, h_mm) -> str:
    """The text of one page within a rectangle, in mm from the page's top-left corner."""
    x, y, largeur, hauteur = (round(v * MM) for v in (x_mm, y_mm, l_mm, h_mm))
    return _texte(
        pdf,
        tmp_path,
        *("-f", str(page), "-l", str(page), "-r", "72"),
        *("-x", str(x), "-y", str(y), "-W", str(largeur), "-H", str(hauteur), "-layout"),
    )


def test_the_letters_put_each_address_in_the_window_and_no_health_detail(client, monde, tmp_path):
    haute, basse, deja = _adresses(monde)
    # Castel (another unit, same campaign) has no known person: no letter either.
    client.force_login(monde.p.chloe)
    url = reverse("campagnes:courriers", args=[monde.campagne.pk])
    page = client.get(url)
    contenu = _html(page)
    assert page.context["lot"]["lettres"] == 2
    assert "adresse inconnue" in contenu and "UNITE Paul" in contenu and "CASTEL Paul" in contenu
    reponse = client.post(url)
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    pdf = reponse.content
    texte = _texte(pdf, tmp_path, "-layout")
    pages = texte.split("\f")[:-1]
    assert len(pages) == 2  # one A4 page per person, by priority
    for numero, (texte_page, assure, lignes) in enumerate(
        (
            (pages[0], haute, ["Madame Jeanne HAUTE", "12 rue des Lilas", "MONTAUBAN"]),
            (
                pages[1],
                basse,
                [
                    "Monsieur Marc BASSE",
                    "Résidence du Parc, bât. B",
                    "3 allée des Tilleuls",
                    "82000 MONTAUBAN",
                ],
            ),
        ),
        start=1,
    ):
        assert "36 46" in texte_page
        minuscules = texte_page.lower()
        assert not [mot for mot in MOTS_DE_SANTE if mot in minuscules], texte_page
        assert monde.campagne.nom not in texte_page
        # The window of a DL envelope: 100–200 mm from the left, 45–90 mm from the top.
        fenetre = _zone(pdf, tmp_path, numero, 100, 45, 100, 45)
        lues = [" ".join(x.split()) for x in fenetre.splitlines() if x.strip()]
        assert lues == lignes, fenetre
        # Nothing of it left of the window, nor the letter's body in it.
        gauche = _zone(pdf, tmp_path, numero, 0, 45, 100, 45)
        assert assure.nom.upper() not in gauche and "36 46" not in fenetre
    # Each letter is an attempt; the first contact is the print unless there was one.
    for cible in (monde.haute, monde.basse):
        cible.refresh_from_db()
        assert list(cible.tentatives.values_list("agent", "canal", "resultat")) == [
            (monde.p.chloe.pk, "COURRIER", "COURRIER")
        ]
    assert monde.haute.premier_contact_le is not None
    assert monde.basse.premier_contact_le == deja
    # Printed again: none left unless asked for those already written to.
    reponse = client.post(url)
    assert reponse.status_code == 409
    assert "Aucune lettre à imprimer." in _html(reponse)
    reponse = client.post(url, {"tout": "1"})
    assert reponse["Content-Type"] == "application/pdf"
    assert _texte(reponse.content, tmp_path).count("\f") == 2
    assert Tentative.objects.filter(canal="COURRIER").count() == 4


def test_letters_go_only_to_rows_not_yet_answered(client, monde, tmp_path):
    _adresses(monde)
    Cible.objects.filter(pk=monde.haute.pk).update(suivi=SuiviCible.ACCEPTE)
    client.force_login(monde.p.chloe)
    reponse = client.post(reverse("campagnes:courriers", args=[monde.campagne.pk]))
    texte = _texte(reponse.content, tmp_path)
    assert texte.count("\f") == 1 and "BASSE" in texte and "HAUTE" not in texte


def test_letters_are_printed_by_batches_by_priority(client, monde, tmp_path, monkeypatch):
    _adresses(monde)
    monkeypatch.setattr(courriers, "LOT_MAX", 1)
    client.force_login(monde.p.chloe)
    url = reverse("campagnes:courriers", args=[monde.campagne.pk])
    assert "Imprimer les 1 prochaines lettres" in _html(client.get(url))
    premier = _texte(client.post(url).content, tmp_path)
    second = _texte(client.post(url).content, tmp_path)
    assert premier.count("\f") == second.count("\f") == 1
    assert "HAUTE" in premier and "BASSE" in second
    assert client.post(url).status_code == 409  # nothing left


@pytest.mark.parametrize(
    "changement",
    [{"statut": StatutCampagne.PREPARATION}, {"canaux": ["TELEPHONE", "SMS"]}],
    ids=["liste-non-validee", "sans-courrier"],
)
def test_no_letter_for_a_campaign_not_validated_or_without_letters(client, monde, changement):
    _adresses(monde)
    Campagne.objects.filter(pk=monde.campagne.pk).update(**changement)
    client.force_login(monde.p.chloe)
    url = reverse("campagnes:courriers", args=[monde.campagne.pk])
    assert 'data-testid="courriers-impossibles"' in _html(client.get(url))
    assert client.post(url).status_code == 409
    assert not Tentative.objects.exists()
