"""Issue 14, point 9: the waiting list — a person asks for an earlier slot; when one frees up,
the first persons waiting get it proposed by SMS, with a link; the first to accept wins it (two
accepting at once: one wins, on SQLite and PostgreSQL), their former appointment is cancelled."""

import re
import threading
from datetime import time, timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from parcours.messagerie import sms
from parcours.rendezvous import actions, attente
from parcours.rendezvous.creneaux import a_paris
from parcours.rendezvous.enums import OrigineRendezVous, StatutAttente, StatutRendezVous
from parcours.rendezvous.models import (
    DemandeAttente,
    Motif,
    Plage,
    PropositionAttente,
    RendezVous,
)
from parcours.rendezvous.reservation import reserver
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import AgentFactory, CommuneFactory, LieuAccueilFactory
from tests.personas import creer_personas


def _monde(agent=None, unite=None):
    sms.boite_envoi.clear()
    lieu = LieuAccueilFactory(
        code="LA-MOI",
        nom="Permanence de Moissac",
        commune=CommuneFactory(),
        **({"unite": unite} if unite else {}),
    )
    agent = agent or AgentFactory(unite=lieu.unite)
    motif = Motif.objects.create(
        code="ARRET",
        libelle="Arrêt de travail de longue durée",
        duree_minutes=60,
        delai_min_heures=0,
        delai_max_jours=30,
    )
    demain = timezone.localdate() + timedelta(days=1)
    plage = Plage.objects.create(
        agent=agent, lieu=lieu, debut=time(9), fin=time(12), regle="FREQ=DAILY", date_debut=demain
    )
    plage.motifs.add(motif)
    return lieu, agent, motif, demain


def _personne(**champs):
    return AssureFactory(telephone="+33612345678", consentement_sms=True, **champs)


def _prendre(personne, lieu, agent, motif, debut):
    return actions.prendre(
        assure=personne, motif=motif, lieu=lieu, agent_id=agent.pk, debut=debut, acting_user=None
    )


def _jetons():
    return [
        re.search(r"/rdv/t/([^/]+)/", t["texte"]).group(1)
        for t in sms.boite_envoi
        if "/rdv/t/" in t["texte"]
    ]


@pytest.mark.django_db
def test_the_adviser_puts_a_person_on_the_list_to_move_their_appointment_earlier(client):
    p = creer_personas()
    lieu, agent, motif, demain = _monde(agent=p.alice, unite=p.unite)
    personne = _personne()
    AccompagnementFactory(assure=personne, referent=p.alice)
    # Tomorrow is full but the day after: she holds its 9:00.
    for heure in (9, 10, 11):
        _prendre(_personne(), lieu, agent, motif, a_paris(demain, time(heure)))
    apres = _prendre(personne, lieu, agent, motif, a_paris(demain + timedelta(days=1), time(9)))
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[personne.pk])
    page = client.get(url, {"motif": motif.pk}).content.decode()
    assert "plus tôt que son rendez-vous du" in page
    reponse = client.post(
        url, {"action": "attente", "motif": motif.pk, "lieux": [lieu.pk], "rendez_vous": apres.pk}
    )
    assert reponse.status_code == 302
    demande = DemandeAttente.objects.get()
    assert (demande.assure, demande.rendez_vous, demande.statut) == (
        personne,
        apres,
        StatutAttente.EN_ATTENTE,
    )
    dossier = client.get(reverse("dossiers:dossier", args=[personne.pk])).content.decode()
    assert 'data-testid="en-attente"' in dossier and "Permanence de Moissac" in dossier


@pytest.mark.django_db
def test_a_freed_slot_is_proposed_and_taken_and_the_former_appointment_cancelled(
    client, django_capture_on_commit_callbacks
):
    lieu, agent, motif, demain = _monde()
    tot = _prendre(_personne(), lieu, agent, motif, a_paris(demain, time(9)))
    attend = _personne()
    tard = _prendre(attend, lieu, agent, motif, a_paris(demain + timedelta(days=3), time(9)))
    attente.inscrire(attend, motif=motif, lieux=[lieu], rendez_vous=tard)
    # Someone waiting for a later slot than the freed one's… and someone without consent.
    _personne_sans = AssureFactory()
    attente.inscrire(_personne_sans, motif=motif, lieux=[lieu])
    sms.boite_envoi.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.annuler(tot, acting_user=None, par_la_personne=True)
    (jeton,) = _jetons()
    (texto,) = [t for t in sms.boite_envoi if "/rdv/t/" in t["texte"]]
    # In GSM-7, to fit in one SMS; never the health motif.
    assert "plus tot possible" in texto["texte"] and "Arrêt" not in texto["texte"]
    chemin = reverse("rendezvous:plus_tot", args=[jeton])
    page = client.get(chemin).content.decode()
    assert "Prendre ce rendez-vous" in page and "sera annulé" in page
    reponse = client.post(chemin, follow=True)
    assert 'data-testid="creneau-obtenu"' in reponse.content.decode()
    nouveau = RendezVous.objects.get(assure=attend, statut=StatutRendezVous.PREVU)
    assert nouveau.debut == a_paris(demain, time(9))
    assert nouveau.origine == OrigineRendezVous.ATTENTE
    tard.refresh_from_db()
    assert tard.statut == StatutRendezVous.ANNULE_PERSONNE
    assert DemandeAttente.objects.get(assure=attend).statut == StatutAttente.SATISFAITE
    # Replaying the link changes nothing.
    assert 'data-testid="creneau-obtenu"' in client.post(chemin, follow=True).content.decode()
    assert RendezVous.objects.filter(assure=attend).count() == 2


@pytest.mark.django_db
def test_no_proposal_later_than_the_appointment_held_nor_once_expired(
    client, django_capture_on_commit_callbacks
):
    lieu, agent, motif, demain = _monde()
    tard = _prendre(_personne(), lieu, agent, motif, a_paris(demain + timedelta(days=2), time(9)))
    attend = _personne()
    deja = _prendre(attend, lieu, agent, motif, a_paris(demain, time(9)))
    attente.inscrire(attend, motif=motif, lieux=[lieu], rendez_vous=deja)
    sms.boite_envoi.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.annuler(tard, acting_user=None, par_la_personne=False)
    assert _jetons() == [] and not PropositionAttente.objects.exists()
    # An earlier slot freed: proposed; once expired, it cannot be taken.
    autre = _personne()
    attente.inscrire(autre, motif=motif, lieux=[lieu])
    sms.boite_envoi.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.annuler(deja, acting_user=None, par_la_personne=True)
    (jeton,) = _jetons()
    PropositionAttente.objects.update(expire_le=timezone.now())
    reponse = client.post(reverse("rendezvous:plus_tot", args=[jeton]))
    assert reponse.status_code == 409 and "expiré" in reponse.content.decode()
    assert not RendezVous.objects.filter(assure=autre).exists()


@pytest.mark.django_db
def test_requests_expire_when_their_appointment_has_passed():
    lieu, agent, motif, demain = _monde()
    personne = _personne()
    rdv = _prendre(personne, lieu, agent, motif, a_paris(demain, time(9)))
    demande = attente.inscrire(personne, motif=motif, lieux=[lieu], rendez_vous=rdv)
    assert attente.expirer_demandes.call() == 0
    RendezVous.objects.filter(pk=rdv.pk).update(debut=timezone.now() - timedelta(hours=1))
    assert attente.expirer_demandes.call() == 1
    demande.refresh_from_db()
    assert demande.statut == StatutAttente.EXPIREE


@pytest.mark.django_db(transaction=True)
def test_two_persons_accepting_one_freed_slot_at_once_one_wins(client):
    lieu, agent, motif, demain = _monde()
    tot = reserver(
        assure=_personne(),
        motif=motif,
        lieu=lieu,
        agent_id=agent.pk,
        debut=a_paris(demain, time(9)),
        acting_user=None,
    )
    premiere, seconde = _personne(), _personne()
    for personne in (premiere, seconde):
        attente.inscrire(personne, motif=motif, lieux=[lieu])
    sms.boite_envoi.clear()
    actions.annuler(tot, acting_user=None, par_la_personne=True)
    jetons = _jetons()
    assert len(jetons) == 2
    depart = threading.Barrier(2)
    resultats = []

    def accepter(jeton):
        try:
            proposition = attente.trouver(jeton)
            depart.wait()
            rdv = actions.accepter_proposition(proposition)
            resultats.append(("pris", rdv.assure_id))
        except attente.PropositionInvalide as refus:
            resultats.append(("refusé", str(refus)))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=accepter, args=(j,)) for j in jetons]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    pris = [r for r in resultats if r[0] == "pris"]
    refus = [r for r in resultats if r[0] == "refusé"]
    assert (len(pris), len(refus)) == (1, 1), resultats
    assert "pris par une autre personne" in refus[0][1]
    assert RendezVous.objects.filter(statut=StatutRendezVous.PREVU).count() == 1
    statuts = dict(DemandeAttente.objects.values_list("assure_id", "statut"))
    gagnant = pris[0][1]
    perdant = premiere.pk if gagnant == seconde.pk else seconde.pk
    assert statuts == {gagnant: StatutAttente.SATISFAITE, perdant: StatutAttente.EN_ATTENTE}
