"""Least privilege (DESIGN §1): every role × every page of the dossiers, and the access log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import urls as dossiers_urls
from parcours.dossiers.models import JournalAcces
from parcours.dossiers.models.journal import JournalAccesError
from parcours.organisation.enums import Role
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
    SignalementFactory,
)
from tests.factories import AgentFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

NOTE = "Ne pas divulguer : difficultés conjugales"
NOM = "Vialaret-Secret"


@pytest.fixture
def monde():
    p = creer_personas()
    assure = AssureFactory(nom=NOM, prenom="Jeanne")
    signalement = SignalementFactory(assure=assure, unite=p.unite, agent=p.alice, emetteur=p.pierre)
    debut = timezone.localdate() - datetime.timedelta(days=20)
    acc = AccompagnementFactory(assure=assure, referent=p.alice, date_debut=debut)
    EntretienFactory(accompagnement=acc, date=debut, notes=NOTE)
    ailleurs = AccompagnementFactory(referent=p.octave, date_debut=debut)
    return p, assure, signalement, acc, ailleurs


def _urls(assure, signalement, acc):
    return {
        "dossier": reverse("dossiers:dossier", args=[assure.pk]),
        "identite": reverse("dossiers:assure_modifier", args=[assure.pk]),
        "historique": reverse("dossiers:historique", args=[assure.pk]),
        "ouvrir": reverse("dossiers:accompagnement_ouvrir", args=[assure.pk]),
        "accompagnement": reverse("dossiers:accompagnement", args=[acc.pk]),
        "signalement": reverse("dossiers:signalement", args=[signalement.pk]),
        "signalements": reverse("dossiers:signalements") + "?statut=tous",
        "nouveau": reverse("dossiers:signalement_nouveau"),
        "recherche": reverse("dossiers:recherche"),
        "caseload": reverse("dossiers:mes_accompagnements"),
        "journal": reverse("dossiers:journal"),
    }


OK, REFUS, INCONNU = 200, 403, 404
# What each role gets on each page (GET); outsiders get 404 on objects, never a hint.
MATRICE = {
    #                 ass      csam     cadre    pilotage  partenaire admin
    "dossier": (OK, OK, OK, INCONNU, INCONNU, INCONNU),
    "identite": (OK, OK, OK, INCONNU, INCONNU, INCONNU),
    "historique": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
    "ouvrir": (OK, REFUS, OK, INCONNU, INCONNU, INCONNU),
    "accompagnement": (OK, INCONNU, OK, INCONNU, INCONNU, INCONNU),
    "signalement": (OK, OK, OK, INCONNU, OK, INCONNU),
    "signalements": (OK, OK, OK, REFUS, OK, REFUS),
    "nouveau": (OK, OK, OK, REFUS, OK, REFUS),
    "recherche": (OK, OK, OK, REFUS, REFUS, REFUS),
    "caseload": (OK, REFUS, OK, REFUS, REFUS, REFUS),
    "journal": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
}
ROLES = [Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN]


@pytest.mark.parametrize("page", MATRICE)
def test_permission_matrix(client, monde, page):
    p, assure, signalement, acc, _ = monde
    url = _urls(assure, signalement, acc)[page]
    for role, attendu in zip(ROLES, MATRICE[page], strict=True):
        client.force_login(p.par_role()[role])
        assert client.get(url).status_code == attendu, (page, role)


def test_every_dossiers_page_is_in_the_matrix():
    """A new page must be added to the matrix above (or to the POST-only list)."""
    post_seulement = {
        "entretien_rapide",
        "refus_messages",
        "accompagnement_rouvrir",
        "action_basculer",
        "objectif_basculer",
        "orientation_reponse",
    }
    nommees = {u.name for u in dossiers_urls.urlpatterns}
    couvertes = {
        "dossier",
        "assure_modifier",
        "historique",
        "accompagnement_ouvrir",
        "accompagnement",
        "signalement",
        "signalements",
        "signalement_nouveau",
        "recherche",
        "mes_accompagnements",
        "journal",
        # Author or unit manager only: tests/dossiers/test_entretien_correction.py and the
        # URL matrix of tests/securite/test_urls.py.
        "entretien_corriger",
    }
    assert nommees == couvertes | post_seulement


def test_outsiders_from_another_unit_get_nothing(client, monde):
    p, assure, signalement, acc, ailleurs = monde
    client.force_login(p.octave)
    for page in ("dossier", "identite", "accompagnement", "signalement", "ouvrir"):
        assert client.get(_urls(assure, signalement, acc)[page]).status_code == 404, page
    # And Alice does not reach the other unit's accompaniment.
    client.force_login(p.alice)
    assert client.get(reverse("dossiers:accompagnement", args=[ailleurs.pk])).status_code == 404


def test_writes_are_refused_to_those_who_may_only_read(client, monde):
    p, assure, signalement, acc, _ = monde
    formulaire = {
        "formulaire": "objectif",
        "objectif-libelle": "Objectif écrit par quelqu'un d'autre",
    }
    collegue = AgentFactory(role=Role.ASS, unite=p.unite)
    client.force_login(collegue)  # same unit, neither referent nor shared
    assert client.get(reverse("dossiers:accompagnement", args=[acc.pk])).status_code == 200
    assert (
        client.post(reverse("dossiers:accompagnement", args=[acc.pk]), formulaire).status_code
        == 403
    )
    client.force_login(p.bastien)
    reponse = client.post(
        reverse("dossiers:entretien_rapide", args=[assure.pk]),
        {"date": timezone.localdate().isoformat(), "mode": "TELEPHONE"},
    )
    assert reponse.status_code == 403
    assert not acc.objectifs.exists()
    # Sharing gives the right to write.
    acc.partage_avec.add(collegue)
    client.force_login(collegue)
    assert (
        client.post(reverse("dossiers:accompagnement", args=[acc.pk]), formulaire).status_code
        == 302
    )
    assert acc.objectifs.count() == 1


def test_triage_only_by_the_routed_social_worker_or_the_manager(client, monde):
    p, assure, signalement, acc, _ = monde
    url = reverse("dossiers:signalement", args=[signalement.pk])
    decision = {"statut": "HORS_CHAMP", "motif_decision": "Hors champ"}
    for agent in (p.bastien, AgentFactory(role=Role.ASS, unite=p.unite)):
        client.force_login(agent)
        assert client.post(url, decision).status_code == 403
    client.force_login(p.chloe)
    assert client.post(url, decision).status_code == 302
    signalement.refresh_from_db()
    assert signalement.statut == "HORS_CHAMP"


def test_csam_never_sees_interview_notes(client, monde):
    p, assure, signalement, acc, _ = monde
    client.force_login(p.bastien)
    contenu = client.get(reverse("dossiers:dossier", args=[assure.pk])).content.decode()
    assert NOM in contenu  # identity: yes
    assert NOTE not in contenu
    client.force_login(p.alice)
    assert NOTE in client.get(reverse("dossiers:dossier", args=[assure.pk])).content.decode()


def test_partner_sees_only_what_it_sent(client, monde):
    p, assure, signalement, acc, _ = monde
    autre = SignalementFactory(unite=p.unite, emetteur=p.bastien)
    client.force_login(p.pierre)
    liste = client.get(reverse("dossiers:signalements") + "?statut=tous").content.decode()
    assert reverse("dossiers:signalement", args=[signalement.pk]) in liste
    assert reverse("dossiers:signalement", args=[autre.pk]) not in liste
    assert client.get(reverse("dossiers:signalement", args=[autre.pk])).status_code == 404
    detail = client.get(reverse("dossiers:signalement", args=[signalement.pk])).content.decode()
    assert "À traiter" in detail or "à traiter" in detail
    assert NOTE not in detail
    assert "ouvrir le dossier" not in detail


def test_pilotage_never_sees_a_name(client, monde):
    p, assure, signalement, acc, _ = monde
    client.force_login(p.paula)
    for url in [
        reverse("accueil"),
        reverse("lieux_accueil"),
        *_urls(assure, signalement, acc).values(),
    ]:
        reponse = client.get(url)
        assert NOM not in reponse.content.decode(), url
        assert assure.nir not in reponse.content.decode(), url


# The access log -----------------------------------------------------------------------------


def test_reading_a_dossier_writes_the_access_log(client, monde):
    p, assure, signalement, acc, _ = monde
    client.force_login(p.alice)
    avant = timezone.now()
    client.get(reverse("dossiers:dossier", args=[assure.pk]))
    lignes = JournalAcces.objects.filter(assure=assure, agent=p.alice)
    assert {ligne.partie for ligne in lignes} == {"DOSSIER", "NOTES"}
    assert all(ligne.date >= avant for ligne in lignes)
    client.force_login(p.chloe)
    journal = client.get(reverse("dossiers:journal")).content.decode()
    assert "Alice" in journal and "notes d&#x27;entretien" in journal


def test_no_page_shows_a_dossier_unlogged(client, monde):
    """Every page of the dossiers app that answers 200 about one person logs the read."""
    p, assure, signalement, acc, _ = monde
    client.force_login(p.chloe)  # the manager reads everything of the unit
    pages = ["dossier", "identite", "historique", "ouvrir", "accompagnement", "signalement"]
    for page in pages:
        avant = JournalAcces.objects.filter(assure=assure).count()
        reponse = client.get(_urls(assure, signalement, acc)[page])
        assert reponse.status_code == 200, page
        assert JournalAcces.objects.filter(assure=assure).count() > avant, page


def test_access_log_is_append_only(monde):
    p, assure, *_ = monde
    ligne = JournalAcces.objects.create(agent=p.alice, assure=assure, partie="DOSSIER")
    with pytest.raises(JournalAccesError):
        ligne.save()
    with pytest.raises(JournalAccesError):
        ligne.delete()
    with pytest.raises(JournalAccesError):
        JournalAcces.objects.filter(pk=ligne.pk).update(partie="NOTES")
    with pytest.raises(JournalAccesError):
        JournalAcces.objects.all().delete()
