"""Texts of the demo Carsat's annual report (synthetic, labelled so), so that `make demo`
shows a complete report. Texts already there are kept: a demo user may have edited them."""

from django.utils import timezone

from parcours.organisation.models import Organisme
from parcours.statistiques.models import TexteRapport, ZoomAction

EDITO = (
    "Texte de démonstration.\n\n"
    "Le service social de l'Assurance Maladie est un service intégré, spécialisé en santé : il "
    "accompagne les assurés dont l'état de santé fragilise la situation sociale, familiale ou "
    "professionnelle, et coordonne autour d'eux les acteurs du territoire.\n\n"
    "Cette année encore, ses deux axes ont structuré l'activité : prévenir la désinsertion "
    "professionnelle, en lien étroit avec le service médical et les services de santé au "
    "travail, et sécuriser les parcours en santé, notamment au retour à domicile après une "
    "hospitalisation. Les chiffres de ce rapport sont calculés à partir des dossiers tenus "
    "dans Parcours."
)
ZOOMS = {
    "82": (
        "Une synergie renforcée avec la MisaS de la CPAM",
        "Texte de démonstration. Les assistantes sociales, les conseillères du service social "
        "et les conseillères de la Mission accompagnement santé de la CPAM ont organisé deux "
        "demi-journées d'interconnaissance. Il en ressort un plan d'actions : revues de "
        "dossiers élargies au service médical, rencontres trimestrielles entre services, et "
        "entretiens en binôme pour les situations les plus complexes.",
    ),
    "31": (
        "Des permanences au plus près des assurés",
        "Texte de démonstration. Deux nouvelles permanences ont ouvert dans des communes "
        "éloignées des agences, sur rendez-vous, dans des locaux partagés avec les partenaires "
        "de l'accès aux droits.",
    ),
    "81": (
        "Préparer le passage à la retraite",
        "Texte de démonstration. Des ateliers collectifs ont réuni des assurés en invalidité "
        "proches de la retraite pour préparer leurs démarches et prévenir l'isolement.",
    ),
}


def textes_de_demo(organisme: Organisme) -> TexteRapport:
    """The texts of last year's report of the demo Carsat."""
    annee = timezone.localdate().year - 1
    textes, cree = TexteRapport.objects.get_or_create(
        organisme=organisme, annee=annee, defaults={"edito": EDITO}
    )
    if cree:
        departements = set(organisme.departements().values_list("code", flat=True))
        ZoomAction.objects.bulk_create(
            ZoomAction(texte=textes, departement_id=code, titre=titre, recit=recit)
            for code, (titre, recit) in ZOOMS.items()
            if code in departements
        )
    return textes
