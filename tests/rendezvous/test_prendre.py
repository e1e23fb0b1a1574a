"""Issue 14, point 4: booking during a call, from the person's dossier — the places nearest the
person with their next free slots, one click; the person is told through the channels they
accepted, without the health motif; a slot taken meanwhile is said, with the next one."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.messagerie import sms
from parcours.rendezvous.models import Motif, Plage, RendezVous
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import CommuneFactory, LieuAccueilFactory, OrganismeFactory, UniteFactory
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
