"""Issue 15, points 1–4 and the validation, on the cadre's pages: the campaign's form (an edit
made meanwhile is told, the input kept), the list uploaded and checked in the background, its
rows by tab, a row corrected alone (its duplicates), excluded by hand or matched to a homonym,
the weights reordering the retained rows, the validation refused while errors or homonyms
remain; only the organisme's cadre reaches any of it; the list page keeps its query count."""

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.campagnes import analyse, liste, urls_cadre
from parcours.campagnes.enums import CanalContact, EtatCible, Exclusion, StatutCampagne
from parcours.campagnes.models import Campagne, Cible, ListeCibles
from parcours.dossiers.enums import Complementaire
from parcours.organisation.enums import Role
from parcours.rendezvous.models import Motif
from parcours.travaux.genres import GENRES
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import AgentFactory, CommuneFactory, LieuAccueilFactory, UniteFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

ENTETE = ";".join(analyse.COLONNES)
OK, REFUS, INCONNU, REDIRECTION, METHODE = 200, 403, 404, 302, 405
ROLES = [Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN]


def nir(base13: str) -> str:
    return base13 + stdnum_nir.calc_check_digits(base13)


def ligne(nir_, nom="Durand", prenom="Paul", naissance="1984-12-01", commune="82121", **autres):
    valeurs = {
        "nir": nir_,
        "nom": nom,
        "prenom": prenom,
        "date_naissance": naissance,
        "commune": commune,
        "telephone": "06 12 34 56 78",
        "email": "",
        "date_debut_arret": "",
        "motif": "ARRET_90J",
        **autres,
    }
    return ";".join(valeurs[c] for c in analyse.COLONNES)


def fichier(*lignes: str, entete: str = ENTETE) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "cibles.csv", "\n".join([entete, *lignes]).encode(), content_type="text/csv"
    )


class Monde:
    pass


@pytest.fixture
def monde(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    m = Monde()
    m.p = creer_personas()
    m.montauban = CommuneFactory()
    LieuAccueilFactory(code="LA-MTB", unite=m.p.unite, commune=m.montauban)
    m.motif = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        reservable_par_la_personne=True,
    )
    m.campagne = Campagne.objects.create(
        organisme=m.p.organisme,
        code="ARRETS-2026",
        nom="Arrêts de plus de 90 jours",
        canaux=[CanalContact.TELEPHONE],
        cree_par=m.p.chloe,
    )
    return m


def deposer(client, campagne, *lignes, **options):
    return client.post(
        reverse("campagnes:campagne", args=[campagne.pk]),
        {"fichier": fichier(*lignes, **options)},
        follow=True,
    )


# Permissions ---------------------------------------------------------------------------------


def _ligne_de(m) -> Cible:
    homonyme = AssureFactory(nir=nir("1841282121999"), nom="Martin", prenom="Léa")
    return Cible.objects.create(
        campagne=m.campagne,
        ligne=2,
        nir=nir("2900582121555"),
        nom="Martin",
        prenom="Léa",
        etat=EtatCible.RETENUE,
        homonymes=[homonyme.pk],
    )


def _urls(m, cible) -> dict[str, str]:
    c = m.campagne.pk
    return {
        "liste": reverse("campagnes:liste"),
        "nouvelle": reverse("campagnes:nouvelle"),
        "campagne": reverse("campagnes:campagne", args=[c]),
        "modifier": reverse("campagnes:modifier", args=[c]),
        "progression": reverse("campagnes:progression", args=[c]),
        "poids": reverse("campagnes:poids", args=[c]),
        "valider": reverse("campagnes:valider", args=[c]),
        "cible_corriger": reverse("campagnes:cible_corriger", args=[cible.pk]),
        "cible_exclure": reverse("campagnes:cible_exclure", args=[cible.pk]),
        "cible_homonyme": reverse("campagnes:cible_homonyme", args=[cible.pk]),
    }


# What each role gets on each page (GET); another organisme's campaign answers 404.
MATRICE = {
    #                     ass    csam   cadre  pilotage partenaire admin
    "liste": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "nouvelle": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "campagne": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "modifier": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "progression": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "cible_corriger": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "cible_exclure": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "cible_homonyme": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    # POST only.
    "poids": (METHODE,) * 6,
    "valider": (METHODE,) * 6,
}


def test_every_cadre_page_is_in_the_matrix():
    assert {u.name for u in urls_cadre.urlpatterns} == set(MATRICE)


@pytest.mark.parametrize("page", MATRICE)
def test_permission_matrix(client, monde, page):
    url = _urls(monde, _ligne_de(monde))[page]
    for role, attendu in zip(ROLES, MATRICE[page], strict=True):
        client.force_login(monde.p.par_role()[role])
        assert client.get(url).status_code == attendu, (page, role)
    client.logout()
    assert client.get(url).status_code == REDIRECTION


def test_a_cadre_of_another_organisme_gets_nothing_and_others_change_nothing(client, monde):
    cible = _ligne_de(monde)
    urls = _urls(monde, cible)
    ailleurs = UniteFactory(code="U-AILLEURS")
    client.force_login(AgentFactory(matricule="cadre-ailleurs", role=Role.CADRE, unite=ailleurs))
    assert client.get(urls["liste"]).status_code == OK
    assert monde.campagne.nom not in client.get(urls["liste"]).content.decode()
    for page in ("campagne", "modifier", "progression", "cible_corriger", "cible_exclure"):
        assert client.get(urls[page]).status_code == INCONNU, page
    for page in ("poids", "valider", "cible_exclure", "campagne"):
        assert client.post(urls[page], {"motif": "x", "version": 1}).status_code == 404, page
    for role in (Role.ASS, Role.CSAM, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN):
        client.force_login(monde.p.par_role()[role])
        assert client.post(urls["valider"]).status_code == REFUS
        assert client.post(urls["cible_exclure"], {"motif": "x", "version": 1}).status_code == 403
    monde.campagne.refresh_from_db()
    cible.refresh_from_db()
    assert monde.campagne.statut == StatutCampagne.PREPARATION and cible.etat == EtatCible.RETENUE


# The campaign's form -------------------------------------------------------------------------


def _donnees(m, **autres) -> dict:
    return {
        "nom": "Sorties d'hospitalisation",
        "code": "SORTIES-2026",
        "source": "SORTIE_HOSPITALISATION",
        "unites": [m.p.unite.pk],
        "date_debut": "2026-03-01",
        "date_fin": "2026-06-30",
        "canaux": [CanalContact.TELEPHONE, CanalContact.SMS],
        "validite_jours": 10,
        "relance_jours": 3,
        "recontact_mois": 6,
        "motif_rendez_vous": m.motif.pk,
        "texte_sms": "Le service social de l'Assurance Maladie peut vous aider",
        "texte_courriel": "",
        **autres,
    }


def test_a_campaign_is_created_then_an_edit_made_meanwhile_is_told(client, monde):
    client.force_login(monde.p.chloe)
    reponse = client.post(reverse("campagnes:nouvelle"), _donnees(monde), follow=True)
    assert "Campagne créée." in reponse.content.decode()
    campagne = Campagne.objects.get(code="SORTIES-2026")
    assert campagne.organisme == monde.p.organisme and campagne.cree_par == monde.p.chloe
    assert campagne.canaux == ["TELEPHONE", "SMS"]
    assert list(campagne.unites.all()) == [monde.p.unite]
    url = reverse("campagnes:modifier", args=[campagne.pk])
    ouverte = client.get(url).context["form"]["version"].value()
    # Someone else saves first.
    campagne.nom = "Autre nom"
    campagne.version += 1
    campagne.save()
    reponse = client.post(url, _donnees(monde, nom="Mon nom", version=ouverte))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "pendant que vous la modifiiez" in contenu
    assert 'value="Mon nom"' in contenu  # the input is kept
    assert "Autre nom" in contenu  # and the current version shown
    campagne.refresh_from_db()
    assert campagne.nom == "Autre nom"
    # Saved again deliberately, on the version now shown.
    nouvelle = reponse.context["form"].data["version"]
    client.post(url, _donnees(monde, nom="Mon nom", version=nouvelle))
    campagne.refresh_from_db()
    assert campagne.nom == "Mon nom"


def test_the_form_refuses_a_long_sms_a_taken_code_and_a_late_reminder(client, monde):
    client.force_login(monde.p.chloe)
    reponse = client.post(
        reverse("campagnes:nouvelle"),
        _donnees(
            monde,
            code="ARRETS-2026",
            texte_sms="Bonjour, " + "le service social vous propose un rendez-vous. " * 3,
            relance_jours=9,
        ),
    )
    erreurs = reponse.context["form"].errors
    assert "porte déjà ce code" in erreurs["code"][0]
    assert "SMS trop long" in erreurs["texte_sms"][0]
    assert "lien de prise de rendez-vous compris" in erreurs["texte_sms"][0]
    assert "au moins 2 jours avant" in erreurs["relance_jours"][0]
    assert Campagne.objects.count() == 1
    # A motif the person may not book is not offered.
    Motif.objects.create(code="INTERNE", libelle="Interne", duree_minutes=30)
    choix = reponse.context["form"].fields["motif_rendez_vous"].queryset
    assert list(choix) == [monde.motif]


def test_once_validated_only_a_few_fields_change(client, monde):
    Campagne.objects.filter(pk=monde.campagne.pk).update(statut=StatutCampagne.VALIDEE)
    client.force_login(monde.p.chloe)
    url = reverse("campagnes:modifier", args=[monde.campagne.pk])
    client.post(url, _donnees(monde, nom="Nouveau nom", code="AUTRE", version=1))
    monde.campagne.refresh_from_db()
    assert (monde.campagne.nom, monde.campagne.code) == ("Nouveau nom", "ARRETS-2026")
    assert monde.campagne.canaux == ["TELEPHONE"]


# The upload, in the background ---------------------------------------------------------------


def test_the_upload_is_checked_in_the_background_and_its_rows_shown_by_tab(client, monde):
    client.force_login(monde.p.chloe)
    connu = AssureFactory(nir=nir("1841282121001"), nom="Durand", prenom="Paul")
    AssureFactory(
        nir=nir("2900582121999"), nom="Martin", prenom="Léa", date_naissance=date(1990, 5, 4)
    )
    il_y_a_200_jours = (timezone.localdate() - timedelta(days=200)).isoformat()
    reponse = deposer(
        client,
        monde.campagne,
        ligne(connu.nir, date_debut_arret=il_y_a_200_jours),
        ligne("1 84 12 82 121 001 00"),  # wrong key
        ligne(nir("1841231555002"), commune="31555"),  # outside the territory
        ligne(nir("2900582121555"), nom="Martin", prenom="Léa", naissance="04/05/1990"),
        "une;ligne;coupée",
    )
    contenu = reponse.content.decode()
    liste_ = ListeCibles.objects.get()
    assert liste_.statut == liste.StatutListe.TERMINEE, liste_.erreur
    assert (liste_.lignes, liste_.progression, liste_.fichier) == (5, 100, "")
    assert not any(liste._dossier().iterdir())
    assert liste_.auteur == monde.p.chloe and liste_.tache
    assert "vérifiée" in contenu
    # Opened on the rows to correct, first.
    assert reponse.context["onglet"] == "corriger"
    assert [c.ligne for c in reponse.context["page"].object_list] == [3, 6]
    assert "clé de contrôle" in contenu and "3 valeurs au lieu de 9" in contenu
    url = reverse("campagnes:campagne", args=[monde.campagne.pk])
    confirmer = client.get(url, {"onglet": "confirmer"})
    assert [c.ligne for c in confirmer.context["page"].object_list] == [5]
    assert "NIR " + nir("2900582121999") in confirmer.content.decode()
    exclues = client.get(url, {"onglet": "exclues"}).content.decode()
    assert "Commune hors du territoire de l&#x27;organisme : département 31" in exclues
    retenues = client.get(url, {"onglet": "retenues"})
    assert [c.ligne for c in retenues.context["page"].object_list] == [2, 5]
    assert "+3 arrêt de plus de 180 jours (depuis le" in retenues.content.decode()
    assert retenues.context["comptes"] == {
        "lignes": 5,
        "erreurs": 2,
        "exclues": 1,
        "retenues": 2,
        "a_confirmer": 1,
    }


def test_the_uploaded_file_is_kept_readable_by_its_owner_only_until_checked(monde, tmp_path):
    liste_ = ListeCibles.objects.create(campagne=monde.campagne, nom_fichier="c.csv")
    liste.deposer(liste_, fichier(ligne(nir("1841282121001"))))
    chemin = Path(liste_.fichier)
    assert chemin.parent == liste._dossier()
    assert stat.S_IMODE(os.stat(chemin).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(chemin.parent).st_mode) == 0o700
    genre = GENRES[ListeCibles]
    # A worker that died: run again (it wrote nothing), or failed for good with its file gone.
    genre.relancer(liste_)
    liste_.refresh_from_db()
    assert liste_.statut == liste.StatutListe.EN_ATTENTE and chemin.exists()
    genre.abandonner(liste_, "Interrompu")
    liste_.refresh_from_db()
    assert (liste_.statut, liste_.erreur, liste_.fichier) == ("ECHEC", "Interrompu", "")
    assert not chemin.exists()


def test_a_file_with_missing_columns_is_refused_and_the_list_kept(client, monde):
    client.force_login(monde.p.chloe)
    deposer(client, monde.campagne, ligne(nir("1841282121001")))
    reponse = deposer(client, monde.campagne, "1;Durand;Paul", entete="nir;nom;prenom")
    contenu = reponse.content.decode()
    assert "refusé" in contenu
    assert "Colonnes manquantes dans l&#x27;en-tête : date_naissance, commune" in contenu
    assert "La liste précédente est conservée." in contenu
    assert Cible.objects.filter(campagne=monde.campagne).count() == 1
    assert ListeCibles.objects.latest("pk").statut == liste.StatutListe.ECHEC


def test_duplicates_are_found_across_the_chunks_and_the_progress_moves(client, monde, monkeypatch):
    monkeypatch.setattr(liste, "TAILLE_PAQUET", 2)
    etapes = []
    original = liste._etape
    monkeypatch.setattr(
        liste, "_etape", lambda pk, etape, p, **c: (etapes.append(p), original(pk, etape, p, **c))
    )
    client.force_login(monde.p.chloe)
    lignes = [ligne(nir(f"18412821210{i:02d}")) for i in range(1, 5)]
    deposer(client, monde.campagne, *lignes, lignes[0])
    cinquieme = Cible.objects.get(ligne=6)
    assert (cinquieme.etat, cinquieme.exclusion) == (EtatCible.EXCLUE, Exclusion.DOUBLON)
    assert Cible.objects.filter(etat=EtatCible.RETENUE).count() == 4
    assert len([p for p in etapes if 0 < p < 95]) >= 2 and etapes[-1] == 100


def test_the_progress_is_polled_while_a_list_is_checked(client, monde):
    client.force_login(monde.p.chloe)
    en_cours = ListeCibles.objects.create(
        campagne=monde.campagne,
        nom_fichier="cibles.csv",
        statut=liste.StatutListe.EN_COURS,
        etape="Vérification des lignes",
        progression=40,
        lignes=2000,
    )
    url = reverse("campagnes:campagne", args=[monde.campagne.pk])
    progression = reverse("campagnes:progression", args=[monde.campagne.pk])
    contenu = client.get(url).content.decode()
    assert f'hx-get="{progression}"' in contenu and 'value="40"' in contenu
    assert "Vérification des lignes — 2000 lignes vérifiées" in contenu
    assert 'data-testid="form-liste"' not in contenu
    # Neither another upload nor the validation meanwhile.
    contenu = deposer(client, monde.campagne, ligne(nir("1841282121001"))).content.decode()
    assert "Une liste est déjà en cours de vérification" in contenu
    valider = reverse("campagnes:valider", args=[monde.campagne.pk])
    contenu = client.post(valider, follow=True).content.decode()
    assert "Une liste est en cours de vérification" in contenu
    assert ListeCibles.objects.count() == 1
    ListeCibles.objects.filter(pk=en_cours.pk).update(
        statut=liste.StatutListe.TERMINEE, termine_le=timezone.now(), lignes=2
    )
    fragment = client.get(progression).content.decode()
    assert "hx-get" not in fragment and "Afficher les lignes" in fragment


def test_no_upload_once_validated(client, monde):
    Campagne.objects.filter(pk=monde.campagne.pk).update(statut=StatutCampagne.VALIDEE)
    client.force_login(monde.p.chloe)
    reponse = deposer(client, monde.campagne, ligne(nir("1841282121001")))
    assert "Cette campagne est validée : sa liste ne change plus." in reponse.content.decode()
    assert not ListeCibles.objects.exists() and not Cible.objects.exists()


# The rows ------------------------------------------------------------------------------------


def _corriger(client, cible, **valeurs):
    cible.refresh_from_db()
    donnees = {**liste.valeurs_de(cible), **valeurs, "version": cible.version}
    return client.post(reverse("campagnes:cible_corriger", args=[cible.pk]), donnees)


def test_three_bad_rows_one_fixed_two_excluded_then_validated(
    client, monde, django_capture_on_commit_callbacks
):
    client.force_login(monde.p.chloe)
    deposer(
        client,
        monde.campagne,
        ligne(nir("1841282121001")),
        ligne("1 84 12 82 121 001 00"),
        ligne(nir("1841282121003"), naissance="31/02/1984"),
        ligne(nir("1841282121004"), commune="99999"),
    )
    erreurs = list(Cible.objects.filter(etat=EtatCible.ERREUR).order_by("ligne"))
    assert [c.ligne for c in erreurs] == [3, 4, 5]
    valider = reverse("campagnes:valider", args=[monde.campagne.pk])
    reponse = client.post(valider, follow=True)
    assert (
        "Validation impossible : 3 ligne(s) avec erreur : corrigez-les ou excluez-les d&#x27;abord."
        in reponse.content.decode()
    )
    # The correction page shows the row's errors beside its fields.
    page = client.get(reverse("campagnes:cible_corriger", args=[erreurs[1].pk]))
    assert page.context["form"].errors["date_naissance"] == ["date « 31/02/1984 » inexistante"]
    # Still wrong: what was typed is kept, with the new error.
    reponse = _corriger(client, erreurs[1], date_naissance="30/02/1984", telephone="05 63 00 00 01")
    assert reponse.status_code == 400
    erreurs[1].refresh_from_db()
    assert erreurs[1].telephone == "05 63 00 00 01" and erreurs[1].etat == EtatCible.ERREUR
    assert erreurs[1].erreurs == [
        {"colonne": "date_naissance", "motif": "date « 30/02/1984 » inexistante"}
    ]
    assert 'value="30/02/1984"' in reponse.content.decode()
    reponse = _corriger(client, erreurs[1], date_naissance="28/02/1984")
    assert reponse.status_code == 302
    erreurs[1].refresh_from_db()
    assert (erreurs[1].etat, erreurs[1].erreurs) == (EtatCible.RETENUE, [])
    assert erreurs[1].telephone == "+33563000001"
    # The two others excluded by hand, with a reason (required).
    exclure = reverse("campagnes:cible_exclure", args=[erreurs[0].pk])
    refus = client.post(exclure, {"motif": "  ", "version": erreurs[0].version})
    assert refus.status_code == 400 and "obligatoire" in refus.content.decode()
    for cible, motif in ((erreurs[0], "NIR introuvable"), (erreurs[2], "Hors secteur")):
        client.post(
            reverse("campagnes:cible_exclure", args=[cible.pk]),
            {"motif": motif, "version": cible.version},
        )
        cible.refresh_from_db()
        assert (cible.etat, cible.exclusion, cible.exclusion_detail) == (
            EtatCible.EXCLUE,
            Exclusion.MANUELLE,
            motif,
        )
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(valider, follow=True)
    assert "Liste validée : 2 personnes à contacter." in reponse.content.decode()
    monde.campagne.refresh_from_db()
    assert monde.campagne.statut == StatutCampagne.VALIDEE
    assert monde.campagne.valide_par == monde.p.chloe
    # The list does not change any more.
    reponse = _corriger(client, erreurs[0], nom="Autre")
    assert reponse.status_code == 302
    erreurs[0].refresh_from_db()
    assert erreurs[0].etat == EtatCible.EXCLUE and erreurs[0].nom == "Durand"


def test_a_row_corrected_meanwhile_is_told(client, monde):
    client.force_login(monde.p.chloe)
    deposer(client, monde.campagne, ligne("12"))
    cible = Cible.objects.get()
    version = cible.version
    Cible.objects.filter(pk=cible.pk).update(version=version + 1)
    reponse = client.post(
        reverse("campagnes:cible_corriger", args=[cible.pk]),
        {**liste.valeurs_de(cible), "nir": nir("1841282121001"), "version": version},
    )
    assert reponse.status_code == 409
    assert "pendant que vous la modifiiez" in reponse.content.decode()
    assert f'value="{nir("1841282121001")}"' in reponse.content.decode()
    cible.refresh_from_db()
    assert cible.etat == EtatCible.ERREUR and cible.nir == "12"


def test_a_corrected_row_is_checked_against_the_others_for_duplicates(monde):
    premier = nir("1841282121001")
    cibles = analyse.analyser(
        monde.campagne,
        [
            (2, dict(zip(analyse.COLONNES, ligne(premier).split(";"), strict=True))),
            (3, dict(zip(analyse.COLONNES, ligne("12").split(";"), strict=True))),
            (4, dict(zip(analyse.COLONNES, ligne(premier).split(";"), strict=True))),
        ],
    )
    analyse.remplacer(monde.campagne, cibles)
    deuxieme, troisieme, quatrieme = Cible.objects.order_by("ligne")
    assert quatrieme.exclusion == Exclusion.DOUBLON
    # Line 3 corrected to line 2's NIR: a duplicate of it.
    liste.corriger(
        troisieme, {**liste.valeurs_de(troisieme), "nir": premier}, version=troisieme.version
    )
    troisieme.refresh_from_db()
    assert (troisieme.etat, troisieme.exclusion) == (EtatCible.EXCLUE, Exclusion.DOUBLON)
    assert troisieme.exclusion_detail.endswith("(ligne 2)")
    # Line 2 corrected to another NIR: line 4 stays as it was.
    liste.corriger(
        deuxieme,
        {**liste.valeurs_de(deuxieme), "nir": nir("1841282121009")},
        version=deuxieme.version,
    )
    deuxieme.refresh_from_db()
    quatrieme.refresh_from_db()
    assert deuxieme.etat == EtatCible.RETENUE
    assert (quatrieme.etat, quatrieme.exclusion) == (EtatCible.EXCLUE, Exclusion.DOUBLON)


def test_a_homonym_confirmed_is_checked_as_that_person_or_dismissed(client, monde):
    client.force_login(monde.p.chloe)
    accompagnee = AssureFactory(
        nir=nir("2900582121999"), nom="Martin", prenom="Léa", date_naissance=date(1990, 5, 4)
    )
    AccompagnementFactory(assure=accompagnee, referent=monde.p.alice)
    AssureFactory(
        nir=nir("1700582121998"), nom="Roux", prenom="Jean", date_naissance=date(1970, 5, 4)
    )
    deposer(
        client,
        monde.campagne,
        ligne(nir("2900582121555"), nom="Martin", prenom="Léa", naissance="04/05/1990"),
        ligne(nir("1700582121555"), nom="Roux", prenom="Jean", naissance="1970-05-04"),
    )
    martin, roux = Cible.objects.order_by("ligne")
    valider = reverse("campagnes:valider", args=[monde.campagne.pk])
    contenu = client.post(valider, follow=True).content.decode()
    assert "2 ligne(s) avec une personne de même nom et date de naissance" in contenu
    url = reverse("campagnes:cible_homonyme", args=[martin.pk])
    assert f"NIR {accompagnee.nir}" in client.get(url).content.decode()
    client.post(url, {"decision": str(accompagnee.pk), "version": martin.version})
    martin.refresh_from_db()
    # The same person: matched, then excluded as already accompanied; the list's NIR kept.
    assert martin.assure == accompagnee and martin.homonymes == []
    assert (martin.etat, martin.exclusion) == (EtatCible.EXCLUE, Exclusion.ACCOMPAGNEMENT_ACTIF)
    assert martin.nir == nir("2900582121555")
    # Another person: nobody proposed any more, nothing merged.
    url = reverse("campagnes:cible_homonyme", args=[roux.pk])
    refus = client.post(url, {"decision": "12345", "version": roux.version})
    assert refus.status_code == 400
    client.post(url, {"decision": "autre", "version": roux.version})
    roux.refresh_from_db()
    assert (roux.etat, roux.assure, roux.homonymes) == (EtatCible.RETENUE, None, [])
    assert liste.comptes(monde.campagne)["a_confirmer"] == 0


def test_new_weights_reorder_the_retained_rows(client, monde):
    client.force_login(monde.p.chloe)
    sans_mutuelle = AssureFactory(nir=nir("1841282121021"), complementaire=Complementaire.NON)
    il_y_a_200_jours = (timezone.localdate() - timedelta(days=200)).isoformat()
    deposer(
        client,
        monde.campagne,
        ligne(nir("1841282121020"), date_debut_arret=il_y_a_200_jours),
        ligne(sans_mutuelle.nir),
    )
    url = reverse("campagnes:campagne", args=[monde.campagne.pk])
    ordre = client.get(url, {"onglet": "retenues"}).context["page"].object_list
    assert [c.ligne for c in ordre] == [2, 3]
    poids = {"arret_180": 1, "canton_fragile": 2, "loin": 1, "sans_complementaire": 5}
    reponse = client.post(reverse("campagnes:poids", args=[monde.campagne.pk]), poids, follow=True)
    assert "Poids enregistrés" in reponse.content.decode()
    assert [c.ligne for c in reponse.context["page"].object_list] == [3, 2]
    assert "+5 sans complémentaire santé" in reponse.content.decode()
    monde.campagne.refresh_from_db()
    assert monde.campagne.poids_effectifs()["sans_complementaire"] == 5
    # Out of bounds: refused, nothing changed.
    reponse = client.post(
        reverse("campagnes:poids", args=[monde.campagne.pk]), {**poids, "loin": 11}, follow=True
    )
    assert "inférieure ou égale à 10" in reponse.content.decode()
    monde.campagne.refresh_from_db()
    assert monde.campagne.poids_effectifs()["loin"] == 1


# Queries -------------------------------------------------------------------------------------


def _remplir(m, nombre: int) -> None:
    cibles = []
    homonyme = AssureFactory(nir=nir("1841282121999"))
    for i in range(nombre):
        etat = (EtatCible.ERREUR, EtatCible.RETENUE, EtatCible.EXCLUE, EtatCible.RETENUE)[i % 4]
        cibles.append(
            Cible(
                campagne=m.campagne,
                ligne=i + 2,
                nir=f"1{i:014d}",
                nom=f"Nom{i}",
                prenom="Prénom",
                etat=etat,
                erreurs=[{"colonne": "nir", "motif": "clé"}] if etat == EtatCible.ERREUR else [],
                exclusion=Exclusion.DECEDE if etat == EtatCible.EXCLUE else "",
                homonymes=[homonyme.pk] if i % 4 == 3 else [],
                contributions=[["arret_180", "arrêt"]] if etat == EtatCible.RETENUE else [],
                score=i % 7,
            )
        )
    Cible.objects.bulk_create(cibles)


# Session, agent, organisme (menu), campaign, latest upload, figures by state, by exclusion
# reason, the page of rows; the persons proposed on the « à confirmer » tab.
REQUETES = {"corriger": 8, "confirmer": 9, "exclues": 8, "retenues": 8}


@pytest.mark.parametrize("onglet", list(REQUETES))
def test_the_campaign_page_keeps_its_query_count(client, monde, onglet, django_assert_num_queries):
    client.force_login(monde.p.chloe)
    url = reverse("campagnes:campagne", args=[monde.campagne.pk])
    _remplir(monde, 8)
    with django_assert_num_queries(REQUETES[onglet]):
        assert client.get(url, {"onglet": onglet}).status_code == 200
    Cible.objects.all().delete()
    _remplir(monde, 400)
    with django_assert_num_queries(REQUETES[onglet]):
        reponse = client.get(url, {"onglet": onglet, "page": 2})
    assert len(reponse.context["page"].object_list) == 50


def test_the_list_page_keeps_its_query_count(client, monde, django_assert_num_queries):
    client.force_login(monde.p.chloe)
    _remplir(monde, 20)
    with django_assert_num_queries(4):
        reponse = client.get(reverse("campagnes:liste"))
    (c,) = reponse.context["campagnes"]
    assert (c.lignes, c.erreurs, c.exclues, c.retenues, c.a_confirmer) == (20, 5, 5, 10, 5)
    for i in range(5):
        Campagne.objects.create(organisme=monde.p.organisme, code=f"C{i}", nom=f"C{i}")
    with django_assert_num_queries(4):
        client.get(reverse("campagnes:liste"))


def test_the_rows_of_a_tab_are_read_through_the_list_index(monde):
    with connection.cursor() as curseur:
        index = connection.introspection.get_constraints(curseur, Cible._meta.db_table)
    assert index["cible_liste"]["columns"] == ["campagne_id", "etat", "score", "ligne"]
    if connection.vendor == "sqlite":
        requete = Cible.objects.filter(campagne=monde.campagne, etat=EtatCible.RETENUE).order_by(
            "-score", "ligne"
        )
        assert "cible_liste" in requete.explain()
