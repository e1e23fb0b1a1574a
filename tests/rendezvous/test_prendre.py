"""Issue 14, point 4: booking during a call, from the person's dossier — the places nearest the
person with their next free slots, one click; the person is told through the channels they
accepted, without the health motif; a slot taken meanwhile is said, with the next one."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.messagerie import sms
from parcours.organisation.enums import Role
from parcours.organisation.models import ContactPartenaire
from parcours.rendezvous.models import Absence, Motif, Plage, RendezVous
from parcours.rendezvous.reservation import CreneauIndisponible, reserver
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, SignalementFactory
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    UniteFactory,
)
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    sms.boite_envoi.clear()
    p = creer_personas()
    moissac = CommuneFactory(code="82112", nom="Moissac", latitude=44.105, longitude=1.085)
    loin = LieuAccueilFactory(
        code="LA-MTB", nom="Agence de Montauban", unite=p.unite, commune=CommuneFactory()
    )
    pres = LieuAccueilFactory(
        code="LA-MOI", nom="Permanence de Moissac", unite=p.unite, commune=moissac
    )
    ailleurs = LieuAccueilFactory(
        code="LA-X",
        nom="Lieu d'une autre Carsat",
        commune=moissac,
        unite=UniteFactory(organisme=OrganismeFactory(code="AUTRE")),
    )
    motif = Motif.objects.create(
        code="ARRET",
        libelle="Arrêt de travail de longue durée",
        duree_minutes=45,
        delai_min_heures=0,
        delai_max_jours=30,
    )
    demain = timezone.localdate() + timedelta(days=1)
    for lieu in (loin, pres):
        plage = Plage.objects.create(
            agent=p.alice,
            lieu=lieu,
            debut=time(9),
            fin=time(12),
            regle="FREQ=DAILY",
            date_debut=demain,
        )
        plage.motifs.add(motif)
    personne = AssureFactory(commune=moissac, telephone="+33612345678", consentement_sms=True)
    AccompagnementFactory(assure=personne, referent=p.alice)
    return {"p": p, "motif": motif, "pres": pres, "ailleurs": ailleurs, "personne": personne}


def _creneaux(contenu: str) -> list[dict]:
    return [
        dict(re.findall(r'name="(\w+)" value="([^"]+)"', formulaire))
        for formulaire in re.findall(r"<form method=\"post\">(.*?)</form>", contenu, re.S)
    ]


def test_the_adviser_books_the_nearest_place_s_next_slot_in_one_click(client, monde):
    p, personne = monde["p"], monde["personne"]
    client.force_login(p.bastien)
    dossier = client.get(reverse("dossiers:dossier", args=[personne.pk])).content.decode()
    assert "Prendre rendez-vous" in dossier
    url = reverse("rendezvous:prendre", args=[personne.pk])
    page = client.get(url, {"motif": monde["motif"].pk}).content.decode()
    assert "Confirmation et rappel par sms" in page
    titres = re.findall(r'<h2 class="fr-h5">([^<]+)</h2>', page)
    assert titres[0].startswith("Permanence de Moissac — dans la commune")
    assert "Lieu d&#x27;une autre Carsat" not in page
    premier = _creneaux(page)[0]
    assert premier["lieu"] == str(monde["pres"].pk)
    reponse = client.post(url, premier)
    assert reponse.status_code == 302
    rdv = RendezVous.objects.get()
    assert (rdv.assure, rdv.lieu, rdv.cree_par) == (personne, monde["pres"], p.bastien)
    (texto,) = sms.boite_envoi
    assert "Permanence de Moissac" in texto["texte"] and "Arrêt" not in texto["texte"]
    dossier = client.get(reverse("dossiers:dossier", args=[personne.pk])).content.decode()
    assert "Rendez-vous à venir" in dossier and "Arrêt de travail de longue durée" in dossier


def test_a_slot_taken_meanwhile_is_said_with_the_next_one(client, monde):
    p = monde["p"]
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[monde["personne"].pk])
    premier = _creneaux(client.get(url, {"motif": monde["motif"].pk}).content.decode())[0]
    autre = AssureFactory(commune=monde["personne"].commune)
    AccompagnementFactory(assure=autre, referent=p.alice)
    assert client.post(reverse("rendezvous:prendre", args=[autre.pk]), premier).status_code == 302
    reponse = client.post(url, premier)
    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "vient d&#x27;être pris" in contenu and "Prendre ce créneau" in contenu
    assert RendezVous.objects.count() == 1


def test_no_booking_at_another_organisme_s_place_nor_for_another_unit_s_person(client, monde):
    p = monde["p"]
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[monde["personne"].pk])
    premier = _creneaux(client.get(url, {"motif": monde["motif"].pk}).content.decode())[0]
    assert client.post(url, {**premier, "lieu": monde["ailleurs"].pk}).status_code == 400
    client.force_login(p.octave)  # another unit: this dossier is not theirs
    assert client.post(url, premier).status_code == 404
    client.force_login(p.pierre)
    assert client.get(url).status_code == 403
    assert not RendezVous.objects.exists()


def test_booked_from_a_signalement_the_appointment_keeps_it(client, monde):
    p, personne = monde["p"], monde["personne"]
    sig = SignalementFactory(assure=personne, unite=p.unite, agent=p.alice)
    client.force_login(p.bastien)
    page = client.get(reverse("dossiers:signalement", args=[sig.pk])).content.decode()
    url = reverse("rendezvous:prendre", args=[personne.pk])
    assert f'href="{url}?signalement={sig.pk}"' in page
    page = client.get(url, {"signalement": sig.pk, "motif": monde["motif"].pk}).content.decode()
    premier = _creneaux(page)[0]
    assert premier["signalement"] == str(sig.pk)
    reponse = client.post(url, premier)
    assert reponse.url == reverse("dossiers:signalement", args=[sig.pk])
    assert RendezVous.objects.get().signalement == sig
    # Another person's signalement is not attached (nor said to exist).
    autre = SignalementFactory(unite=p.unite)
    RendezVous.objects.all().delete()
    client.post(url, {**premier, "signalement": autre.pk})
    assert RendezVous.objects.get().signalement is None


def test_a_joint_appointment_with_a_colleague_and_a_partner_person(client, monde):
    p, personne = monde["p"], monde["personne"]
    contact = ContactPartenaire.objects.create(
        partenaire=p.pierre.partenaire, nom="Durand", prenom="Inès", fonction="conseillère MisaS"
    )
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[personne.pk])
    demandes = {"motif": monde["motif"].pk, "collegue": p.chloe.pk, "contact": contact.pk}
    page = client.get(url, demandes).content.decode()
    assert "Inès Durand (CPAM de Tarn-et-Garonne" in page
    creneaux = _creneaux(page)
    # Chloé is away at the first slot: it is not offered for the two of them.
    premier = creneaux[0]
    assert (premier["collegue"], premier["contact"]) == (str(p.chloe.pk), str(contact.pk))
    occupe = datetime.fromisoformat(premier["debut"])
    Absence.objects.create(agent=p.chloe, debut=occupe, fin=occupe + timedelta(minutes=45))
    creneaux = _creneaux(client.get(url, demandes).content.decode())
    assert premier["debut"] not in {c["debut"] for c in creneaux if c["lieu"] == premier["lieu"]}
    refus = client.post(url, premier)
    assert refus.status_code == 409 and "autre agent" in refus.content.decode()
    assert client.post(url, creneaux[0]).status_code == 302
    rdv = RendezVous.objects.get()
    assert rdv.contact_partenaire == contact
    assert set(rdv.participations.values_list("agent", flat=True)) == {p.alice.pk, p.chloe.pk}
    dossier = client.get(reverse("dossiers:dossier", args=[personne.pk])).content.decode()
    assert "en présence de Inès Durand" in dossier
    # Chloé is now taken at that time: another appointment with her there is refused.
    autre = AssureFactory(commune=personne.commune)
    AccompagnementFactory(assure=autre, referent=p.alice)
    with pytest.raises(CreneauIndisponible):
        reserver(
            assure=autre,
            motif=monde["motif"],
            lieu=monde["pres"],
            agent_id=p.chloe.pk,
            debut=rdv.debut,
            acting_user=None,
        )


def test_a_referent_only_motif_is_booked_with_the_referent_and_nobody_else(client, monde):
    p, personne = monde["p"], monde["personne"]
    motif = monde["motif"]
    Motif.objects.filter(pk=motif.pk).update(referent_seulement=True)
    autre = AgentFactory(matricule="diane", role=Role.ASS, unite=p.unite)
    for plage in Plage.objects.filter(agent=p.alice):
        copie = Plage.objects.create(
            agent=autre,
            lieu=plage.lieu,
            debut=plage.debut,
            fin=plage.fin,
            regle=plage.regle,
            date_debut=plage.date_debut,
        )
        copie.motifs.add(motif)
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[personne.pk])
    page = client.get(url, {"motif": motif.pk}).content.decode()
    assert 'data-testid="referent-seulement"' in page
    creneaux = _creneaux(page)
    assert creneaux and {c["agent"] for c in creneaux} == {str(p.alice.pk)}
    refus = client.post(url, {**creneaux[0], "agent": autre.pk})
    assert refus.status_code == 409 and "référent" in refus.content.decode()
    assert not RendezVous.objects.exists()
    # Without an open accompaniment there is no referent: nothing is offered, and it says why.
    sans = AssureFactory(commune=personne.commune)
    SignalementFactory(assure=sans, unite=p.unite)
    page = client.get(reverse("rendezvous:prendre", args=[sans.pk]), {"motif": motif.pk})
    contenu = page.content.decode()
    assert "n'a pas d'accompagnement en cours" in contenu and not _creneaux(contenu)
