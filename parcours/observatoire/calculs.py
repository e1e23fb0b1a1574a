"""The territorial observatory of an organisme (DESIGN §4): fragility, accessibility, the
communes of the persons seen de visu, the maps and where to open the next reception place.

A computation (`CalculObservatoire`) keeps the fragility composite and the accessibility of
every commune of the territory with their parameters; it runs in the background with its
progress. The communes of residence are counted from the dossiers when asked for (they depend
on the year and on who looks: below 11 persons a commune's count is masked for every role but
the unit manager's, as in every statistic). The maps are drawn from those results, as SVG for
the report and as GeoJSON layers for the page's Leaflet map.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from parcours.dossiers.enums import MODES_DE_VISU
from parcours.dossiers.models import Entretien
from parcours.lib.secret import SEUIL
from parcours.observatoire import accessibilite, cartes, fragilite
from parcours.observatoire.enums import StatutCalcul
from parcours.observatoire.models import CalculObservatoire, DonneeFragilite
from parcours.organisation.models import LieuAccueil, Organisme, Unite
from parcours.territoire.models import Commune
from parcours.travaux.execution import execution
from parcours.travaux.execution import lancer as lancer_tache
from parcours.travaux.genres import Genre, enregistrer

logger = logging.getLogger(__name__)

# A computation still "under way" this long after it was asked for was cut short (server stop).
DUREE_MAX_MINUTES = 30


@dataclass(frozen=True)
class Parametres:
    """What a computation is asked for; `annee` is the year of the fragility data."""

    annee: int
    alpha: float = 0.05
    reference: str = "territoire"

    def verifier(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError("le seuil α doit être strictement compris entre 0 et 1")
        if self.reference not in fragilite.REFERENCES:
            raise ValueError("la référence est « territoire » ou « france »")


def annee_par_defaut(aujourd_hui: date | None = None) -> int:
    """Fragility counts describe a past year: the last full one by default."""
    return (aujourd_hui or timezone.localdate()).year - 1


def a_des_donnees_de_fragilite(organisme: Organisme) -> bool:
    return DonneeFragilite.objects.filter(
        pseudo_canton__departement__in=organisme.departements()
    ).exists()


def _nouveau(organisme: Organisme, parametres: Parametres, acting_user) -> CalculObservatoire:
    parametres.verifier()
    return CalculObservatoire.objects.create(
        organisme=organisme,
        auteur=acting_user,
        etape="En attente",
        parametres={
            "fragilite": {
                "alpha": parametres.alpha,
                "reference": parametres.reference,
                "annee": parametres.annee,
            }
        },
    )


def demander(
    organisme: Organisme, parametres: Parametres, *, acting_user=None
) -> CalculObservatoire:
    """Record a computation and start it in the background."""
    clore_calculs_interrompus()
    calcul = _nouveau(organisme, parametres, acting_user)
    lancer_tache(calcul, executer)
    return calcul


def calculer(
    organisme: Organisme, parametres: Parametres, *, acting_user=None
) -> CalculObservatoire:
    """Compute right away (operator command, demo); raises on failure, keeping nothing."""
    calcul = _nouveau(organisme, parametres, acting_user)
    try:
        _executer(calcul)
    except Exception:
        calcul.delete()
        raise
    return calcul


@task()
def executer(calcul_id: int) -> None:
    """The task: one computation, in a worker (parcours.travaux)."""
    with execution(CalculObservatoire, calcul_id):
        _executer_tache(calcul_id)


def _executer_tache(calcul_id: int) -> None:
    calcul = CalculObservatoire.objects.select_related("organisme").get(pk=calcul_id)
    try:
        _executer(calcul)
    except (ValueError, accessibilite.ErreurRoutage) as erreur:
        _etape(calcul, f"Échec : {erreur}", 0, statut=StatutCalcul.ECHEC, termine_le=timezone.now())
    except Exception:
        logger.exception("observatoire %s : échec du calcul", calcul_id)
        _etape(
            calcul,
            "Échec : erreur inattendue pendant le calcul",
            0,
            statut=StatutCalcul.ECHEC,
            termine_le=timezone.now(),
        )


def _etape(calcul: CalculObservatoire, etape: str, progression: int, **champs) -> None:
    CalculObservatoire.objects.filter(pk=calcul.pk).update(
        etape=etape[:200], progression=progression, **champs
    )


def _executer(calcul: CalculObservatoire) -> None:
    organisme = calcul.organisme
    p = calcul.parametres["fragilite"]
    _etape(calcul, "Fragilité composite", 10, statut=StatutCalcul.EN_COURS)
    resultat_fragilite = None
    if a_des_donnees_de_fragilite(organisme):
        resultat_fragilite = fragilite.calculer_fragilite(
            organisme, alpha=p["alpha"], reference=p["reference"], annee=p["annee"]
        )

    def progression(etape: str, fait: int, total: int) -> None:
        _etape(calcul, "Temps d'accès aux lieux d'accueil", 30 + int(60 * fait / max(total, 1)))

    _etape(calcul, "Temps d'accès aux lieux d'accueil", 30)
    estimateur = accessibilite.estimateur_pour(organisme)
    resultat_accessibilite = accessibilite.calculer_accessibilite(
        organisme, estimateur, progression=progression
    )
    calcul.parametres = {
        "fragilite": p,
        "accessibilite": resultat_accessibilite["parametres"],
        "estimateur": estimateur.parametres(),
    }
    calcul.resultats = {"fragilite": resultat_fragilite, "accessibilite": resultat_accessibilite}
    calcul.statut = StatutCalcul.PRET
    calcul.etape = "Prêt"
    calcul.progression = 100
    calcul.termine_le = timezone.now()
    calcul.save(
        update_fields=["parametres", "resultats", "statut", "etape", "progression", "termine_le"]
    )


def dernier_calcul(organisme: Organisme) -> CalculObservatoire | None:
    return (
        CalculObservatoire.objects.filter(organisme=organisme, statut=StatutCalcul.PRET)
        .order_by("-demande_le", "-id")
        .first()
    )


MESSAGE_INTERROMPU = "Interrompu : le serveur a été arrêté pendant le calcul"


def _interrompu(calcul: CalculObservatoire) -> bool:
    """Still « under way » long after it was asked for: its process was stopped."""
    return (
        calcul.statut in (StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS)
        and (timezone.now() - calcul.demande_le).total_seconds() > DUREE_MAX_MINUTES * 60
    )


def dernier_echec(organisme: Organisme) -> CalculObservatoire | None:
    """The latest computation, when it failed (or was cut short): its message is shown until
    one succeeds. Reading writes nothing: an interrupted one is shown failed as it stands."""
    for calcul in CalculObservatoire.objects.filter(organisme=organisme).order_by(
        "-demande_le", "-id"
    )[:5]:
        if _interrompu(calcul):
            calcul.statut, calcul.etape = StatutCalcul.ECHEC, MESSAGE_INTERROMPU
            return calcul
        if calcul.statut in (StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS):
            continue
        return calcul if calcul.statut == StatutCalcul.ECHEC else None
    return None


def calcul_en_cours(organisme: Organisme) -> CalculObservatoire | None:
    """The computation under way, if any (one left unfinished by a stopped server is not)."""
    calcul = (
        CalculObservatoire.objects.filter(
            organisme=organisme, statut__in=[StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS]
        )
        .order_by("-demande_le", "-id")
        .first()
    )
    return None if calcul is None or _interrompu(calcul) else calcul


def clore_calculs_interrompus() -> int:
    """Mark failed the computations a stopped server left « under way » (server start, next
    request); returns how many."""
    limite = timezone.now() - timedelta(minutes=DUREE_MAX_MINUTES)
    return CalculObservatoire.objects.filter(
        statut__in=[StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS], demande_le__lt=limite
    ).update(
        statut=StatutCalcul.ECHEC,
        etape=MESSAGE_INTERROMPU,
        progression=0,
        termine_le=timezone.now(),
    )


def donnees_json(calcul: CalculObservatoire) -> dict:
    """DESIGN §5's `observatoire` JSON."""
    return {
        "organisme": calcul.organisme.code,
        "fragilite": calcul.resultats.get("fragilite"),
        "accessibilite": calcul.resultats["accessibilite"],
    }


# Who we actually see --------------------------------------------------------------------------


def personnes_vues_de_visu(
    organisme: Organisme, annee: int, *, unite: Unite | None = None, masquer: bool = True
) -> dict[str, int | None]:
    """Persons seen de visu (reception place or home visit, interview not cancelled) in `annee`
    by the organisme's units (or one unit), counted once each by their commune of residence.

    With `masquer`, a commune with fewer than 11 persons gets None (secrecy, DESIGN §3).
    """
    entretiens = Entretien.objects.filter(
        unite__organisme=organisme,
        date__gte=date(annee, 1, 1),
        date__lte=date(annee, 12, 31),
        annule=False,
        mode__in=MODES_DE_VISU,
        assure__commune__isnull=False,
    )
    if unite is not None:
        entretiens = entretiens.filter(unite=unite)
    # A person living in a municipal arrondissement (Paris, Lyon, Marseille) counts for the
    # commune: the maps draw communes.
    lignes = (
        entretiens.order_by()
        .annotate(commune=Coalesce("assure__commune__commune_parent_id", "assure__commune_id"))
        .values_list("commune")
        .annotate(n=Count("assure_id", distinct=True))
    )
    return {commune: (None if masquer and n < SEUIL else n) for commune, n in lignes}


# Maps -----------------------------------------------------------------------------------------


def lieux(organisme: Organisme) -> list[dict]:
    return [
        {"code": code, "nom": nom, "latitude": lat, "longitude": lon}
        for code, nom, lat, lon in LieuAccueil.objects.actifs()
        .filter(unite__organisme=organisme)
        .order_by("code")
        .values_list("code", "nom", "latitude", "longitude")
    ]


def departements(organisme: Organisme) -> list[str]:
    return list(organisme.departements().values_list("code", flat=True))


def mention_estimateur(calcul: CalculObservatoire) -> str:
    estimateur = calcul.parametres.get("estimateur") or {}
    if estimateur.get("estimateur") == "osrm":
        return "temps de trajet calculés par un serveur d'itinéraires (OSRM)"
    p = calcul.parametres.get("accessibilite") or {}
    k = str(p.get("k", "")).replace(".", ",")
    v = str(p.get("v", "")).replace(".", ",")
    return (
        f"temps estimés à partir des distances à vol d'oiseau depuis la mairie "
        f"(détour × {k}, {v} km/h)"
    )


CARTES = ("fragilite", "accessibilite", "residence")


def cartes_svg(
    calcul: CalculObservatoire,
    annee: int,
    *,
    masquer: bool = True,
    noms: tuple[str, ...] = CARTES,
) -> dict[str, str]:
    """The maps of the annual report, as SVG, by name: `fragilite` (absent without data),
    `accessibilite` and `residence` (persons seen de visu in `annee`); `noms` draws fewer."""
    organisme = calcul.organisme
    deps = departements(organisme)
    limites = cartes.contours_departements(deps)
    resultat = {}
    fragile = calcul.resultats.get("fragilite")
    if "fragilite" in noms and fragile:
        resultat["fragilite"] = cartes.carte_fragilite(
            cartes.contours_pseudo_cantons(deps),
            fragile["territoires"],
            fragile["parametres"],
            departements=limites,
        )
    if "accessibilite" in noms or "residence" in noms:
        communes = cartes.contours_communes(deps)
        places = lieux(organisme)
    if "accessibilite" in noms:
        resultat["accessibilite"] = cartes.carte_accessibilite(
            communes,
            calcul.resultats["accessibilite"]["communes"],
            places,
            mention_estimateur=mention_estimateur(calcul),
            departements=limites,
        )
    if "residence" in noms:
        resultat["residence"] = cartes.carte_residence(
            communes,
            personnes_vues_de_visu(organisme, annee, masquer=masquer),
            places,
            annee,
            masquer,
            departements=limites,
        )
    return resultat


# Figures of the page -------------------------------------------------------------------------


def repartition_composite(fragile: dict) -> dict:
    """How many pseudo-cantons have 0 to 5 significant criteria, and how many are secret."""
    comptes = [0] * 6
    secrets = 0
    for territoire in fragile["territoires"].values():
        if territoire["composite"] is None:
            secrets += 1
        else:
            comptes[territoire["composite"]] += 1
    return {"comptes": list(enumerate(comptes)), "secrets": secrets}


def portee(calcul: CalculObservatoire) -> list[dict]:
    """How many communes and inhabitants lie within 15 and 30 minutes (the JSON of DESIGN §5
    has the shares; the page gives the counts beside them)."""
    communes = calcul.resultats["accessibilite"]["communes"]
    population = dict(
        Commune.objects.communes()
        .filter(departement__in=calcul.organisme.departements())
        .values_list("code", "population")
    )
    total_population = sum(population.get(code) or 0 for code in communes)
    lignes = []
    for seuil in accessibilite.SEUILS_MINUTES:
        proches = [
            code
            for code, c in communes.items()
            if c["minutes"] is not None and c["minutes"] <= seuil
        ]
        lignes.append(
            {
                "minutes": seuil,
                "communes": len(proches),
                "total_communes": len(communes),
                "population": sum(population.get(code) or 0 for code in proches),
                "total_population": total_population,
            }
        )
    return lignes


def _abandonner(calcul: CalculObservatoire, message: str) -> None:
    _etape(calcul, message, 0, statut=StatutCalcul.ECHEC, termine_le=timezone.now())


def _relancer(calcul: CalculObservatoire) -> None:
    _etape(calcul, "En attente (reprise)", 0, statut=StatutCalcul.EN_ATTENTE)


# A computation whose worker died is run again, once (it only reads and then writes its row).
GENRE = enregistrer(
    Genre(
        modele=CalculObservatoire,
        tache=executer,
        en_cours=Q(statut__in=(StatutCalcul.EN_ATTENTE, StatutCalcul.EN_COURS)),
        abandonner=_abandonner,
        relancer=_relancer,
    )
)
