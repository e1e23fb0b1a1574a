"""Issue 14, points 1–3 and 5: openings repeated across the change of hour, the holidays of
Alsace-Moselle, the rooms of a place, the booking delays, absences; no double booking, even
with twenty bookings of one slot at once (SQLite and PostgreSQL)."""

import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from parcours.rendezvous.creneaux import PARIS, a_paris, creneaux_libres, jours_feries
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous
from parcours.rendezvous.reservation import CreneauIndisponible, reserver
from tests.dossiers.factories import AssureFactory
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    DepartementFactory,
    LieuAccueilFactory,
    RegionFactory,
    UniteFactory,
)

LUNDI = datetime(2027, 3, 15, 8, 0, tzinfo=PARIS)  # two weeks before the change of hour


def _motif(**champs) -> Motif:
    valeurs = {
        "code": "PREMIER",
        "libelle": "Premier rendez-vous",
        "duree_minutes": 45,
        "delai_min_heures": 0,
        "delai_max_jours": 60,
    }
    valeurs.update(champs)
    return Motif.objects.create(**valeurs)


def _plage(
    agent,
    lieu,
    motif,
    *,
    regle="FREQ=WEEKLY;BYDAY=TU",
    de=time(9),
    a=time(12),
    depuis=date(2027, 3, 1),
    **champs,
) -> Plage:
    plage = Plage.objects.create(
        agent=agent, lieu=lieu, debut=de, fin=a, regle=regle, date_debut=depuis, **champs
    )
    plage.motifs.add(motif)
    return plage


@pytest.fixture
def lieu(db):
    return LieuAccueilFactory(code="LA-MTB", commune=CommuneFactory())


@pytest.mark.django_db
def test_a_tuesday_morning_stays_at_nine_across_the_change_of_hour(lieu):
    motif = _motif()
    agent = AgentFactory(unite=lieu.unite)
    _plage(agent, lieu, motif)
    creneaux = creneaux_libres(motif, [lieu], maintenant=LUNDI, jours=21, par_lieu=None)[lieu.pk]
    debuts = sorted({c.debut for c in creneaux})
    mardis = sorted({d.date() for d in debuts})
    assert mardis == [date(2027, 3, 16), date(2027, 3, 23), date(2027, 3, 30)]
    premiers = [min(d for d in debuts if d.date() == j) for j in mardis]
    assert [timezone.localtime(d, PARIS).time() for d in premiers] == [time(9)] * 3
    # Before 28 March Paris is UTC+1, after it UTC+2: the same wall time, another instant.
    assert [d.utcoffset() for d in premiers] == [timedelta(hours=1)] * 2 + [timedelta(hours=2)]
    # 9:00, 9:45, 10:30, 11:15 (11:15 + 45 min = 12:00): four slots a morning.
    assert len(creneaux) == 12


def test_alsace_moselle_keeps_good_friday_and_26_december():
    annee = (date(2026, 1, 1), date(2026, 12, 31))
    toulouse, strasbourg, metz = (jours_feries(d, *annee) for d in ("31", "67", "57"))
    assert date(2026, 4, 3) in strasbourg and date(2026, 12, 26) in strasbourg
    assert date(2026, 4, 3) in metz and date(2026, 12, 26) in metz
    assert date(2026, 4, 3) not in toulouse and date(2026, 12, 26) not in toulouse
    assert strasbourg - toulouse == {date(2026, 4, 3), date(2026, 12, 26)}
    assert date(2026, 7, 14) in toulouse and date(2026, 7, 14) in strasbourg


@pytest.mark.django_db
def test_no_slot_on_good_friday_in_strasbourg_but_in_toulouse():
    motif = _motif()
    grand_est = RegionFactory(code="44", nom="Grand Est")
    bas_rhin = DepartementFactory(code="67", nom="Bas-Rhin", region=grand_est)
    haute_garonne = DepartementFactory(code="31", nom="Haute-Garonne")
    strasbourg = LieuAccueilFactory(
        code="LA-STR",
        unite=UniteFactory(departement=bas_rhin),
        commune=CommuneFactory(
            code="67482", nom="Strasbourg", departement=bas_rhin, latitude=48.58, longitude=7.75
        ),
    )
    toulouse = LieuAccueilFactory(
        code="LA-TLS",
        unite=UniteFactory(departement=haute_garonne),
        commune=CommuneFactory(
            code="31555", nom="Toulouse", departement=haute_garonne, latitude=43.6, longitude=1.44
        ),
    )
    for lieu in (strasbourg, toulouse):
        _plage(
            AgentFactory(unite=lieu.unite),
            lieu,
            motif,
            regle="FREQ=WEEKLY;BYDAY=FR",
            depuis=date(2026, 3, 1),
        )
    maintenant = datetime(2026, 3, 30, 8, 0, tzinfo=PARIS)
    libres = creneaux_libres(
        motif, [strasbourg, toulouse], maintenant=maintenant, jours=10, par_lieu=None
    )
    vendredis = {lieu: {c.debut.date() for c in libres[lieu.pk]} for lieu in (strasbourg, toulouse)}
    assert vendredis[toulouse] == {date(2026, 4, 3)}
    assert vendredis[strasbourg] == set()


@pytest.mark.django_db
def test_a_one_room_permanence_receives_one_person_at_a_time(lieu):
    motif = _motif()
    assure = AssureFactory()
    alice, bruno = AgentFactory(unite=lieu.unite), AgentFactory(unite=lieu.unite)
    for agent in (alice, bruno):
        _plage(agent, lieu, motif)
    neuf_heures = a_paris(date(2027, 3, 16), time(9))

    def agents_a_neuf():
        libres = creneaux_libres(motif, [lieu], maintenant=LUNDI, jours=3, par_lieu=None)
        return {c.agent_id for c in libres[lieu.pk] if c.debut == neuf_heures}

    assert agents_a_neuf() == {alice.pk, bruno.pk}
    fin = neuf_heures + timedelta(minutes=45)
    rdv = RendezVous.objects.create(
        assure=assure, motif=motif, lieu=lieu, salle=1, agent=alice, debut=neuf_heures, fin=fin
    )
    Participation.objects.create(rendez_vous=rdv, agent=alice, debut=neuf_heures, fin=fin)
    assert agents_a_neuf() == set()  # Bruno has no room at nine
    lieu.salles = 2
    lieu.save()
    assert agents_a_neuf() == {bruno.pk}


@pytest.mark.django_db
def test_the_booking_delays_and_the_absences(lieu):
    motif = _motif(delai_min_heures=48, delai_max_jours=10)
    agent = AgentFactory(unite=lieu.unite)
    _plage(agent, lieu, motif, regle="FREQ=DAILY")
    libres = creneaux_libres(motif, [lieu], maintenant=LUNDI, par_lieu=None)[lieu.pk]
    assert min(c.debut for c in libres) >= LUNDI + timedelta(hours=48)
    assert max(c.fin for c in libres) <= LUNDI + timedelta(days=10)
    # Every Wednesday off (a recurring absence): no Wednesday any more.
    Absence.objects.create(
        agent=agent,
        debut=a_paris(date(2027, 3, 3), time(0)),
        fin=a_paris(date(2027, 3, 4), time(0)),
        regle="FREQ=WEEKLY",
    )
    libres = creneaux_libres(motif, [lieu], maintenant=LUNDI, par_lieu=None)[lieu.pk]
    assert libres and all(c.debut.astimezone(PARIS).weekday() != 2 for c in libres)


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_slot_at_once_make_one_appointment():
    lieu = LieuAccueilFactory(code="LA-MTB", commune=CommuneFactory())
    motif = _motif()
    agent = AgentFactory(unite=lieu.unite)
    demain = timezone.localdate() + timedelta(days=1)
    _plage(agent, lieu, motif, regle="FREQ=DAILY", de=time(9), a=time(17), depuis=demain)
    personnes = [AssureFactory() for _ in range(20)]
    creneau = a_paris(demain, time(9))
    depart = threading.Barrier(20)
    resultats = []

    def reserver_pour(personne):
        try:
            depart.wait()
            rdv = reserver(
                assure=personne,
                motif=motif,
                lieu=lieu,
                agent_id=agent.pk,
                debut=creneau,
                acting_user=None,
            )
            resultats.append(("pris", rdv.pk))
        except CreneauIndisponible as refus:
            resultats.append(("refusé", str(refus), refus.proposition))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=reserver_pour, args=(p,)) for p in personnes]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    pris = [r for r in resultats if r[0] == "pris"]
    refus = [r for r in resultats if r[0] == "refusé"]
    assert (len(pris), len(refus)) == (1, 19), resultats
    assert RendezVous.objects.count() == 1
    assert all("vient d'être pris" in r[1] for r in refus)
    # Another slot is proposed instead: the next one of the day.
    assert {r[2].debut for r in refus} == {creneau + timedelta(minutes=45)}


@pytest.mark.django_db
def test_postgresql_itself_refuses_two_overlapping_appointments(lieu):
    """The guarantee is the database's, not only the booking code's (PostgreSQL: exclusion
    constraints; SQLite serialises the bookings instead)."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("contrainte d'exclusion de PostgreSQL")
    from django.db import IntegrityError, transaction

    motif = _motif()
    agent = AgentFactory(unite=lieu.unite)
    neuf = a_paris(date(2027, 3, 16), time(9))
    premier = RendezVous.objects.create(
        assure=AssureFactory(),
        motif=motif,
        lieu=lieu,
        salle=1,
        agent=agent,
        debut=neuf,
        fin=neuf + timedelta(hours=1),
    )
    Participation.objects.create(
        rendez_vous=premier, agent=agent, debut=premier.debut, fin=premier.fin
    )
    second = RendezVous.objects.create(
        assure=AssureFactory(),
        motif=motif,
        lieu=lieu,
        salle=None,
        agent=agent,
        debut=neuf + timedelta(minutes=30),
        fin=neuf + timedelta(minutes=90),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            rendez_vous=second, agent=agent, debut=second.debut, fin=second.fin
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RendezVous.objects.create(
            assure=AssureFactory(),
            motif=motif,
            lieu=lieu,
            salle=1,
            agent=AgentFactory(unite=lieu.unite),
            debut=neuf,
            fin=neuf + timedelta(minutes=30),
        )
    # Back to back is no overlap ([début, fin) ranges), and a cancelled one frees its room.
    suivant = RendezVous.objects.create(
        assure=AssureFactory(),
        motif=motif,
        lieu=lieu,
        salle=1,
        agent=agent,
        debut=premier.fin,
        fin=premier.fin + timedelta(minutes=30),
    )
    Participation.objects.create(
        rendez_vous=suivant, agent=agent, debut=suivant.debut, fin=suivant.fin
    )
    RendezVous.objects.filter(pk=premier.pk).update(statut="ANNULE_PERSONNE")
    RendezVous.objects.create(
        assure=AssureFactory(),
        motif=motif,
        lieu=lieu,
        salle=1,
        agent=AgentFactory(unite=lieu.unite),
        debut=neuf,
        fin=neuf + timedelta(minutes=30),
    )


@pytest.mark.django_db
def test_during_a_call_the_nearest_places_come_first_with_their_next_slots():
    from parcours.rendezvous.creneaux import proposer

    motif = _motif()
    montauban = LieuAccueilFactory(
        code="LA-MTB", nom="Agence de Montauban", commune=CommuneFactory()
    )
    moissac_commune = CommuneFactory(code="82112", nom="Moissac", latitude=44.105, longitude=1.085)
    moissac = LieuAccueilFactory(
        code="LA-MOI", nom="Permanence de Moissac", commune=moissac_commune, unite=montauban.unite
    )
    sans_plage = LieuAccueilFactory(
        code="LA-CAS", nom="Sans agenda", commune=moissac_commune, unite=montauban.unite
    )
    for lieu in (montauban, moissac):
        _plage(AgentFactory(unite=lieu.unite), lieu, motif)
    propositions = proposer(
        motif,
        [montauban, moissac, sans_plage],
        commune=moissac_commune,
        organisme=montauban.unite.organisme,
        maintenant=LUNDI,
    )
    assert [p.lieu.lieu.code for p in propositions] == ["LA-MOI", "LA-MTB"]
    assert propositions[0].lieu.minutes == 0 and len(propositions[0].creneaux) == 3
    assert propositions[0].creneaux[0].debut == a_paris(date(2027, 3, 16), time(9))
