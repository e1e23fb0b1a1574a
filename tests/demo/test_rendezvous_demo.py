"""The demo Carsat's agendas (issue 14): openings at all 128 places, a few absences, and
appointments of every status — consistent as if booked and marked one by one (no double
booking, no holiday, an interview for each one seen)."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from parcours.demo.historique import generer_historique
from parcours.demo.organisation import generer_demo
from parcours.demo.rendezvous import agendas_presents, generer_rendezvous
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.creneaux import PARIS, creneaux_libres, jours_feries
from parcours.rendezvous.enums import STATUTS_ANNULES, StatutRendezVous
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    organisme = generer_demo()
    generer_historique(organisme, jours=60)
    bilan = generer_rendezvous(organisme)
    return organisme, bilan


def test_openings_at_every_place_and_appointments_of_every_status_consistent(demo):
    organisme, bilan = demo
    lieux = LieuAccueil.objects.filter(unite__organisme=organisme)
    assert lieux.count() == 128
    assert not lieux.annotate(n=Count("plages")).filter(n=0).exists()
    assert bilan.lieux == 128 and bilan.plages == Plage.objects.count()
    assert Plage.objects.filter(regle__contains="INTERVAL=2").exists()
    assert Absence.objects.exists() and Absence.objects.exclude(regle="").exists()
    statuts = set(RendezVous.objects.values_list("statut", flat=True))
    assert statuts == set(StatutRendezVous.values)
    assert bilan.rendez_vous == RendezVous.objects.count()
    maintenant = timezone.now()
    assert RendezVous.objects.filter(statut=StatutRendezVous.PREVU, debut__gt=maintenant).exists()
    # Marked appointments are past ones; the last two days are left to mark.
    assert not RendezVous.objects.filter(
        debut__gt=maintenant, statut__in=[StatutRendezVous.VU, StatutRendezVous.ABSENT]
    ).exists()
    assert (
        RendezVous.objects.filter(
            statut=StatutRendezVous.PREVU, debut__lt=maintenant - timedelta(days=2)
        ).count()
        == 0
    )
    _coherents()


def _coherents():
    rdvs = list(RendezVous.objects.select_related("lieu__commune", "entretien", "motif"))
    actifs = [r for r in rdvs if r.statut not in STATUTS_ANNULES]
    # No agent twice at once, no place fuller than its rooms.
    par_agent, par_lieu = {}, {}
    for r in actifs:
        par_agent.setdefault(r.agent_id, []).append(r)
        par_lieu.setdefault(r.lieu_id, []).append(r)
    for liste in par_agent.values():
        liste.sort(key=lambda r: r.debut)
        assert all(a.fin <= b.debut for a, b in zip(liste, liste[1:], strict=False))
    for liste in par_lieu.values():
        for r in liste:
            en_meme_temps = sum(1 for o in liste if o.debut <= r.debut < o.fin)
            assert en_meme_temps <= r.lieu.salles
    assert Participation.objects.count() == len(actifs)
    for r in rdvs:
        jour = timezone.localtime(r.debut, PARIS).date()
        assert jour not in jours_feries(r.lieu.commune.departement_id, jour, jour)
        # « Seen » has its interview, as constater records it.
        if r.statut == StatutRendezVous.VU:
            e = r.entretien
            assert (e.date, e.agent_id, e.duree_minutes) == (
                jour,
                r.agent_id,
                r.motif.duree_minutes,
            )
            assert e.accompagnement is None or e.accompagnement.date_debut <= jour
        else:
            assert r.entretien is None
        assert r.demande_le <= max(r.debut, timezone.now())


def test_the_demo_agendas_offer_free_slots_and_are_made_once(demo):
    # The health-related motif is never named in a message.
    assert set(Motif.objects.values_list("code", "nommable_dans_les_messages")) == {
        ("PREMIER_RDV", True),
        ("SUIVI", True),
        ("TELEPHONE", True),
        ("ARRET_TRAVAIL", False),
    }
    organisme, _ = demo
    motif = Motif.objects.get(code="PREMIER_RDV")
    lieux = LieuAccueil.objects.filter(unite__organisme=organisme).select_related("commune")
    libres = creneaux_libres(motif, lieux, par_lieu=1)
    assert sum(1 for creneaux in libres.values() if creneaux) > 64
    assert agendas_presents(organisme)
    avant = (Plage.objects.count(), RendezVous.objects.count(), Absence.objects.count())
    assert generer_rendezvous(organisme).rendez_vous == 0
    assert (Plage.objects.count(), RendezVous.objects.count(), Absence.objects.count()) == avant
