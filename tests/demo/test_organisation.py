import pytest
from django.db.models import Count
from django.urls import reverse

from parcours.demo.organisation import COMPTES_DEMO, MOT_DE_PASSE_DEMO, generer_demo
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Organisme, Secteur, Unite

pytestmark = pytest.mark.django_db

MIDI_PYRENEES = ["09", "12", "31", "32", "46", "65", "81", "82"]


def test_demo_carsat_on_real_geography():
    organisme = generer_demo()
    assert organisme.demonstration
    assert [d.code for d in organisme.departements()] == MIDI_PYRENEES
    lieux = LieuAccueil.objects.filter(unite__organisme=organisme).select_related(
        "commune", "unite"
    )
    assert lieux.count() == 128
    for lieu in lieux:
        # Each reception place stands in a real commune of its unit's département.
        assert lieu.commune.departement_id == lieu.unite.departement_id
        assert (lieu.latitude, lieu.longitude) == (lieu.commune.latitude, lieu.commune.longitude)
    assert len({lieu.commune_id for lieu in lieux}) == 128
    roles = set(Agent.objects.filter(organisme=organisme).values_list("role", flat=True))
    assert roles == set(Role.values)
    # Every unit has a manager, social workers, a CSAM and at least one reception place.
    for unite in Unite.objects.filter(organisme=organisme).annotate(n=Count("lieux_accueil")):
        assert unite.n >= 1, unite
        assert set(unite.agents.values_list("role", flat=True)) >= {Role.CADRE, Role.ASS, Role.CSAM}
    # Each unit's sector covers communes of its département only.
    for secteur in Secteur.objects.filter(unite__organisme=organisme, agent=None):
        assert not secteur.communes.exclude(departement=secteur.unite.departement).exists()


def test_demo_is_idempotent():
    generer_demo()
    comptes = (Agent.objects.count(), LieuAccueil.objects.count(), Secteur.objects.count())
    noms = sorted(LieuAccueil.objects.values_list("code", "nom", "unite__code"))
    generer_demo()
    assert (Agent.objects.count(), LieuAccueil.objects.count(), Secteur.objects.count()) == comptes
    assert sorted(LieuAccueil.objects.values_list("code", "nom", "unite__code")) == noms


def test_a_second_run_adds_no_version_to_the_change_history():
    generer_demo()
    modeles = (Organisme, Unite, LieuAccueil, Agent)
    versions = [m.history.count() for m in modeles]
    generer_demo()
    assert [m.history.count() for m in modeles] == versions


def test_each_demo_account_reaches_its_home_page_labelled_demo(client):
    generer_demo()
    for compte in COMPTES_DEMO:
        client.logout()
        reponse = client.post(
            reverse("connexion"), {"username": compte.matricule, "password": MOT_DE_PASSE_DEMO}
        )
        assert reponse.status_code == 302, compte
        accueil = client.get(reverse("accueil"))
        assert accueil.status_code == 200
        assert "Données de démonstration" in accueil.content.decode()
