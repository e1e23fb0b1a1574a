"""The annual activity report of an organisme (the seed's structure): editorial, regional figures
by axis, total of interviews, territorial pages, one page per département (individual work, then
the sections of `statistiques.sections`), contact page.

`construire()` computes it; `donnees_json()` gives DESIGN §5's JSON; `rendre_html()`,
`rendre_pdf()` and `classeur()` its three other forms. A generated edition keeps `serialiser()`'s
output, so its exports show the figures as they were computed.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.observatoire import calculs
from parcours.observatoire.accessibilite import ErreurRoutage
from parcours.organisation.models import Organisme
from parcours.statistiques import detection, graphiques
from parcours.statistiques import rendezvous as rdv
from parcours.statistiques.indicateurs import Perimetre, calculer
from parcours.statistiques.models import TexteRapport
from parcours.statistiques.sections import Section, sections_par_departement
from parcours.statistiques.tableaux import (
    AXES,
    Tableau,
    depuis_dict,
    en_dict,
    tableau_axes,
    tableau_missions,
    tableau_parties,
    tableaux_du_perimetre,
)

EDITO_PAR_DEFAUT = (
    "Le service social de l'Assurance Maladie accompagne les assurés que la maladie, "
    "l'accident ou le handicap fragilisent : pour sécuriser leur parcours en santé et pour "
    "prévenir la désinsertion professionnelle. Ce rapport rend compte de son activité de "
    "l'année, calculée à partir des dossiers tenus dans Parcours."
)
CONTACT_PAR_DEFAUT = (
    "36 46 — Dites « service social ».\n"
    "Un numéro unique pour joindre le service social de la {organisme}.\n"
    "Service gratuit + prix de l'appel."
)

logger = logging.getLogger(__name__)


@dataclass
class PageDepartement:
    code: str
    nom: str
    nom_avec_de: str
    tableaux: dict[str, Tableau]
    zoom_titre: str = ""
    zoom_texte: str = ""
    # Collective actions, outreach, appointments, partners: filled as their apps arrive.
    sections: list[Section] = field(default_factory=list)


@dataclass
class Rapport:
    organisme_code: str
    organisme_nom: str
    annee: int
    role_vue: str
    edito: str
    contact: str
    lieux_accueil: int
    region: dict[str, Tableau]
    departements: list[PageDepartement] = field(default_factory=list)
    calcule_le: datetime | None = None
    demonstration: bool = False
    # The territorial observatory's maps (SVG), by name: fragilite, accessibilite, residence.
    cartes: dict[str, str] = field(default_factory=dict)
    # The appointments by département with the region's total: the JSON's region figures.
    rendez_vous: Tableau | None = None
    # The outreach campaigns by département with the region's total: the JSON's region figures.
    detection_precoce: Tableau | None = None


def construire(organisme: Organisme, annee: int, role_vue: str = "pilotage") -> Rapport:
    """Compute the report of an organisme's year as `role_vue` may see it."""
    masquer = role_vue != "cadre"
    bilan = calculer(annee, Perimetre(organisme))
    textes = (
        TexteRapport.objects.filter(organisme=organisme, annee=annee)
        .prefetch_related("zooms")
        .first()
    )
    zooms = {z.departement_id: z for z in textes.zooms.all()} if textes else {}
    region = {
        "axes": tableau_axes(bilan, bilan.ensemble, masquer),
        "missions": tableau_missions(bilan, bilan.ensemble, masquer),
        **tableaux_du_perimetre(bilan.ensemble, masquer),
    }
    parties = tableau_parties(bilan, masquer)
    if parties is not None:
        region["parties"] = parties
    departements = {d.code: d for d in organisme.departements()}
    rapport = Rapport(
        organisme_code=organisme.code,
        organisme_nom=organisme.nom,
        annee=annee,
        role_vue=role_vue,
        edito=(textes.edito if textes and textes.edito else EDITO_PAR_DEFAUT),
        contact=(
            textes.contact
            if textes and textes.contact
            else CONTACT_PAR_DEFAUT.format(organisme=organisme.nom)
        ),
        lieux_accueil=bilan.lieux_accueil,
        region=region,
        calcule_le=timezone.now(),
        demonstration=organisme.demonstration,
        rendez_vous=rdv.tableau_region(organisme, annee, masquer),
        detection_precoce=detection.tableau_region(organisme, annee, masquer),
    )
    sections = sections_par_departement(
        organisme, annee, masquer, [partie.cle for partie in bilan.parties]
    )
    for partie, chiffres in bilan.parties.items():
        departement = departements[partie.cle]
        zoom = zooms.get(partie.cle)
        rapport.departements.append(
            PageDepartement(
                code=partie.cle,
                nom=departement.nom,
                nom_avec_de=departement.nom_avec_de,
                tableaux=tableaux_du_perimetre(chiffres, masquer),
                zoom_titre=zoom.titre if zoom else "",
                zoom_texte=zoom.recit if zoom else "",
                sections=sections[partie.cle],
            )
        )
    return rapport


def ajouter_cartes(rapport: Rapport, organisme: Organisme) -> None:
    """Draw the territory's three maps into the report, from the latest computation of the
    observatory (one is made, with the default parameters, where there is none yet).

    A territory the observatory cannot compute (no reception place, routing server down) keeps
    the pages with their explanation instead of the maps: the report is still produced.
    """
    calcul = calculs.dernier_calcul(organisme)
    if calcul is None:
        try:
            calcul = calculs.calculer(
                organisme, calculs.Parametres(annee=calculs.annee_par_defaut())
            )
        except (ValueError, ErreurRoutage) as erreur:
            logger.warning(
                "rapport %s : cartes du territoire impossibles (%s)", organisme.code, erreur
            )
            return
    rapport.cartes = calculs.cartes_svg(calcul, rapport.annee, masquer=rapport.role_vue != "cadre")


def _tableau_de_section(page: PageDepartement, section: str, cle: str) -> Tableau | None:
    """A table of one of the page's sections, None where the section is empty."""
    for s in page.sections:
        if s.cle == section and s.contenu:
            return next((t for t in s.contenu.tableaux if t.cle == cle), None)
    return None


def donnees_json(rapport: Rapport) -> dict:
    """The report's data with exactly the keys of DESIGN §5 (the new domains' beside the
    first ones, which never change)."""
    missions, pdp = rapport.region["missions"], rapport.region["pdp"]
    codes = [ligne.code for ligne in missions.lignes if ligne.code not in ("ponctuelles", "total")]
    return {
        "organisme": rapport.organisme_code,
        "annee": rapport.annee,
        "region": {
            "entretiens_total": missions.valeur("total", 0).pour_json(),
            "entretiens_par_mission": {c: missions.valeur(c, 0).pour_json() for c in codes},
            "accompagnements_part_par_mission": {
                c: missions.valeur(c, 2).pour_json() for c in codes
            },
            "duree_moyenne_mois_par_mission": {c: missions.valeur(c, 4).pour_json() for c in codes},
            "pdp_emploi_retrouve_pct": pdp.valeur("emploi", 1).pour_json(),
            "pdp_maintien_emploi_pct": pdp.valeur("maintien", 1).pour_json(),
            "assures_suivis": rapport.region["assures_axes"].valeur("total", 0).pour_json(),
            "lieux_accueil": rapport.lieux_accueil,
            "rendez_vous": rdv.pour_json(rapport.rendez_vous),
            "detection_precoce": detection.pour_json(rapport.detection_precoce),
        },
        "departements": {
            page.code: {
                "assures_suivis": page.tableaux["assures_axes"].valeur("total", 0).pour_json(),
                "assures_par_axe": {
                    axe.value: page.tableaux["assures_axes"].valeur(axe.value, 1).pour_json()
                    for axe in AXES
                },
                "entretiens_total": page.tableaux["modes"].valeur("total", 0).pour_json(),
                "entretiens_de_visu": page.tableaux["modes"].valeur("de_visu", 0).pour_json(),
                "entretiens_telephone": page.tableaux["modes"].valeur("TELEPHONE", 0).pour_json(),
                "entretiens_par_axe": {
                    axe.value: page.tableaux["axes_entretiens"].valeur(axe.value, 1).pour_json()
                    for axe in AXES
                },
                "rendez_vous": rdv.pour_json(_tableau_de_section(page, "rendezvous", "rdv_lieux")),
                "detection_precoce": detection.pour_json(
                    _tableau_de_section(page, "detection", "detection_campagnes")
                ),
            }
            for page in rapport.departements
        },
    }


def _tableaux_de_la_page(page: PageDepartement) -> list[Tableau]:
    """A département's tables: individual work's, then its sections'."""
    return [
        *page.tableaux.values(),
        *(t for s in page.sections if s.contenu for t in s.contenu.tableaux),
    ]


def serialiser(rapport: Rapport) -> dict:
    """What a generated edition keeps: its tables (values and masks) and its JSON."""
    return {
        "json": donnees_json(rapport),
        "region": [en_dict(t) for t in rapport.region.values()],
        "departements": [
            {
                "code": p.code,
                "nom": p.nom,
                "tableaux": [en_dict(t) for t in _tableaux_de_la_page(p)],
            }
            for p in rapport.departements
        ],
    }


def feuilles(donnees: dict) -> list[tuple[str, list[Tableau]]]:
    """The sheets of the report's workbook, from a serialised edition."""
    resultat = [("Région", [depuis_dict(t) for t in donnees["region"]])]
    for page in donnees["departements"]:
        resultat.append(
            (f"{page['code']} {page['nom']}", [depuis_dict(t) for t in page["tableaux"]])
        )
    return resultat


def _graphiques(rapport: Rapport) -> dict:
    missions = rapport.region["missions"]
    return {
        "missions": graphiques.barres(
            "Entretiens réalisés par mission",
            [(ligne.libelle, ligne.valeurs[0]) for ligne in missions.lignes if not ligne.total],
        ),
        "modes": graphiques.repartition(
            "Entretiens par mode",
            [
                (ligne.libelle, ligne.valeurs[0])
                for ligne in rapport.region["modes"].lignes
                if ligne.code in ("LIEU_ACCUEIL", "DOMICILE", "TELEPHONE", "VISIO", "AUTRE")
            ],
        ),
    }


def _police(nom: str) -> str:
    chemin = finders.find(f"dsfr/dist/fonts/{nom}.woff")
    return f"file://{chemin}" if chemin else ""


def rendre_html(rapport: Rapport, *, pour_pdf: bool = False) -> str:
    """The report as one HTML page (screen), or laid out in A4 pages for WeasyPrint."""
    return render_to_string(
        "statistiques/rapport.html",
        {
            "rapport": rapport,
            "graphiques": _graphiques(rapport),
            "pour_pdf": pour_pdf,
            "polices": {
                "regular": _police("Marianne-Regular"),
                "bold": _police("Marianne-Bold"),
            },
            "axes": {t.code: t for t in rapport.region["axes"].lignes},
        },
    )


def rendre_pdf(rapport: Rapport) -> bytes:
    """The report as an accessible PDF (RGAA): tagged PDF/UA-1, with the HTML's title, language,
    author and subject, and each chart or map as a figure with its text alternative."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=rendre_html(rapport, pour_pdf=True)).write_pdf(pdf_variant="pdf/ua-1")
