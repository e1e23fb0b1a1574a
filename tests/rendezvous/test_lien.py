"""Issue 14, point 8: the self-booking link — signed, expiring, single-person, no account, no
personal datum in the URL; the person picks a slot among the allowed motifs and places, sees
the address, can cancel; a replayed form books nothing more; an expired, withdrawn or forged
link opens nothing; the public pages are rate-limited."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from parcours.messagerie import sms
from parcours.messagerie.models import Envoi
from parcours.rendezvous import debit, jetons, liens
from parcours.rendezvous.enums import OrigineRendezVous, StatutRendezVous
from parcours.rendezvous.models import LienReservation, Motif, Plage, RendezVous
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import CommuneFactory, LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde(settings):
    settings.PARCOURS_URL = "https://parcours.carsat-exemple.fr"
    sms.boite_envoi.clear()
    p = creer_personas()
    moissac = CommuneFactory(code="82112", nom="Moissac", latitude=44.105, longitude=1.085)
    lieu = LieuAccueilFactory(
        code="LA-MOI",
        nom="Permanence de Moissac",
        adresse="3 rue de la Solidarité",
        horaires="mardi matin",
        unite=p.unite,
        commune=moissac,
    )
    motif = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        delai_min_heures=0,
        delai_max_jours=30,
        reservable_par_la_personne=True,
    )
    sante = Motif.objects.create(
        code="ARRET",
        libelle="Arrêt de travail de longue durée",
        duree_minutes=45,
        delai_min_heures=0,
        delai_max_jours=30,
    )
    demain = timezone.localdate() + timedelta(days=1)
    plage = Plage.objects.create(
        agent=p.alice, lieu=lieu, debut=time(9), fin=time(12), regle="FREQ=DAILY", date_debut=demain
    )
    plage.motifs.add(motif, sante)
    personne = AssureFactory(
        nom="Dupuis",
        nir="283077511800197",
        commune=moissac,
        telephone="+33612345678",
        consentement_sms=True,
    )
    AccompagnementFactory(assure=personne, referent=p.alice)
    return {"p": p, "lieu": lieu, "motif": motif, "sante": sante, "personne": personne}


def _lien(monde, **options):
    return liens.creer(
        monde["personne"],
        motifs=[monde["motif"]],
        organisme=monde["p"].unite.organisme,
        acting_user=monde["p"].bastien,
        **options,
    )


def _chemin(url: str) -> str:
    return url.removeprefix("https://parcours.carsat-exemple.fr")


def _creneaux(contenu: str) -> list[dict]:
    return [
        dict(re.findall(r'name="(\w+)" value="([^"]+)"', formulaire))
        for formulaire in re.findall(r"<form method=\"post\">(.*?)</form>", contenu, re.S)
    ]


def test_the_adviser_sends_a_link_that_fits_in_one_sms_and_names_nobody(client, monde):
    p, personne = monde["p"], monde["personne"]
    client.force_login(p.bastien)
    url = reverse("rendezvous:prendre", args=[personne.pk])
    page = client.get(url, {"motif": monde["motif"].pk}).content.decode()
    assert "Lui envoyer un lien de prise de rendez-vous" in page
    reponse = client.post(url, {"action": "lien", "motif": monde["motif"].pk})
    assert reponse.status_code == 302
    assert [e.erreur for e in Envoi.objects.all()] == [""]  # it fitted in one SMS
    (texto,) = sms.boite_envoi
    adresse = re.search(r"https://\S+", texto["texte"]).group(0)
    # The URL holds a random token and its signature: no NIR, name, id of person or link.
    chemin = _chemin(adresse)
    assert re.fullmatch(r"/rdv/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{8}/", chemin)
    lien = LienReservation.objects.get()
    jeton = chemin.split("/")[2]
    assert personne.nir not in adresse and personne.nom not in adresse
    # The token is the random part the link's hash was made of, not a coded identifier.
    assert jetons.empreinte(jeton.split(".")[0]) == lien.jeton_hash
    # The database keeps the token's hash only.
    assert lien.jeton_hash not in adresse and len(lien.jeton_hash) == 64
    assert "Arrêt" not in texto["texte"]
    # The motif may not be booked by the person: no link offered.
    page = client.get(url, {"motif": monde["sante"].pk}).content.decode()
    assert "Lui envoyer un lien" not in page
    refus = client.post(url, {"action": "lien", "motif": monde["sante"].pk}, follow=True)
    assert "ne se réserve pas par la personne" in refus.content.decode()
    assert LienReservation.objects.count() == 1


def test_the_person_books_sees_the_address_and_cancels(client, monde):
    _, url = _lien(monde)
    chemin = _chemin(url)
    page = client.get(chemin)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    contenu = page.content.decode()
    assert "Permanence de Moissac" in contenu and "3 rue de la Solidarité" in contenu
    assert "Dupuis" not in contenu  # a forwarded link names nobody
    premier = _creneaux(contenu)[0]
    reponse = client.post(chemin, premier, follow=True)
    contenu = reponse.content.decode()
    assert "C&#x27;est noté" in contenu and 'data-testid="mon-rendez-vous"' in contenu
    rdv = RendezVous.objects.get()
    assert (rdv.assure, rdv.origine, rdv.cree_par) == (
        monde["personne"],
        OrigineRendezVous.LIEN,
        None,
    )
    assert rdv.minutes_trajet == 0  # a place in the person's commune
    # The confirmation went by SMS.
    assert any("confirmé" in t["texte"] for t in sms.boite_envoi)
    reponse = client.post(chemin, {"action": "annuler"}, follow=True)
    assert "Votre rendez-vous est annulé" in reponse.content.decode()
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.ANNULE_PERSONNE
    # The link stays usable while valid: another slot can be chosen.
    assert _creneaux(client.get(chemin).content.decode())


def test_a_replayed_booking_form_books_nothing_more(client, monde):
    _, url = _lien(monde)
    chemin = _chemin(url)
    creneaux = _creneaux(client.get(chemin).content.decode())
    assert client.post(chemin, creneaux[0]).status_code == 302
    rejoue = client.post(chemin, creneaux[1], follow=True)
    assert "déjà pris" in rejoue.content.decode()
    assert RendezVous.objects.count() == 1
    assert RendezVous.objects.get().debut == datetime.fromisoformat(creneaux[0]["debut"])


def test_an_expired_a_withdrawn_and_a_forged_link_open_nothing(client, monde):
    lien, url = _lien(monde)
    chemin = _chemin(url)
    creneau = _creneaux(client.get(chemin).content.decode())[0]
    LienReservation.objects.filter(pk=lien.pk).update(expire_le=timezone.now())
    reponse = client.get(chemin)
    assert reponse.status_code == 410 and "Ce lien a expiré" in reponse.content.decode()
    assert client.post(chemin, creneau).status_code == 410
    # Withdrawn by the service.
    lien2, url2 = _lien(monde)
    liens.retirer(lien2)
    assert "retiré" in client.get(_chemin(url2)).content.decode()
    # Forged: a valid-looking token with a wrong signature, a right signature of nothing known.
    jeton = chemin.split("/")[2]
    faux = jeton[:-1] + ("A" if jeton[-1] != "A" else "B")
    assert client.get(f"/rdv/{faux}/").status_code == 404
    inconnu, _ = jetons.nouveau(liens.SEL)
    assert client.get(f"/rdv/{inconnu}/").status_code == 404
    assert not RendezVous.objects.exists()


def test_a_link_only_books_its_motifs_and_places(client, monde):
    autre_lieu = LieuAccueilFactory(code="LA-MTB", unite=monde["p"].unite)
    _, url = _lien(monde, lieux=[monde["lieu"]])
    chemin = _chemin(url)
    creneau = _creneaux(client.get(chemin).content.decode())[0]
    assert client.post(chemin, {**creneau, "motif": monde["sante"].pk}).status_code == 400
    assert client.post(chemin, {**creneau, "lieu": autre_lieu.pk}).status_code == 400
    assert not RendezVous.objects.exists()


def test_the_public_pages_are_rate_limited(client, monde, settings):
    _, url = _lien(monde)
    chemin = _chemin(url)
    for _ in range(debit.PAR_MINUTE):
        assert client.get(chemin).status_code == 200
    trop = client.get(chemin)
    assert trop.status_code == 429 and int(trop["Retry-After"]) <= 60
    assert "Trop de demandes" in trop.content.decode()
    # Forged tokens count too: guessing is throttled like the rest.
    assert client.get("/rdv/xxxxxxxxxxxxxxxx.yyyyyyyy/").status_code == 429


def test_both_link_messages_fit_in_one_sms_with_a_40_character_site_address():
    site = "https://parcours.carsat-alsacemoselle.fr"
    assert len(site) == 40
    jeton, _ = jetons.nouveau(liens.SEL)
    textes = {
        "lien_rendez_vous": {"lien": f"{site}/rdv/{jeton}/", "expire_le": "31/12"},
        "creneau_plus_tot": {
            "lien": f"{site}/rdv/t/{jeton}/",
            "date_courte": "31/12",
            "heure": "14 h 30",
        },
    }
    for modele, contexte in textes.items():
        texte = render_to_string(f"messagerie/sms/{modele}.txt", contexte).strip()
        assert sms.verifier_un_sms(texte), modele
