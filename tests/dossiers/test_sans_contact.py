"""The « no contact » alert: one queryset rule for the caseload's lines and the home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.activite import activite_du_jour
from parcours.dossiers.models import Accompagnement
from parcours.dossiers.models.accompagnements import DELAI_SANS_CONTACT
from tests.dossiers.factories import AccompagnementFactory, EntretienFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def _il_y_a(jours: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=jours)


@pytest.fixture
def suivis():
    """Alice's accompaniments, named by what their last contact makes of them."""
    p = creer_personas()
    ouvert = DELAI_SANS_CONTACT + 1
    a = {
        "oublie": AccompagnementFactory(referent=p.alice, date_debut=_il_y_a(ouvert)),
        "limite": AccompagnementFactory(referent=p.alice, date_debut=_il_y_a(DELAI_SANS_CONTACT)),
        "vu": AccompagnementFactory(referent=p.alice, date_debut=_il_y_a(100)),
        "annule": AccompagnementFactory(referent=p.alice, date_debut=_il_y_a(100)),
        "clos": AccompagnementFactory(
            referent=p.alice, date_debut=_il_y_a(100), date_fin=_il_y_a(60), issue="DECES"
        ),
    }
    EntretienFactory(accompagnement=a["vu"], date=_il_y_a(10))
    EntretienFactory(accompagnement=a["annule"], date=_il_y_a(5), annule=True)
    return p, a


def test_the_alert_is_for_accompaniments_in_progress_without_contact_for_too_long(suivis):
    _, a = suivis
    assert DELAI_SANS_CONTACT == 45
    suivi = Accompagnement.objects.avec_suivi(timezone.localdate())
    assert set(suivi.sans_contact(timezone.localdate())) == {a["oublie"], a["annule"]}
    alertes = dict(
        suivi.avec_alerte_contact(timezone.localdate()).values_list("ref", "alerte_contact")
    )
    assert alertes == {
        a["oublie"].ref: True,
        a["limite"].ref: False,
        a["vu"].ref: False,
        a["annule"].ref: True,
        a["clos"].ref: False,
    }


def test_the_caseload_and_the_home_page_raise_the_same_alerts(client, suivis):
    p, a = suivis
    client.force_login(p.alice)
    page = client.get(reverse("dossiers:mes_accompagnements"), {"statut": "tous"})
    lignes = {ligne["a"].ref: ligne["alerte_contact"] for ligne in page.context["lignes"]}
    assert lignes == {
        a["oublie"].ref: True,
        a["limite"].ref: False,
        a["vu"].ref: False,
        a["annule"].ref: True,
        a["clos"].ref: False,
    }
    contenu = page.content.decode()
    assert contenu.count("sans contact depuis") == 2
    assert f"sans contact depuis {DELAI_SANS_CONTACT + 1} jours" in contenu
    assert page.context["delai"] == DELAI_SANS_CONTACT
    activite = activite_du_jour(p.alice)
    assert (activite["delai"], activite["sans_contact"]) == (DELAI_SANS_CONTACT, 2)
