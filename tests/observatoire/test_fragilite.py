"""The fragility composite (DESIGN §4): the import of fragilite.csv, the exact binomial test on
the pseudo-cantons of an organisme's territory, the spread of counts to communes, and the
synthetic demo file. Codes come from the official geography loaded in the test database."""

import json

import numpy as np
import pytest
from django.db.models import Count
from scipy.stats import binom, binomtest

from parcours.demo.fragilite import csv_fragilite_demo
from parcours.imports.engine import Rapport, importer
from parcours.observatoire.fragilite import (
    CRITERES,
    LIBELLES_CRITERES,
    calculer_fragilite,
    population_25_54_par_commune,
)
from parcours.observatoire.models import DonneeFragilite
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Canton, Commune, Departement, PseudoCanton
from tests.factories import OrganismeFactory, UniteFactory

pytestmark = pytest.mark.django_db

ENTETE = "territoire;population_25_54;" + ";".join(CRITERES)


def _importer(*lignes: str) -> Rapport:
    return importer("fragilite", ("\n".join([ENTETE, *lignes]) + "\n").encode())


def _ligne(code: str, n: int, *x: int) -> str:
    """A row; one count stands for all five criteria."""
    effectifs = x * 5 if len(x) == 1 else x
    return ";".join([code, str(n), *map(str, effectifs)])


def _organisme(*departements: str):
    organisme = OrganismeFactory()
    for code in departements:
        UniteFactory(organisme=organisme, departement=Departement.objects.get(code=code))
    return organisme


def _cantons(departement: str = "82") -> list[str]:
    """Pseudo-cantons of type C of a département: their code is their canton's code."""
    return list(
        PseudoCanton.objects.filter(departement_id=departement, type="C")
        .order_by("code")
        .values_list("code", flat=True)
    )


def _pseudo_canton_a_plusieurs_communes(departement: str = "82", minimum: int = 5) -> str:
    return (
        PseudoCanton.objects.filter(departement_id=departement, type="C")
        .annotate(nb=Count("communes"))
        .filter(nb__gte=minimum)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def _communes(pseudo_canton: str) -> list[tuple[str, int]]:
    return list(
        Commune.objects.filter(pseudo_canton_id=pseudo_canton, type=TypeCommune.COMMUNE)
        .order_by("code")
        .values_list("code", "population")
    )


@pytest.fixture
def tarn_et_garonne():
    return _organisme("82")


# The test ------------------------------------------------------------------------------------


def test_binom_sf_is_the_exact_one_sided_binomial_test():
    cas = [
        (80, 1000, 0.05),
        (7, 100, 0.05),
        (3, 20, 0.01),
        (0, 50, 0.1),
        (500, 10000, 0.05),
        (11, 11, 0.5),
        (160, 2000, 0.0531),
        (1, 11, 0.0),
    ]
    for x, n, p in cas:
        assert binom.sf(x - 1, n, p) == binomtest(x, n, p, alternative="greater").pvalue
    # Vectorised as calculer_fragilite does it: one call for every cell.
    x, n, p = (np.array(colonne) for colonne in zip(*cas, strict=True))
    for (xi, ni, pi), valeur in zip(cas, binom.sf(x - 1, n, p), strict=True):
        assert valeur == binomtest(xi, ni, pi, alternative="greater").pvalue


def test_reference_rate_above_tiny_and_not_significant(tarn_et_garonne):
    a, b, c, d = _cantons()[:4]
    rapport = _importer(
        _ligne(a, 20000, 1000),  # 5 %: about the reference rate
        _ligne(b, 1000, 80, 80, 80, 50, 50),  # 8 % on three criteria: clearly above
        _ligne(c, 5, 1),  # tiny: not tested
        _ligne(d, 100, 7),  # 7 %: above, but on too few persons to be significant
    )
    assert rapport.accepte, rapport.erreurs
    resultat = calculer_fragilite(tarn_et_garonne, annee=2024)
    json.dumps(resultat)  # plain Python types only
    assert resultat["parametres"] == {"alpha": 0.05, "reference": "territoire", "annee": 2024}
    territoires = resultat["territoires"]
    assert list(territoires) == [a, b, c, d]
    noms = dict(PseudoCanton.objects.filter(code__in=[a, b, c, d]).values_list("code", "nom"))
    assert {code: t["nom"] for code, t in territoires.items()} == noms

    n_total = 20000 + 1000 + 5 + 100
    p_ref_arret = (1000 + 80 + 1 + 7) / n_total
    p_ref_ald = (1000 + 50 + 1 + 7) / n_total
    for t in territoires.values():
        assert set(t) == {"nom", "population_25_54", "composite", "criteres"}
        assert list(t["criteres"]) == list(CRITERES)
        for critere in t["criteres"].values():
            assert set(critere) == {"taux", "taux_reference", "p_value", "significatif"}
            # Plain Python types, not numpy's.
            assert type(critere["taux_reference"]) is float
            if t["population_25_54"] is not None:
                assert type(critere["taux"]) is float and type(critere["p_value"]) is float
                assert type(critere["significatif"]) is bool
        assert t["criteres"]["arret_90j"]["taux_reference"] == round(100 * p_ref_arret, 2)
        assert t["criteres"]["ald"]["taux_reference"] == round(100 * p_ref_ald, 2)

    au_niveau = territoires[a]
    assert au_niveau["population_25_54"] == 20000
    assert au_niveau["composite"] == 0
    assert all(not v["significatif"] and v["p_value"] > 0.5 for v in au_niveau["criteres"].values())
    assert au_niveau["criteres"]["ald"]["taux"] == 5.0

    au_dessus = territoires[b]
    assert au_dessus["composite"] == 3
    arret = au_dessus["criteres"]["arret_90j"]
    assert arret["taux"] == 8.0
    assert arret["significatif"] is True
    assert arret["p_value"] == binomtest(80, 1000, p_ref_arret, alternative="greater").pvalue
    assert arret["p_value"] < 0.001
    assert au_dessus["criteres"]["ald"]["significatif"] is False

    petit = territoires[c]
    assert petit["population_25_54"] is None and petit["composite"] is None
    for critere in petit["criteres"].values():
        assert critere["taux"] is None and critere["p_value"] is None
        assert critere["significatif"] is None
        assert critere["taux_reference"] is not None

    non_significatif = territoires[d]
    assert non_significatif["composite"] == 0
    arret = non_significatif["criteres"]["arret_90j"]
    assert arret["taux"] == 7.0 > arret["taux_reference"]
    assert arret["significatif"] is False
    assert 0.05 < arret["p_value"] < 0.5
    assert arret["p_value"] == pytest.approx(
        binomtest(7, 100, p_ref_arret, alternative="greater").pvalue, rel=1e-12
    )

    # α is a parameter: at 50 %, the pseudo-canton above the reference becomes significant.
    large = calculer_fragilite(tarn_et_garonne, alpha=0.5, annee=2024)
    assert large["parametres"]["alpha"] == 0.5
    assert large["territoires"][d]["composite"] == 5


def test_the_composite_counts_the_significant_criteria(tarn_et_garonne):
    socle, *autres = _cantons()[:7]
    lignes = [_ligne(socle, 100000, 5000)]
    for k, code in enumerate(autres):  # k criteria at 8 %, the others at 5 %
        lignes.append(_ligne(code, 2000, *([160] * k + [100] * (5 - k))))
    assert _importer(*lignes).accepte
    territoires = calculer_fragilite(tarn_et_garonne, annee=2024)["territoires"]
    assert [territoires[code]["composite"] for code in autres] == [0, 1, 2, 3, 4, 5]
    assert territoires[socle]["composite"] == 0
    cinq = territoires[autres[5]]["criteres"]
    assert all(cinq[c]["significatif"] for c in CRITERES)
    quatre = territoires[autres[4]]["criteres"]
    assert [quatre[c]["significatif"] for c in CRITERES] == [True, True, True, True, False]


def test_commune_rows_are_aggregated_to_their_pseudo_canton(tarn_et_garonne):
    code = _pseudo_canton_a_plusieurs_communes()
    communes = _communes(code)
    assert len(communes) >= 5
    lignes, n, x = [], 0, [0] * 5
    for i, (commune, _) in enumerate(communes):
        effectifs = [i + 1, 2 * i, i % 3, 3 * i + 2, i]
        lignes.append(_ligne(commune, 100 + 10 * i, *effectifs))
        n += 100 + 10 * i
        x = [a + b for a, b in zip(x, effectifs, strict=True)]
    rapport = _importer(*lignes)
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == len(communes)
    stockees = DonneeFragilite.objects.filter(territoire__in=[c for c, _ in communes])
    assert set(stockees.values_list("pseudo_canton_id", flat=True)) == {code}
    assert not stockees.filter(commune__isnull=True).exists()
    assert not stockees.filter(canton__isnull=False).exists()

    territoires = calculer_fragilite(tarn_et_garonne, annee=2023)["territoires"]
    assert list(territoires) == [code]  # the pseudo-canton, not its communes
    t = territoires[code]
    assert t["population_25_54"] == n
    for critere, somme in zip(CRITERES, x, strict=True):
        assert t["criteres"][critere]["taux"] == round(100 * somme / n, 2)
        # The only pseudo-canton with data is the reference: nothing is above it.
        assert t["criteres"][critere]["taux_reference"] == round(100 * somme / n, 2)
    assert t["composite"] == 0


def test_reference_france_or_territory(tarn_et_garonne):
    a, b = _cantons("82")[:2]
    ailleurs = _cantons("31")[:2]
    assert _importer(
        _ligne(a, 10000, 500),
        _ligne(b, 10000, 700),
        *(_ligne(code, 30000, 3000) for code in ailleurs),
    ).accepte
    territoire = calculer_fragilite(tarn_et_garonne, annee=2024)
    france = calculer_fragilite(tarn_et_garonne, reference="france", annee=2024)
    assert france["parametres"]["reference"] == "france"
    # Only the organisme's territory is mapped, whatever the reference.
    assert list(territoire["territoires"]) == list(france["territoires"]) == [a, b]
    arret_t = territoire["territoires"][b]["criteres"]["arret_90j"]
    arret_f = france["territoires"][b]["criteres"]["arret_90j"]
    assert arret_t["taux_reference"] == 6.0
    assert arret_f["taux_reference"] == round(100 * (500 + 700 + 6000) / 80000, 2) == 9.0
    assert arret_t["taux"] == arret_f["taux"] == 7.0
    assert arret_t["significatif"] is True  # 7 % against 6 %
    assert arret_f["significatif"] is False  # 7 % against 9 %
    assert territoire["territoires"][b]["composite"] == 5
    assert france["territoires"][b]["composite"] == 0


def test_parameters_and_missing_data_raise_in_french(tarn_et_garonne):
    with pytest.raises(ValueError, match="aucune donnée de fragilité"):
        calculer_fragilite(tarn_et_garonne, annee=2024)
    assert _importer(_ligne(_cantons()[0], 1000, 10)).accepte
    with pytest.raises(ValueError, match="référence inconnue « region »"):
        calculer_fragilite(tarn_et_garonne, reference="region", annee=2024)
    for alpha in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="seuil α invalide"):
            calculer_fragilite(tarn_et_garonne, alpha=alpha, annee=2024)
    # Data elsewhere does not cover another territory.
    with pytest.raises(ValueError, match="aucune donnée de fragilité"):
        calculer_fragilite(_organisme("31"), annee=2024)


def test_the_criteria_have_french_labels():
    assert set(LIBELLES_CRITERES) == set(CRITERES)
    assert LIBELLES_CRITERES["ald"] == "affection de longue durée (ALD)"


# The import ----------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_nothing_is_written():
    c = _cantons()
    sans_pseudo_canton = (
        Canton.objects.filter(pseudo_canton__isnull=True)
        .order_by("code")
        .values_list("code", "nom")
    ).first()
    arrondissement = (
        Commune.objects.filter(type=TypeCommune.ARRONDISSEMENT)
        .order_by("code")
        .values_list("code", "commune_parent_id")
        .first()
    )
    rapport = _importer(
        _ligne(c[0], 1000, 10),  # line 2: good
        _ligne("99999", 1000, 10),  # 3
        _ligne(arrondissement[0], 1000, 10),  # 4
        _ligne(sans_pseudo_canton[0], 1000, 10),  # 5
        _ligne(c[1], -5, 0),  # 6
        f"{c[2]};1000;10;10;10;12,5;10",  # 7
        _ligne(c[3], 100, 10, 101, 10, 10, 10),  # 8
        f"{c[4]};1000;10;10;10;10;",  # 9
        _ligne(c[0], 1000, 10),  # 10: the key of line 2 again
        f"{c[5]};mille;10;10;10;10;10",  # 11
    )
    assert not rapport.accepte
    erreurs = {(e.ligne, e.colonne): e.message for e in rapport.erreurs}
    assert list(erreurs) == [
        (3, "territoire"),
        (4, "territoire"),
        (5, "territoire"),
        (6, "population_25_54"),
        (7, "ald"),
        (8, "invalidite"),
        (9, "sans_complementaire"),
        (10, "territoire"),
        (11, "population_25_54"),
    ]
    assert erreurs[3, "territoire"].startswith("territoire inconnu « 99999 »")
    assert "arrondissement municipal" in erreurs[4, "territoire"]
    assert f", {arrondissement[1]})" in erreurs[4, "territoire"]  # the commune to give instead
    assert (
        f"le canton « {sans_pseudo_canton[0]} » ({sans_pseudo_canton[1]})"
        in erreurs[5, "territoire"]
    )
    assert "n'a pas de pseudo-canton" in erreurs[5, "territoire"]
    assert "fractions de communes partagées" in erreurs[5, "territoire"]
    assert erreurs[6, "population_25_54"] == "effectif négatif « -5 » (attendu : 0 ou plus)"
    assert erreurs[7, "ald"].startswith("« 12,5 » n'est pas un nombre entier")
    assert erreurs[8, "invalidite"] == (
        "101 personnes, plus que la population de 25 à 54 ans (100)"
    )
    assert erreurs[9, "sans_complementaire"].startswith("valeur obligatoire manquante")
    assert erreurs[10, "territoire"] == f"« {c[0]} » figure déjà ligne 2 du fichier"
    assert erreurs[11, "population_25_54"].startswith("« mille » n'est pas un nombre entier")
    assert rapport.resume().startswith("Fichier rejeté : 9 erreur(s)")
    assert not DonneeFragilite.objects.exists()


def test_import_is_idempotent():
    c = _cantons()
    commune = _communes(c[2])[0][0]
    lignes = [_ligne(c[0], 1000, 10), f"{c[1]};1 234;12;13;14;15;16", _ligne(commune, 300, 3)]
    premier = _importer(*lignes)
    assert premier.accepte, premier.erreurs
    assert (premier.crees, premier.modifies, premier.inchanges) == (3, 0, 0)
    assert DonneeFragilite.objects.get(territoire=c[1]).population_25_54 == 1234
    second = _importer(*lignes)
    assert (second.crees, second.modifies, second.inchanges) == (0, 0, 3)
    lignes[0] = _ligne(c[0], 1000, 11)
    troisieme = _importer(*lignes)
    assert (troisieme.crees, troisieme.modifies, troisieme.inchanges) == (0, 1, 2)
    assert DonneeFragilite.objects.get(territoire=c[0]).ald == 11
    assert DonneeFragilite.objects.count() == 3


def test_a_pseudo_canton_is_given_by_communes_or_by_canton_not_both():
    code = _pseudo_canton_a_plusieurs_communes()
    (commune, _), (autre_commune, _) = _communes(code)[:2]

    # In one file.
    rapport = _importer(_ligne(code, 1000, 10), _ligne(commune, 100, 1))
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, "territoire"), (3, "territoire")]
    assert all(e.message.startswith("double compte") for e in rapport.erreurs)
    assert f"« {commune} »" in rapport.erreurs[0].message
    assert f"« {code} »" in rapport.erreurs[1].message
    assert not DonneeFragilite.objects.exists()

    # A commune shared between cantons is its own pseudo-canton: its commune and its canton.
    ville = PseudoCanton.objects.filter(departement_id="82", type="V").get()
    montauban = Commune.objects.get(pseudo_canton=ville, type=TypeCommune.COMMUNE).code
    rapport = _importer(_ligne(ville.code, 1000, 10), _ligne(montauban, 1000, 10))
    assert len(rapport.erreurs) == 2 and not DonneeFragilite.objects.exists()

    # Against rows stored before: by canton, then by commune.
    assert _importer(_ligne(code, 1000, 10)).accepte
    rapport = _importer(_ligne(commune, 100, 1), _ligne(autre_commune, 100, 1))
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, "territoire"), (3, "territoire")]
    assert "a déjà des données par canton" in rapport.erreurs[0].message
    assert f"« {code} », importées auparavant" in rapport.erreurs[0].message
    assert list(DonneeFragilite.objects.values_list("territoire", flat=True)) == [code]

    DonneeFragilite.objects.all().delete()
    assert _importer(_ligne(commune, 100, 1)).accepte
    rapport = _importer(_ligne(code, 1000, 10))
    assert len(rapport.erreurs) == 1
    assert "a déjà des données par commune" in rapport.erreurs[0].message
    # More communes of the same pseudo-canton, and the same file again, are welcome.
    assert _importer(_ligne(commune, 100, 1), _ligne(autre_commune, 100, 1)).accepte


# Counts by commune, demo data ----------------------------------------------------------------


def test_population_25_54_by_commune(tarn_et_garonne):
    code = _pseudo_canton_a_plusieurs_communes()
    communes = _communes(code)
    autre = next(c for c in _cantons() if c != code)
    (commune_a, _), (commune_b, _) = _communes(autre)[:2]
    ville = PseudoCanton.objects.filter(departement_id="82", type="V").get()
    montauban = Commune.objects.get(pseudo_canton=ville, type=TypeCommune.COMMUNE).code
    assert _importer(
        _ligne(code, 10000, 100),
        _ligne(commune_a, 321, 3),
        _ligne(commune_b, 45, 0),
        _ligne(ville.code, 20000, 100),
        _ligne(_cantons("31")[0], 5000, 50),  # outside the territory
    ).accepte
    resultat = population_25_54_par_commune(tarn_et_garonne)
    total = sum(p for _, p in communes)
    attendu = {c: 10000 * p / total for c, p in communes}
    attendu |= {commune_a: 321.0, commune_b: 45.0, montauban: 20000.0}
    assert resultat.keys() == attendu.keys()
    for c, valeur in attendu.items():
        assert resultat[c] == pytest.approx(valeur)
    assert sum(resultat[c] for c, _ in communes) == pytest.approx(10000)
    assert list(resultat) == sorted(resultat)


def test_demo_file_imports_and_maps_a_mix_of_composites():
    contenu = csv_fragilite_demo(["82"])
    assert contenu == csv_fragilite_demo(["82"])  # deterministic
    assert contenu != csv_fragilite_demo(["82"], graine=7)
    assert contenu.splitlines()[0] == ENTETE
    rapport = importer("fragilite", contenu.encode())
    assert rapport.accepte, rapport.erreurs[:5]
    communes = Commune.objects.filter(departement_id="82", type=TypeCommune.COMMUNE)
    assert rapport.crees == communes.count()

    population = sum(communes.values_list("population", flat=True))
    donnees = DonneeFragilite.objects.all()
    n = sum(donnees.values_list("population_25_54", flat=True))
    assert 0.36 < n / population < 0.40
    ald = sum(donnees.values_list("ald", flat=True))
    assert 0.06 < ald / n < 0.12

    territoires = calculer_fragilite(_organisme("82"), annee=2024)["territoires"]
    assert set(territoires) == set(
        PseudoCanton.objects.filter(departement_id="82").values_list("code", flat=True)
    )
    composites = [t["composite"] for t in territoires.values()]
    assert len(set(composites)) >= 3, composites
    assert 0 in composites
