"""Issue 12, defects 8 and 9: the triage form says what each decision needs and offers no
« --------- »; a list of reception places starts with the unit's, nearest the person first
(the drive-time estimate of DESIGN §4), then the organisme's others."""

import re

import pytest
from django.urls import reverse

from parcours.organisation.proximite import choix_groupes, par_proximite
from tests.dossiers.factories import AssureFactory, SignalementFactory, creer_missions
from tests.factories import CommuneFactory, DepartementFactory, LieuAccueilFactory, UniteFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def lieux():
    """Montauban's unit has places in Moissac, Montauban (≈ 23.5 km from Moissac) and Caussade
    (≈ 36 km);
    Castelsarrasin's unit has one in Castelsarrasin, near Moissac."""
    p = creer_personas()
    dep = DepartementFactory()
    montauban = CommuneFactory()
    moissac = CommuneFactory(
        code="82112", nom="Moissac", latitude=44.105, longitude=1.085, departement=dep
    )
    caussade = CommuneFactory(
        code="82037", nom="Caussade", latitude=44.161, longitude=1.536, departement=dep
    )
    castel = CommuneFactory(
        code="82033", nom="Castelsarrasin", latitude=44.04, longitude=1.107, departement=dep
    )
    return {
        "p": p,
        "moissac": moissac,
        "montauban": montauban,
        "LA-MOI": LieuAccueilFactory(
            code="LA-MOI", nom="Permanence de Moissac", commune=moissac, unite=p.unite
        ),
        "LA-MTB": LieuAccueilFactory(
            code="LA-MTB", nom="Agence de Montauban", commune=montauban, unite=p.unite
        ),
        "LA-CAU": LieuAccueilFactory(
            code="LA-CAU", nom="Permanence de Caussade", commune=caussade, unite=p.unite
        ),
        "LA-CAS": LieuAccueilFactory(
            code="LA-CAS", nom="Antenne de Castelsarrasin", commune=castel, unite=p.autre_unite
        ),
        "ailleurs": LieuAccueilFactory(
            code="LA-X",
            nom="Lieu d'un autre organisme",
            commune=castel,
            unite=UniteFactory(code="U-X"),
        ),
    }


def test_places_are_ordered_by_estimated_drive_time(lieux):
    p = lieux["p"]
    ordre = par_proximite(
        [lieux[c] for c in ("LA-MTB", "LA-MOI", "LA-CAU")], lieux["moissac"], p.organisme
    )
    assert [x.lieu.code for x in ordre] == ["LA-MOI", "LA-MTB", "LA-CAU"]
    assert ordre[0].minutes == 0 and "dans la commune" in ordre[0].libelle
    # 60 × k × d / v with the organisme's k = 1.3 and v = 60 km/h: Montauban is ≈ 23.5 km away.
    mtb = next(x for x in ordre if x.lieu.code == "LA-MTB")
    assert 30 < mtb.minutes < 40 and "min en voiture" in mtb.libelle


def test_the_unit_s_places_come_first_then_the_organisme_s(lieux):
    p = lieux["p"]
    from parcours.organisation.models import LieuAccueil

    choix = choix_groupes(
        LieuAccueil.objects.filter(unite__organisme=p.organisme),
        unite_id=p.unite.pk,
        commune=lieux["moissac"],
        organisme=p.organisme,
    )
    assert choix[0] == ("", "— choisir un lieu —")
    (titre_unite, unite), (titre_autres, autres) = choix[1:]
    assert titre_unite.startswith("Lieux de l'unité") and "plus proche" in titre_unite
    assert [pk for pk, _ in unite][0] == lieux["LA-MOI"].pk
    assert {pk for pk, _ in unite} == {lieux[c].pk for c in ("LA-MOI", "LA-MTB", "LA-CAU")}
    assert [pk for pk, _ in autres] == [lieux["LA-CAS"].pk]


def test_the_triage_page_offers_the_unit_s_places_nearest_the_person_first(client, lieux):
    p = lieux["p"]
    creer_missions()
    assure = AssureFactory(commune=lieux["moissac"])
    sig = SignalementFactory(assure=assure, unite=p.unite, agent=p.alice)
    client.force_login(p.alice)
    contenu = client.get(reverse("dossiers:signalement", args=[sig.pk])).content.decode()
    # Defect 8: no Django placeholder; what each decision needs is said.
    assert "---------" not in contenu
    assert "obligatoire pour ouvrir un accompagnement" in contenu
    assert "obligatoire pour une orientation ou un hors champ" in contenu
    # Defect 9: optgroups, the unit's first, the nearest place first; no other organisme's.
    select = re.search(r'<select name="lieu_accueil".*?</select>', contenu, re.S).group(0)
    groupes = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groupes[0].startswith("Lieux de l") and groupes[1].startswith("Autres lieux")
    options = re.findall(r'<option value="(\d+)"', select)
    assert options[0] == str(lieux["LA-MOI"].pk)
    assert options[-1] == str(lieux["LA-CAS"].pk)
    assert str(lieux["ailleurs"].pk) not in options
