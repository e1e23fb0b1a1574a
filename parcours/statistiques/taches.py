"""Generating an edition of the annual report in the background, with its progress."""

import logging

from django.db.models import Max
from django.utils import timezone

from parcours.dossiers.models import Accompagnement, Entretien
from parcours.lib import taches
from parcours.statistiques import rapport as rapports
from parcours.statistiques.models import RapportAnnuel, StatutRapport

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


def generer(edition_id: int) -> None:
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
    taches.lancer(f"rapport-{edition.pk}", generer, edition.pk)
