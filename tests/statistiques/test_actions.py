"""Operations on the annual report: texts with their version lock, editions asked for, and
interrupted editions recorded as failed where the application writes anyway."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from parcours.dossiers import actions as actions_dossiers
from parcours.lib import verrou
from parcours.organisation.enums import Role
from parcours.statistiques import actions
from parcours.statistiques.models import (
    ETAPE_INTERROMPUE,
    RapportAnnuel,
    StatutRapport,
    TexteRapport,
)
from tests.factories import AgentFactory
from tests.statistiques.jeu import creer_jeu

pytestmark = pytest.mark.django_db


@pytest.fixture
def jeu():
    j = creer_jeu()
    j.pilotage = AgentFactory(
        matricule="pilote", role=Role.PILOTAGE, unite=None, organisme=j.organisme
    )
    return j


def _edition(jeu, statut: str, age: timedelta, etape: str = "Mise en page") -> RapportAnnuel:
    edition = RapportAnnuel.objects.create(
        organisme=jeu.organisme, annee=2025, role_vue="pilotage", etape=etape
    )
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        statut=statut, demande_le=edition.demande_le - age
    )
    edition.refresh_from_db()
    return edition


# Texts ----------------------------------------------------------------------------------------


def _textes(jeu, version: int, edito: str) -> TexteRapport:
    return actions.enregistrer_textes(
        acting_user=jeu.pilotage,
        annee=2025,
        version=version,
        edito=edito,
        contact="36 46",
        zooms={"82": ("Séminaire", "Deux sessions.")},
    )


def test_texts_are_saved_with_their_zooms_and_their_version(jeu):
    textes = _textes(jeu, 0, "Première version")
    assert (textes.version, textes.modifie_par) == (1, jeu.pilotage)
    assert textes.zooms.get(departement_id="82").titre == "Séminaire"
    textes = _textes(jeu, 1, "Deuxième version")
    assert (textes.version, textes.edito) == (2, "Deuxième version")
    assert textes.zooms.count() == 1


def test_texts_from_a_stale_version_raise_the_shared_conflict_and_write_nothing(jeu):
    # One exception for dossiers and report texts alike, still importable from dossiers.actions.
    assert actions_dossiers.ConflitDeVersion is verrou.ConflitDeVersion
    _textes(jeu, 0, "Première version")
    with pytest.raises(verrou.ConflitDeVersion) as conflit:
        _textes(jeu, 0, "Version concurrente")
    assert conflit.value.objet.version == 1
    textes = TexteRapport.objects.get()
    assert (textes.edito, textes.version) == ("Première version", 1)


def test_texts_name_only_departements_of_the_territory(jeu):
    with pytest.raises(ValidationError, match="hors du territoire"):
        actions.enregistrer_textes(
            acting_user=jeu.pilotage,
            annee=2025,
            version=0,
            edito="",
            contact="",
            zooms={"75": ("Paris", "")},
        )
    assert not TexteRapport.objects.exists()


# Editions -------------------------------------------------------------------------------------


def test_an_edition_is_interrupted_when_not_finished_long_after_it_was_asked(jeu):
    recente = _edition(jeu, StatutRapport.EN_COURS, timedelta(minutes=5))
    ancienne = _edition(jeu, StatutRapport.EN_COURS, timedelta(hours=1))
    en_attente = _edition(jeu, StatutRapport.EN_ATTENTE, timedelta(hours=1), etape="En attente")
    prete = _edition(jeu, StatutRapport.PRET, timedelta(hours=1), etape="Prêt")
    assert not recente.interrompu and not recente.termine
    assert ancienne.interrompu and ancienne.termine and en_attente.interrompu
    assert (ancienne.statut_affiche, ancienne.etape_affichee) == ("échec", ETAPE_INTERROMPUE)
    assert not prete.interrompu and prete.statut_affiche == "prêt"
    assert set(RapportAnnuel.objects.interrompues()) == {ancienne, en_attente}


def test_clore_editions_interrompues_marks_them_failed_and_only_them(jeu):
    recente = _edition(jeu, StatutRapport.EN_COURS, timedelta(minutes=5))
    ancienne = _edition(jeu, StatutRapport.EN_COURS, timedelta(hours=1))
    prete = _edition(jeu, StatutRapport.PRET, timedelta(hours=1), etape="Prêt")
    assert actions.clore_editions_interrompues() == 1
    for e in (recente, ancienne, prete):
        e.refresh_from_db()
    assert (ancienne.statut, ancienne.etape) == (StatutRapport.ECHEC, ETAPE_INTERROMPUE)
    assert (recente.statut, recente.etape) == (StatutRapport.EN_COURS, "Mise en page")
    assert (prete.statut, prete.etape) == (StatutRapport.PRET, "Prêt")
    assert actions.clore_editions_interrompues() == 0


def test_asking_for_an_edition_launches_it_and_closes_the_interrupted_ones(
    jeu, django_capture_on_commit_callbacks
):
    ancienne = _edition(jeu, StatutRapport.EN_COURS, timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        edition = actions.demander_rapport(acting_user=jeu.pilotage, annee=2025)
    assert len(rappels) == 1  # the production starts once the request is committed
    assert (edition.organisme, edition.demande_par, edition.role_vue, edition.etape) == (
        jeu.organisme,
        jeu.pilotage,
        Role.PILOTAGE,
        "En attente",
    )
    ancienne.refresh_from_db()
    assert (ancienne.statut, ancienne.etape) == (StatutRapport.ECHEC, ETAPE_INTERROMPUE)


def test_the_report_command_closes_the_interrupted_editions_when_it_starts(jeu, tmp_path):
    ancienne = _edition(jeu, StatutRapport.EN_COURS, timedelta(hours=1))
    with pytest.raises(CommandError, match="organisme inconnu"):
        call_command(
            "rapport_annuel",
            organisme="INCONNU",
            annee=2025,
            format="json",
            sortie=tmp_path / "r.json",
        )
    ancienne.refresh_from_db()
    assert (ancienne.statut, ancienne.etape) == (StatutRapport.ECHEC, ETAPE_INTERROMPUE)
