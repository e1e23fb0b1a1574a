"""Statistical secrecy: primary masks, and secondary masks so no cell is rebuilt by difference."""

import itertools
import random

from parcours.lib.secret import Etat, Somme, proteger
from parcours.statistiques.indicateurs import Chiffres
from parcours.statistiques.tableaux import tableau_assures_axes, tableau_signalements


def _recuperable(valeurs, sommes, etats) -> bool:
    """Whether some published sum has exactly one masked member (rebuilt by difference)."""
    return any(
        sum(1 for m in (s.total, *s.parties) if etats[m] != Etat.VISIBLE) == 1 for s in sommes
    )


def test_small_counts_are_masked_zero_and_eleven_are_not():
    etats = proteger({"a": 0, "b": 1, "c": 10, "d": 11})
    assert etats == {"a": Etat.VISIBLE, "b": Etat.PRIMAIRE, "c": Etat.PRIMAIRE, "d": Etat.VISIBLE}


def test_a_lone_small_part_takes_the_smallest_other_part_with_it():
    valeurs = {"total": 505, "a": 5, "b": 300, "c": 200}
    etats = proteger(valeurs, [Somme("total", ("a", "b", "c"))])
    assert etats == {
        "total": Etat.VISIBLE,
        "a": Etat.PRIMAIRE,
        "b": Etat.VISIBLE,
        "c": Etat.SECONDAIRE,
    }


def test_a_non_zero_part_is_preferred_to_a_zero():
    etats = proteger({"t": 105, "a": 5, "z": 0, "b": 100}, [Somme("t", ("a", "z", "b"))])
    assert etats["b"] == Etat.SECONDAIRE and etats["z"] == Etat.VISIBLE


def test_the_total_goes_when_no_part_is_left():
    etats = proteger({"t": 25, "a": 5, "b": 20}, [Somme("t", ("a",)), Somme("t", ("a", "b"))])
    assert not _recuperable(None, [Somme("t", ("a",)), Somme("t", ("a", "b"))], etats)


def test_no_cell_of_a_random_two_way_table_can_be_rebuilt():
    """Rows and columns with their totals: after protection, every sum has 0 or ≥ 2 masks."""
    alea = random.Random(4)
    for _ in range(200):
        lignes, colonnes = alea.randint(1, 5), alea.randint(1, 5)
        valeurs = {
            (i, j): alea.choice([0, 0, 1, 3, 7, 10, 11, 12, 40, 300])
            for i, j in itertools.product(range(lignes), range(colonnes))
        }
        sommes = []
        for i in range(lignes):
            valeurs[(i, "T")] = sum(valeurs[(i, j)] for j in range(colonnes))
            sommes.append(Somme((i, "T"), tuple((i, j) for j in range(colonnes))))
        for j in [*range(colonnes), "T"]:
            valeurs[("T", j)] = sum(valeurs[(i, j)] for i in range(lignes))
            sommes.append(Somme(("T", j), tuple((i, j) for i in range(lignes))))
        sommes.append(Somme(("T", "T"), tuple(("T", j) for j in range(colonnes))))
        etats = proteger(valeurs, sommes)
        assert not _recuperable(valeurs, sommes, etats)
        for cle, n in valeurs.items():
            if 0 < n < 11:
                assert etats[cle] == Etat.PRIMAIRE


def test_a_split_prints_small_counts_and_their_shares_as_less_than_11():
    chiffres = Chiffres()
    chiffres.assures_par_axe.update({"EMPLOYABILITE": 500, "SANTE": 5})
    tableau = tableau_assures_axes(chiffres, masquer=True)
    assert [v.texte for v in tableau.ligne("SANTE").valeurs] == ["< 11", "< 11"]
    # Otherwise 505 − 500 would give it away.
    assert [v.texte for v in tableau.ligne("EMPLOYABILITE").valeurs] == ["secret", "secret"]
    assert tableau.valeur("total").texte == "505"
    assert "secret statistique" in tableau.note
    # The cadre sees everything.
    ouvert = tableau_assures_axes(chiffres, masquer=False)
    assert [v.texte for v in ouvert.ligne("SANTE").valeurs] == ["5", "1\u202f%"]
    assert not ouvert.masque


def test_the_signalements_cross_table_is_protected_in_rows_and_columns():
    chiffres = Chiffres()
    chiffres.signalements.update(
        {
            ("SERVICE_MEDICAL", "ACCOMPAGNEMENT_OUVERT"): 120,
            ("SERVICE_MEDICAL", "HORS_CHAMP"): 4,
            ("ASSURE", "ACCOMPAGNEMENT_OUVERT"): 80,
            ("ASSURE", "HORS_CHAMP"): 30,
        }
    )
    tableau = tableau_signalements(chiffres, masquer=True)
    textes = {ligne.code: [v.texte for v in ligne.valeurs] for ligne in tableau.lignes}
    statut = ["A_TRAITER", "ACCOMPAGNEMENT_OUVERT", "INTERVENTION_PONCTUELLE", "ORIENTE_AILLEURS"]
    hors_champ = len(statut)
    assert textes["SERVICE_MEDICAL"][hors_champ] == "< 11"
    masques = [
        (code, j) for code, t in textes.items() for j, x in enumerate(t) if x in ("< 11", "secret")
    ]
    # Its row and its column each hold a second masked cell.
    assert sum(1 for code, _ in masques if code == "SERVICE_MEDICAL") >= 2
    assert sum(1 for _, j in masques if j == hors_champ) >= 2
