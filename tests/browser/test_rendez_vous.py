"""In Chromium: a 36 46 adviser takes a call, finds the person, books the nearest place's next
slot; the person's SMS (written by the file backend) holds no health detail; once the time has
come, the social worker marks the appointment seen from her week and the interview is in the
dossier."""

import json
from datetime import time, timedelta

import pytest
from django.utils import timezone

from parcours.dossiers.models import Entretien
from parcours.organisation.enums import Role
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Motif, Participation, Plage, RendezVous
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, creer_missions
from tests.factories import (
    MOT_DE_PASSE,
    AgentFactory,
    CommuneFactory,
    LieuAccueilFactory,
    UniteFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connexion(page, live_server, matricule):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Matricule").fill(matricule)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=titre-accueil]")


def _deconnexion(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


@pytest.fixture
def sms_en_fichiers(settings, tmp_path):
    settings.PARCOURS_SMS_BACKEND = "parcours.messagerie.sms.FichierBackend"
    settings.VAR_DIR = str(tmp_path)
    return tmp_path


def test_the_adviser_books_the_nearest_slot_and_the_social_worker_marks_it_seen(
    page, live_server, sms_en_fichiers
):
    creer_missions()
    unite = UniteFactory(code="U-MTB", nom="Montauban")
    AgentFactory(matricule="bastien", prenom="Bastien", nom="Roux", role=Role.CSAM, unite=unite)
    alice = AgentFactory(
        matricule="alice", prenom="Alice", nom="Martin", role=Role.ASS, unite=unite
    )
    moissac = CommuneFactory(code="82112", nom="Moissac", latitude=44.105, longitude=1.085)
    montauban = CommuneFactory()  # Montauban, 82121
    LieuAccueilFactory(code="LA-MTB", nom="Agence de Montauban", unite=unite, commune=montauban)
    LieuAccueilFactory(
        code="LA-MOI",
        nom="Permanence de Moissac",
        adresse="3 rue de la Solidarité",
        unite=unite,
        commune=moissac,
    )
    motif = Motif.objects.create(
        code="ARRET",
        libelle="Arrêt de travail de longue durée",
        duree_minutes=45,
        delai_min_heures=0,
        delai_max_jours=30,
    )
    demain = timezone.localdate() + timedelta(days=1)
    for lieu in LieuAccueil.objects.all():
        plage = Plage.objects.create(
            agent=alice,
            lieu=lieu,
            debut=time(9),
            fin=time(12),
            regle="FREQ=DAILY",
            date_debut=demain,
        )
        plage.motifs.add(motif)
    personne = AssureFactory(
        nom="Lefèvre",
        prenom="Élodie",
        commune=moissac,
        telephone="06 12 34 56 78",
        consentement_sms=True,
    )
    AccompagnementFactory(assure=personne, referent=alice, unite=unite)

    # The adviser takes the call, finds the person, books the nearest place's next slot.
    _connexion(page, live_server, "bastien")
    page.get_by_role("link", name="Rechercher").first.click()
    recherche = page.get_by_role("search")
    recherche.get_by_role("textbox").fill("lefèvre")
    recherche.get_by_role("button", name="Rechercher").click()
    page.wait_for_selector("[data-testid=resultats-recherche]")
    page.get_by_test_id("resultats-recherche").get_by_role("link").first.click()
    page.get_by_role("link", name="Prendre rendez-vous").click()
    page.get_by_label("Motif du rendez-vous").select_option(
        label="Arrêt de travail de longue durée (45 min, au lieu d'accueil)"
    )
    page.get_by_role("button", name="Voir les créneaux").click()
    premier_lieu = page.locator("[data-testid=lieu-propose]").first
    assert "Permanence de Moissac" in premier_lieu.locator("h2").inner_text()
    assert "Confirmation et rappel par sms" in page.locator("[data-testid=canaux]").inner_text()
    premier_lieu.get_by_role("button").first.click()
    page.wait_for_selector("[data-testid=rendez-vous-a-venir]")
    assert "Rendez-vous pris le" in page.content()
    rdv = RendezVous.objects.get()
    assert rdv.lieu.code == "LA-MOI" and rdv.debut.date() == demain
    _deconnexion(page)

    # The SMS, as the file backend wrote it: when and where, no health detail, no name.
    (fichier,) = (sms_en_fichiers / "sms").glob("*.jsonl")
    (ligne,) = [json.loads(x) for x in fichier.read_text().splitlines()]
    assert ligne["numero"] == "+33612345678"
    assert "Permanence de Moissac" in ligne["texte"]
    for detail in ("Arrêt", "arret", "travail", "Lefèvre", "Élodie"):
        assert detail not in ligne["texte"]

    # The time has come (the appointment is moved to this morning, as if a day had passed).
    decalage = rdv.debut - (timezone.now() - timedelta(minutes=30))
    RendezVous.objects.filter(pk=rdv.pk).update(debut=rdv.debut - decalage, fin=rdv.fin - decalage)
    Participation.objects.filter(rendez_vous=rdv).update(
        debut=rdv.debut - decalage, fin=rdv.fin - decalage
    )

    # The social worker marks it seen from her week; the interview is in the dossier.
    _connexion(page, live_server, "alice")
    page.get_by_role("link", name="Mon agenda").first.click()
    ligne_rdv = page.locator("[data-testid=rendez-vous]", has_text="Lefèvre")
    ligne_rdv.get_by_role("link", name="Vu").click()
    page.get_by_label("Notes de l'entretien").fill("Point sur la reprise à temps partiel.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.VU
    entretien = Entretien.objects.get()
    assert (entretien.lieu_accueil.code, entretien.duree_minutes) == ("LA-MOI", 45)
    page.goto(f"{live_server.url}/dossiers/{personne.pk}/")
    assert "Point sur la reprise à temps partiel." in page.content()
