"""The observatory's maps: SVG for the report, GeoJSON for the page, on hand-made squares (whose
size in km is known) and on a real département of the test database."""

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest
import shapely

from parcours.lib.nombres import ESPACE_FINE
from parcours.observatoire import cartes
from parcours.observatoire.cartes import geometrie
from parcours.territoire.models import Commune, PseudoCanton

SVG = "{http://www.w3.org/2000/svg}"
NOM_PIEGE = 'Saint-Jean & "l\'Abbaye" <Ville>'


def _carre(lon: float, lat: float, cote: float = 1.0) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + cote, lat + cote)


# Three pseudo-cantons side by side, one degree of latitude high (111.2 km).
CONTOURS = {
    "8201": ("Caussade", _carre(0.0, 43.5)),
    "8202": (NOM_PIEGE, _carre(1.0, 43.5)),
    "8299": ("Montauban", _carre(2.0, 43.5)),
}
PARAMETRES = {"alpha": 0.05, "reference": "territoire", "annee": 2023}


def _critere(taux: float, significatif: bool) -> dict:
    return {"taux": taux, "taux_reference": 6.1, "p_value": 0.01, "significatif": significatif}


TERRITOIRES = {
    "8201": {
        "nom": "Caussade",
        "population_25_54": 12345,
        "composite": 3,
        "criteres": {
            "arret_90j": _critere(8.24, True),
            "invalidite": _critere(7.0, True),
            "css_non_participative": _critere(9.0, True),
            "ald": _critere(6.0, False),
            "sans_complementaire": _critere(5.0, False),
        },
    },
    # Fewer than 11 persons aged 25–54: not tested.
    "8202": {"nom": NOM_PIEGE, "population_25_54": None, "composite": None, "criteres": {}},
    # 8299 has no data.
}

# Communes: squares of 0.5° (55.6 km high), town hall at the centre.
COMMUNES = {
    f"8200{i}": (nom, _carre(0.5 * i, 43.75, 0.5), 1000 * (i + 1), 44.0, 0.5 * i + 0.25)
    for i, nom in enumerate(["Albias", NOM_PIEGE, "Bioule", "Cayrac", "Dieupentale", "Escatalens"])
}
LIEUX = [
    {"code": "L1", "nom": "Permanence & Cie", "latitude": 44.0, "longitude": 0.25},
    {"code": "L2", "nom": "Maison France services", "latitude": 44.0, "longitude": 2.25},
]
TEMPS = {
    "82000": {"minutes": 0.0, "lieu_accueil": "L1"},
    "82001": {"minutes": 12.4, "lieu_accueil": "L1"},
    "82002": {"minutes": 15.0, "lieu_accueil": "L2"},
    "82003": {"minutes": 30.0, "lieu_accueil": "L2"},
    "82004": {"minutes": 45.2, "lieu_accueil": "L2"},
    "82005": {"minutes": None, "lieu_accueil": None},
}
ESTIMATEUR = "temps estimés à partir des distances (détour × 1,3, 60 km/h)"
# 7 and 4 persons: masked; None: masked upstream; 0: nobody.
COMPTES = {"82000": 250, "82001": 7, "82002": None, "82003": 11, "82004": 4, "82005": 0}
MASQUES = {"82001", "82002", "82004"}


def _arbre(svg: str) -> ET.Element:
    racine = ET.fromstring(svg)
    assert racine.tag == f"{SVG}svg"
    assert racine.get("role") == "img"
    assert racine.get("viewBox").startswith("0 0 ")
    assert racine.find(f"{SVG}title").text
    return racine


def _chemins(racine: ET.Element) -> dict[str, ET.Element]:
    chemins = racine.findall(f".//{SVG}g[@class='surfaces']/{SVG}path")
    par_code = {p.get("data-code"): p for p in chemins}
    assert len(par_code) == len(chemins), "one path per territory"
    return par_code


def _textes(racine: ET.Element) -> list[str]:
    """Every text the reader may see: labels and tooltips."""
    return [
        " ".join(e.itertext())
        for e in racine.iter()
        if e.tag in (f"{SVG}text", f"{SVG}title") and "".join(e.itertext())
    ]


def _legende(racine: ET.Element) -> str:
    return " ".join(" ".join(t.itertext()) for t in racine.find(f"{SVG}g[@class='legende']"))


def _source(racine: ET.Element) -> str:
    return " ".join(" ".join(t.itertext()) for t in racine.find(f"{SVG}g[@class='source']"))


def _points(d: str) -> list[tuple[float, float]]:
    """The points of a path made of rings "Mx,y l dx,dy dx,dy … z", in SVG units."""
    points = []
    for anneau in re.findall(r"M([^z]*)z", d):
        depart, _, pas = anneau.partition("l")
        x, y = (int(v) for v in depart.split(","))
        points.append((x, y))
        for dx, dy in re.findall(r"(-?\d+),(-?\d+)", pas):
            x, y = x + int(dx), y + int(dy)
            points.append((x, y))
    return [(x / cartes.PRECISION, y / cartes.PRECISION) for x, y in points]


def _hauteur(chemin: ET.Element) -> float:
    ys = [y for _, y in _points(chemin.get("d"))]
    return max(ys) - min(ys)


def _echelle_juste(racine: ET.Element, chemin: ET.Element, degres_de_latitude: float) -> None:
    """The scale bar's length, read at the map's own scale (a shape of known north–south
    extent), matches its label within 1 %."""
    km_par_unite = degres_de_latitude * cartes.KM_PAR_DEGRE / _hauteur(chemin)
    echelle = racine.find(f".//{SVG}g[@class='echelle']")
    longueur = sum(float(r.get("width")) for r in echelle.findall(f"{SVG}rect"))
    km = float(echelle.get("data-km").replace(",", "."))
    assert [t.text for t in echelle.findall(f"{SVG}text")][-1] == f"{echelle.get('data-km')} km"
    assert km in {m * 10**k for m in (1, 2, 5) for k in range(-1, 4)}
    assert longueur * km_par_unite == pytest.approx(km, rel=0.01)


def _coordonnees(geometrie: dict) -> list[float]:
    def aplatir(x):
        if isinstance(x, list):
            for y in x:
                yield from aplatir(y)
        else:
            yield x

    return list(aplatir(geometrie["coordinates"]))


# Projection ------------------------------------------------------------------------------------


def test_paths_follow_the_projection():
    projection = cartes.Projection.ajustee((0.0, 43.0, 1.0, 44.0), 300, 300, marge=10)
    carre = shapely.Polygon(
        [(0, 43), (1, 43), (1, 44), (0, 44)], [[(0.25, 43.25), (0.5, 43.25), (0.5, 43.5)]]
    )
    (d,) = geometrie.chemins_svg([carre], projection)
    assert d.count("M") == 2 and d.count("z") == 2  # the outer ring and its hole
    x, y = projection.xy([0, 1, 1, 0, 0.25, 0.5, 0.5], [43, 43, 44, 44, 43.25, 43.25, 43.5])
    attendus = [float(v) for a, b in zip(x, y, strict=True) for v in (a, b)]
    obtenus = [v for point in _points(d) for v in point]
    assert obtenus == pytest.approx(attendus, abs=0.051)


def test_projection_fits_the_frame_and_gives_km_per_unit():
    projection = cartes.Projection.ajustee((0.0, 43.0, 3.0, 45.0), 500, 400, marge=10, x=20, y=30)
    x, y = projection.xy([0.0, 3.0], [43.0, 45.0])
    assert 30 <= x[0] < x[1] <= 510 and 40 <= y[1] < y[0] <= 420
    # The limiting dimension (here the height) fills the frame but for the margins.
    assert y[0] - y[1] == pytest.approx(380)
    # One degree of latitude is 111.2 km; one of longitude, cos φ₀ of it at the centre.
    assert projection.km_par_unite * (y[0] - y[1]) / 2 == pytest.approx(111.195, abs=0.01)
    largeur_km = projection.km_par_unite * (x[1] - x[0]) / 3
    assert largeur_km == pytest.approx(111.195 * math.cos(math.radians(44.0)), abs=0.01)


# Fragility -------------------------------------------------------------------------------------


def test_fragility_map():
    svg = cartes.carte_fragilite(CONTOURS, TERRITOIRES, PARAMETRES)
    racine = _arbre(svg)
    chemins = _chemins(racine)
    assert set(chemins) == set(CONTOURS)
    classes = {code: p.get("data-classe") for code, p in chemins.items()}
    assert classes == {"8201": "3", "8202": "secret", "8299": "sans_donnees"}
    couleurs = {c["classe"]: c["couleur"] for c in cartes.LEGENDES["fragilite"]}
    assert all(p.get("fill") == couleurs[p.get("data-classe")] for p in chemins.values())
    assert chemins["8201"].find(f"{SVG}title").text == (
        f"Caussade — 3 critères significatifs sur 5 — 12{ESPACE_FINE}345 personnes de 25 à 54 ans"
    )
    assert chemins["8202"].find(f"{SVG}title").text == (
        f"{NOM_PIEGE} — secret statistique — < 11 personnes de 25 à 54 ans"
    )

    legende = _legende(racine)
    for texte in (
        "Nombre de critères significatifs sur 5",
        "5 critères (0 canton)",
        "3 critères (1 canton)",
        "1 critère (0 canton)",
        "0 critère (0 canton)",
        "secret statistique (1 canton)",
        "Secret statistique : moins de 11 personnes de 25 à 54 ans, non testé.",
        "pas de données (1 canton)",
    ):
        assert texte in legende
    cases = racine.findall(f".//{SVG}g[@class='legende']/{SVG}rect[@data-classe]")
    assert [(r.get("data-classe"), r.get("fill")) for r in cases] == [
        (c["classe"], c["couleur"]) for c in cartes.LEGENDES["fragilite"]
    ]
    assert _source(racine) == (
        f"Source : effectifs de 25 à 54 ans 2023, test binomial unilatéral (α = 5{ESPACE_FINE}%), "
        "référence : territoire de l'organisme ; géographie INSEE (COG). Traitement : Parcours."
    )
    _echelle_juste(racine, chemins["8201"], 1.0)


def test_fragility_map_other_parameters_and_printed_width():
    parametres = {"alpha": 0.01, "reference": "france", "annee": 2022}
    racine = _arbre(cartes.carte_fragilite(CONTOURS, {}, parametres, largeur_mm=170))
    assert racine.get("width") == "170mm"
    assert racine.get("height").endswith("mm")
    assert f"(α = 1{ESPACE_FINE}%), référence : France entière" in _source(racine)
    assert {p.get("data-classe") for p in _chemins(racine).values()} == {"sans_donnees"}
    # No secret pseudo-canton: no such line in the legend.
    assert "secret statistique" not in _legende(racine)


def test_fragility_geojson():
    collection = cartes.geojson_fragilite(CONTOURS, TERRITOIRES, PARAMETRES)
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert set(features) == set(CONTOURS)
    caussade = features["8201"]
    assert caussade["type"] == "Feature"
    assert caussade["geometry"]["type"] == "Polygon"
    assert caussade["properties"]["classe"] == "3"
    assert caussade["properties"]["composite"] == "3 critères significatifs sur 5"
    assert caussade["properties"]["population"] == (f"12{ESPACE_FINE}345 personnes de 25 à 54 ans")
    assert caussade["properties"]["criteres"][0] == (
        f"Arrêt de travail de 90 jours consécutifs ou plus : 8,2{ESPACE_FINE}% "
        f"(référence 6,1{ESPACE_FINE}%) — significatif"
    )
    assert len(caussade["properties"]["criteres"]) == 5
    secret = features["8202"]["properties"]
    assert (secret["classe"], secret["composite"], secret["criteres"]) == (
        "secret",
        "secret statistique",
        [],
    )
    assert secret["nom"] == NOM_PIEGE
    assert features["8299"]["properties"]["composite"] == "pas de données"
    assert collection["parametres"] == {
        "annee": 2023,
        "seuil": f"5{ESPACE_FINE}%",
        "reference": "territoire de l'organisme",
    }
    json.dumps(collection)  # serialisable as it is


# Accessibility ---------------------------------------------------------------------------------


def test_accessibility_map():
    propositions = [
        {"code": "82003", "nom": "Cayrac", "latitude": 44.0, "longitude": 1.75, "gain": 1234},
        {"code": "82004", "nom": "Dieupentale", "latitude": 44.0, "longitude": 2.25, "gain": 56},
    ]
    svg = cartes.carte_accessibilite(
        COMMUNES, TEMPS, LIEUX, mention_estimateur=ESTIMATEUR, propositions=propositions
    )
    racine = _arbre(svg)
    chemins = _chemins(racine)
    assert set(chemins) == set(COMMUNES)
    assert {code: p.get("data-classe") for code, p in chemins.items()} == {
        "82000": "15",
        "82001": "15",
        "82002": "15",
        "82003": "30",
        "82004": "plus_30",
        "82005": "sans_donnees",
    }
    infobulles = {code: p.find(f"{SVG}title").text for code, p in chemins.items()}
    assert infobulles["82000"] == "Albias — lieu d'accueil dans la commune : Permanence & Cie"
    assert infobulles["82001"] == f"{NOM_PIEGE} — 12,4 min jusqu'à Permanence & Cie"
    assert infobulles["82003"] == "Cayrac — 30 min jusqu'à Maison France services"
    assert infobulles["82005"].endswith("temps d'accès non disponible (aucun trajet trouvé)")

    lieux = racine.findall(f".//{SVG}g[@class='lieux']/{SVG}rect")
    assert [r.find(f"{SVG}title").text for r in lieux] == [lieu["nom"] for lieu in LIEUX]
    numeros = racine.findall(f".//{SVG}g[@class='propositions']/{SVG}g")
    assert [g.get("data-code") for g in numeros] == ["82003", "82004"]
    assert [g.find(f"{SVG}text").text for g in numeros] == ["1", "2"]
    assert numeros[0].find(f"{SVG}title").text == (
        f"Proposition 1 : Cayrac (+1{ESPACE_FINE}234 personnes)"
    )

    legende = _legende(racine)
    for texte in (
        "15 minutes ou moins (3 communes)",
        "de 15 à 30 minutes (1 commune)",
        "plus de 30 minutes (1 commune)",
        "temps non calculé (1 commune)",
        "Lieux d'accueil du service social (2)",
        "Lieux d'accueil proposés (2)",
        "2. Dieupentale : +56 personnes",
    ):
        assert texte in legende
    assert _source(racine) == (
        f"Source : lieux d'accueil du service social, {ESTIMATEUR} ; géographie INSEE (COG). "
        "Traitement : Parcours."
    )
    _echelle_juste(racine, chemins["82000"], 0.5)


def test_accessibility_geojson_and_places():
    collection = cartes.geojson_accessibilite(COMMUNES, TEMPS, LIEUX)
    proprietes = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert proprietes["82001"] == {
        "code": "82001",
        "nom": NOM_PIEGE,
        "classe": "15",
        "temps": "12,4 min jusqu'à Permanence & Cie",
    }
    assert proprietes["82004"]["temps"] == "45,2 min jusqu'à Maison France services"
    assert {p["classe"] for p in proprietes.values()} <= {
        c["classe"] for c in cartes.LEGENDES["accessibilite"]
    }

    points = cartes.lieux_geojson(
        [{**LIEUX[0], "latitude": 44.123456789, "longitude": 1.987654321}],
        [{"code": "82003", "nom": "Cayrac", "latitude": 44.0, "longitude": 1.75, "gain": 10}],
    )
    lieu, proposition = points["features"]
    assert lieu["geometry"] == {"type": "Point", "coordinates": [1.9877, 44.1235]}
    assert lieu["properties"] == {"code": "L1", "nom": "Permanence & Cie", "classe": "lieu"}
    assert proposition["properties"] == {
        "code": "82003",
        "nom": "Cayrac",
        "classe": "proposition",
        "rang": 1,
        "gain": "+10 personnes",
    }


# Residence -------------------------------------------------------------------------------------


def test_residence_map_masks_counts_below_11():
    racine = _arbre(cartes.carte_residence(COMMUNES, COMPTES, LIEUX, 2022, True))
    chemins = _chemins(racine)
    assert set(chemins) == set(COMMUNES)
    classes = {code: p.get("data-classe") for code, p in chemins.items()}
    assert {classes[c] for c in MASQUES} == {"moins_de_11"}
    assert len({chemins[c].get("fill") for c in MASQUES}) == 1
    assert classes["82000"] == classes["82003"] == "effectif"
    assert classes["82005"] == "aucune"
    for code in MASQUES:
        assert chemins[code].find(f"{SVG}title").text.endswith(" — < 11 personnes")

    # Circles for the visible counts only, and none of the masked counts anywhere.
    cercles = racine.findall(f".//{SVG}g[@class='cercles']/{SVG}circle")
    assert {c.get("data-code") for c in cercles} == {"82000", "82003"}
    nombres = {int(n) for t in _textes(racine) for n in re.findall(r"\d+", t.replace(" ", ""))}
    assert not nombres & {4, 7}
    assert "250 personnes reçues de visu" in " ".join(_textes(racine))
    assert "11 personnes reçues de visu" in " ".join(_textes(racine))
    attributs = " ".join(
        v for e in racine.iter() for k, v in e.attrib.items() if k.startswith("data-")
    )
    assert not re.search(r"\b[47]\b", attributs)

    # The legend circles stand for round counts of at least 11.
    legende = racine.find(f"{SVG}g[@class='legende']")
    valeurs = [
        int(t.text.replace(ESPACE_FINE, ""))
        for t in legende.findall(f"{SVG}text")
        if t.text and t.text.replace(ESPACE_FINE, "").isdigit()
    ]
    assert valeurs and min(valeurs) >= 11
    assert "moins de 11 personnes (3 communes)" in _legende(racine)
    assert "Lieux d'accueil du service social (2)" in _legende(racine)
    source = _source(racine)
    assert source.startswith("Source : entretiens de visu 2022")
    assert "secret statistique" in source and source.endswith("Traitement : Parcours.")
    _echelle_juste(racine, chemins["82000"], 0.5)


def test_residence_map_unmasked_for_the_unit_manager():
    comptes = {"82000": 250, "82001": 7, "82004": 4}
    racine = _arbre(cartes.carte_residence(COMMUNES, comptes, LIEUX, 2022, False))
    cercles = {
        c.get("data-code"): float(c.get("r"))
        for c in racine.findall(f".//{SVG}g[@class='cercles']/{SVG}circle")
    }
    assert set(cercles) == {"82000", "82001", "82004"}
    # Areas proportional to counts.
    assert (cercles["82001"] / cercles["82000"]) ** 2 == pytest.approx(7 / 250, rel=0.01)
    textes = " ".join(_textes(racine))
    assert "7 personnes reçues de visu" in textes and "4 personnes reçues de visu" in textes
    assert "moins de 11" not in textes
    assert "secret statistique" not in _source(racine)


def test_residence_geojson_masks_counts_below_11():
    collection = cartes.geojson_residence(COMMUNES, COMPTES, 2022, True)
    assert collection["annee"] == 2022
    proprietes = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert set(proprietes) == set(COMMUNES)
    for code in MASQUES:
        assert proprietes[code] == {
            "code": code,
            "nom": COMMUNES[code][0],
            "classe": "moins_de_11",
            "personnes": "< 11 personnes",
        }
    assert proprietes["82000"]["personnes"] == "250 personnes reçues de visu"
    assert proprietes["82000"]["rayon"] == cartes.RAYON_MAX_ECRAN
    assert proprietes["82003"]["rayon"] == pytest.approx(
        cartes.RAYON_MAX_ECRAN * math.sqrt(11 / 250), abs=0.05
    )
    assert (proprietes["82000"]["latitude"], proprietes["82000"]["longitude"]) == (44.0, 0.25)
    assert proprietes["82005"]["classe"] == "aucune"
    sans_code = [{k: v for k, v in proprietes[c].items() if k != "code"} for c in MASQUES]
    assert not re.search(r"\d", json.dumps(sans_code, ensure_ascii=False).replace("11", ""))

    sans_masque = cartes.geojson_residence(COMMUNES, {"82001": 7}, 2022, False)
    visible = next(f for f in sans_masque["features"] if f["properties"]["code"] == "82001")
    assert visible["properties"]["personnes"] == "7 personnes reçues de visu"


def test_geojson_coordinates_are_rounded():
    contours = {"8201": ("Caussade", shapely.box(0.123456789, 43.987654321, 1.2, 44.5))}
    (feature,) = cartes.geojson_fragilite(contours, {}, PARAMETRES)["features"]
    coordonnees = _coordonnees(feature["geometry"])
    assert 0.1235 in coordonnees and 43.9877 in coordonnees
    assert all(round(c, 4) == c for c in coordonnees)


# Escaping, legends -----------------------------------------------------------------------------


def test_names_are_escaped():
    svgs = [
        cartes.carte_fragilite(CONTOURS, TERRITOIRES, PARAMETRES),
        cartes.carte_accessibilite(COMMUNES, TEMPS, LIEUX, mention_estimateur="k < 2 & v > 1"),
        cartes.carte_residence(COMMUNES, COMPTES, LIEUX, 2022, True),
    ]
    for svg in svgs:
        racine = _arbre(svg)  # parses: nothing unescaped
        assert any(t.startswith(NOM_PIEGE) for t in _textes(racine))
        assert "<Ville>" not in svg and "&lt;Ville&gt;" in svg
    assert "k < 2 & v > 1" in _source(_arbre(svgs[1]))


def test_legends_are_shared_with_the_page():
    for carte in ("fragilite", "accessibilite", "residence", "lieux"):
        classes = [c["classe"] for c in cartes.LEGENDES[carte]]
        assert len(classes) == len(set(classes))
        for entree in cartes.LEGENDES[carte]:
            assert re.fullmatch(r"#[0-9a-f]{6}", entree["couleur"])
            assert entree["libelle"]
    assert [c["classe"] for c in cartes.LEGENDES["fragilite"]][:6] == ["5", "4", "3", "2", "1", "0"]
    json.dumps(cartes.LEGENDES)  # the page reads it with json_script


def test_empty_territory_still_renders():
    racine = _arbre(cartes.carte_residence({}, {}, [], 2022, True))
    assert _chemins(racine) == {}
    assert racine.find(f".//{SVG}g[@class='echelle']") is not None


# A real département ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_real_departement_loads_and_renders(django_assert_num_queries):
    with django_assert_num_queries(1):
        communes = cartes.contours_communes(["82"])
    with django_assert_num_queries(1):
        pseudo_cantons = cartes.contours_pseudo_cantons(["82"])
    with django_assert_num_queries(1):
        departements = cartes.contours_departements(["82"])
    assert len(communes) == Commune.objects.communes().filter(departement="82").count() > 190
    assert set(pseudo_cantons) == set(
        PseudoCanton.objects.filter(departement="82").values_list("code", flat=True)
    )
    nom, contour, population, lat, lon = communes["82121"]
    assert (nom, population > 50000) == ("Montauban", True)
    assert contour.contains(shapely.Point(lon, lat))
    assert departements["82"][0] == "Tarn-et-Garonne"
    assert departements["82"][1].contains(shapely.Point(lon, lat))
    assert all(g is not None and g.is_valid for _, g in pseudo_cantons.values())

    territoires = {
        code: {"nom": nom, "population_25_54": 5000, "composite": i % 6, "criteres": {}}
        for i, (code, (nom, _)) in enumerate(pseudo_cantons.items())
    }
    racine = _arbre(
        cartes.carte_fragilite(pseudo_cantons, territoires, PARAMETRES, departements=departements)
    )
    assert set(_chemins(racine)) == set(pseudo_cantons)
    assert len(racine.findall(f".//{SVG}g[@class='departements']/{SVG}path")) == 1
    _echelle_juste(racine, _chemins(racine)["8299"], _latitudes(pseudo_cantons["8299"][1]))

    lieux = [{"code": "MTB", "nom": "Montauban", "latitude": lat, "longitude": lon}]
    temps = {code: {"minutes": i % 50, "lieu_accueil": "MTB"} for i, code in enumerate(communes)}
    racine = _arbre(cartes.carte_accessibilite(communes, temps, lieux, departements=departements))
    assert set(_chemins(racine)) == set(communes)
    comptes = {code: i % 30 for i, code in enumerate(communes)}
    racine = _arbre(cartes.carte_residence(communes, comptes, lieux, 2023, True))
    assert set(_chemins(racine)) == set(communes)
    collection = cartes.geojson_residence(communes, comptes, 2023, True)
    assert len(collection["features"]) == len(communes)


def _latitudes(geometrie: shapely.Geometry) -> float:
    _, sud, _, nord = geometrie.bounds
    return nord - sud
