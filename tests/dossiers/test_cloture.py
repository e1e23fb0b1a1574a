"""Issue 12, defect 10: closing an accompaniment with overdue actions warns and asks; once
closed, nothing is « en retard »; a refused closing names the field; the action button says
what it does."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import actions
from tests.dossiers.factories import AccompagnementFactory, ActionFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def acc():
    p = creer_personas()
    acc = AccompagnementFactory(referent=p.alice, unite=p.unite)
    hier = timezone.localdate() - datetime.timedelta(days=1)
    ActionFactory(accompagnement=acc, libelle="Rappeler la médecine du travail", echeance=hier)
    return acc


def _clore(client, acc, **champs):
    valeurs = {
        "date_fin": timezone.localdate().isoformat(),
        "issue": "REPRISE_POSTE",
        "version": acc.version,
        **champs,
    }
    donnees = {"formulaire": "cloture", **{f"cloture-{c}": v for c, v in valeurs.items()}}
    return client.post(reverse("dossiers:accompagnement", args=[acc.pk]), donnees)


def test_closing_with_an_overdue_action_asks_first(client, acc):
    client.force_login(acc.referent)
    page = html.unescape(_clore(client, acc).content.decode())
    acc.refresh_from_db()
    assert acc.date_fin is None
    assert "1 action du plan d'aide est en retard (Rappeler la médecine du travail)" in page
    assert "Clore malgré les actions en retard du plan d'aide" in page
    assert _clore(client, acc, malgre_actions_en_retard="on").status_code == 302
    acc.refresh_from_db()
    assert acc.date_fin == timezone.localdate()


def test_once_closed_no_action_is_late(client, acc):
    client.force_login(acc.referent)
    url = reverse("dossiers:accompagnement", args=[acc.pk])
    assert "en retard</span>" in client.get(url).content.decode()
    actions.cloturer_accompagnement(
        acc,
        acting_user=acc.referent,
        version=acc.version,
        date_fin=timezone.localdate(),
        issue="REPRISE_POSTE",
        malgre_actions_en_retard=True,
    )
    assert "en retard</span>" not in client.get(url).content.decode()
    liste = client.get(reverse("dossiers:mes_accompagnements"), {"statut": "tous"})
    assert "en retard" not in liste.content.decode()


def test_a_missing_outcome_is_named(client, acc):
    client.force_login(acc.referent)
    page = html.unescape(
        _clore(client, acc, issue="", malgre_actions_en_retard="on").content.decode()
    )
    assert "Rien n'a été enregistré : corrigez « Issue »." in page
    assert "la clôture exige une issue" in page
    assert "Le formulaire contient des erreurs" not in page


def test_the_action_button_says_what_it_does(client, acc):
    client.force_login(acc.referent)
    page = html.unescape(
        client.get(reverse("dossiers:accompagnement", args=[acc.pk])).content.decode()
    )
    action = acc.actions.get()
    assert f'<span id="action-{action.pk}">Rappeler la médecine du travail</span>' in page
    assert f'aria-describedby="action-{action.pk}">Marquer comme faite</button>' in page
