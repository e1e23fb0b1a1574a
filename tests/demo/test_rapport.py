import pytest

from parcours.demo.organisation import generer_demo
from parcours.demo.rapport import textes_de_demo
from parcours.statistiques.models import TexteRapport

pytestmark = pytest.mark.django_db


def test_the_demo_report_has_labelled_texts_and_keeps_edits():
    organisme = generer_demo()
    textes = textes_de_demo(organisme)
    assert textes.edito.startswith("Texte de démonstration.")
    assert sorted(textes.zooms.values_list("departement_id", flat=True)) == ["31", "81", "82"]
    textes.edito = "Édito réécrit par la direction"
    textes.save()
    textes_de_demo(organisme)
    assert TexteRapport.objects.get().edito == "Édito réécrit par la direction"
