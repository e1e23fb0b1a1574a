"""Generating an edition of the annual report in the background (a task of the queue, run by
a worker: parcours.travaux), with its progress. An edition whose worker died is produced again,
once (it only reads the dossiers); then it is failed with a French message."""

import logging

from django.db.models import Max, Q
from django.utils import timezone
from django_tasks import task

from parcours.dossiers.models import Accompagnement, Entretien
from parcours.statistiques import rapport as rapports
from parcours.statistiques.models import STATUTS_TERMINES, RapportAnnuel, StatutRapport
from parcours.travaux.execution import execution
from parcours.travaux.execution import lancer as lancer_tache
from parcours.travaux.genres import Genre, enregistrer

logger = logging.getLogger(__name__)


def _etape(edition_id: int, etape: str, progression: int, **champs) -> None:
    RapportAnnuel.objects.filter(pk=edition_id).update(
        etape=etape, progression=progression, **champs
    )


def base_calcul() -> dict:
    """How much data the figures were computed on, to tell two editions apart."""
    return {
        "entretiens": Entretien.objects.count(),
        "accompagnements": Accompagnement.objects.count(),
        "derniere_saisie": (
            Entretien.objects.aggregate(d=Max("cree_le"))["d"] or timezone.now()
        ).isoformat(timespec="seconds"),
    }


@task()
def generer(edition_id: int) -> None:
    with execution(RapportAnnuel, edition_id):
        _generer(edition_id)


def _generer(edition_id: int) -> None:
    edition = RapportAnnuel.objects.select_related("organisme").get(pk=edition_id)
    try:
        _etape(edition_id, "Calcul des indicateurs", 10, statut=StatutRapport.EN_COURS)
        rapport = rapports.construire(edition.organisme, edition.annee, edition.role_vue)
        _etape(edition_id, "Cartes du territoire", 30)
        rapports.ajouter_cartes(rapport, edition.organisme)
        _etape(edition_id, "Mise en page", 45)
        html = rapports.rendre_html(rapport)
        _etape(edition_id, "Fabrication du PDF", 60)
        pdf = rapports.rendre_pdf(rapport)
        RapportAnnuel.objects.filter(pk=edition_id).update(
            statut=StatutRapport.PRET,
            etape="Prêt",
            progression=100,
            donnees=rapports.serialiser(rapport),
            base_calcul=base_calcul(),
            html=html,
            pdf=pdf,
            termine_le=timezone.now(),
        )
    except Exception:
        logger.exception("rapport annuel %s : échec de la génération", edition_id)
        _etape(
            edition_id,
            "Échec : erreur inattendue pendant la génération",
            0,
            statut=StatutRapport.ECHEC,
            termine_le=timezone.now(),
        )


def lancer(edition: RapportAnnuel) -> None:
    lancer_tache(edition, generer)


def _abandonner(edition: RapportAnnuel, message: str) -> None:
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        statut=StatutRapport.ECHEC, etape=message, progression=0, termine_le=timezone.now()
    )


def _relancer(edition: RapportAnnuel) -> None:
    RapportAnnuel.objects.filter(pk=edition.pk).update(
        statut=StatutRapport.EN_ATTENTE, etape="En attente (reprise)", progression=0
    )


GENRE = enregistrer(
    Genre(
        modele=RapportAnnuel,
        tache=generer,
        en_cours=~Q(statut__in=STATUTS_TERMINES),
        abandonner=_abandonner,
        relancer=_relancer,
    )
)
