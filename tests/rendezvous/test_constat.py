"""Issue 14, point 7: after the appointment — seen, absent, excused; « seen » records the
interview in one click, prefilled from the appointment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.dossiers.enums import ModeEntretien
from parcours.rendezvous import actions
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Motif, Participation, RendezVous
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import AgentFactory, CommuneFactory, LieuAccueilFactory

pytestmark = pytest.mark.django_db


def _rdv(debut, *, agent, lieu, assure, autres=()):
    motif = Motif.objects.get_or_create(
        code="SUIVI", defaults={"libelle": "Suivi", "duree_minutes": 45}
    )[0]
    rdv = RendezVous.objects.create(
        assure=assure,
        motif=motif,
        lieu=lieu,
        salle=1,
        agent=agent,
        debut=debut,
        fin=debut + timedelta(minutes=45),
    )
    for a in (agent, *autres):
        Participation.objects.create(rendez_vous=rdv, agent=a, debut=rdv.debut, fin=rdv.fin)
    return rdv


def test_seen_records_the_interview_in_the_accompaniment_in_one_click():
    lieu = LieuAccueilFactory(code="LA-MTB", commune=CommuneFactory())
    alice = AgentFactory(unite=lieu.unite)
    collegue = AgentFactory(unite=lieu.unite)
    acc = AccompagnementFactory(
        referent=alice, date_debut=timezone.localdate() - timedelta(days=30)
    )
    hier = timezone.now() - timedelta(days=1)
    rdv = _rdv(hier, agent=alice, lieu=lieu, assure=acc.assure, autres=(collegue,))
    rdv = actions.constater(
        rdv, StatutRendezVous.VU, acting_user=alice, notes="Point sur la reprise à temps partiel"
    )
    entretien = rdv.entretien
    assert rdv.statut == StatutRendezVous.VU
    assert (entretien.accompagnement, entretien.agent, entretien.second_agent) == (
        acc,
        alice,
        collegue,
    )
    assert (entretien.mode, entretien.lieu_accueil, entretien.duree_minutes) == (
        ModeEntretien.LIEU_ACCUEIL,
        lieu,
        45,
    )
    assert entretien.date == timezone.localtime(hier).date()
    assert entretien.notes == "Point sur la reprise à temps partiel"
    with pytest.raises(actions.RegleRendezVous, match="déjà marqué « vu »"):
        actions.constater(rdv, StatutRendezVous.ABSENT, acting_user=alice)


def test_absent_records_no_interview_and_a_future_one_cannot_be_marked():
    lieu = LieuAccueilFactory(code="LA-MTB", commune=CommuneFactory())
    alice = AgentFactory(unite=lieu.unite)
    personne = AssureFactory()
    passe = _rdv(timezone.now() - timedelta(hours=3), agent=alice, lieu=lieu, assure=personne)
    actions.constater(passe, StatutRendezVous.ABSENT, acting_user=alice)
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.ABSENT and passe.entretien is None
    futur = _rdv(timezone.now() + timedelta(days=2), agent=alice, lieu=lieu, assure=personne)
    with pytest.raises(actions.RegleRendezVous, match="pas encore commencé"):
        actions.constater(futur, StatutRendezVous.VU, acting_user=alice)
