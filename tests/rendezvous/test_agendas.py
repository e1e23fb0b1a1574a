"""Issue 14, point 10: the agendas' screens — an agent's week (joint appointments, openings,
absences, holidays), seen / absent / excused after the appointment and cancelling before it, a
place's day sheet (its reads logged) and its PDF, the unit's occupancy (not a ranking); their
menu entries; and queries that do not grow with the number of appointments."""

import re
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.accueil.menu import menu_for
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.models import Assure, JournalAcces
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Absence, Motif, Participation, Plage, RendezVous
from parcours.rendezvous.perms import journaliser_lecture
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, SignalementFactory
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    UniteFactory,
)
from tests.personas import Personas, creer_personas

pytestmark = pytest.mark.django_db

# A week to come with Easter Monday (a public holiday everywhere in France).
PAQUES = date(2030, 4, 22)
# A week gone by.
PASSEE = date(2025, 3, 10)


@dataclass
class Monde:
    p: Personas
    diane: Agent
    lieu: LieuAccueil
    lieu_castel: LieuAccueil
    lieu_ailleurs: LieuAccueil
    motif: Motif
    personne: Assure
    inconnue: Assure


def rdv(
    agent,
    debut: datetime,
    *,
    lieu,
    assure,
    motif=None,
    autres=(),
    statut=StatutRendezVous.PREVU,
    salle=1,
    minutes=45,
) -> RendezVous:
    """An appointment as the booking writes it: the appointment and one row per agent."""
    motif = motif or Motif.objects.get(code="SUIVI")
    rendez_vous = RendezVous.objects.create(
        assure=assure,
        motif=motif,
        lieu=lieu,
        salle=salle,
        agent=agent,
        debut=debut,
        fin=debut + timedelta(minutes=minutes),
        statut=statut,
    )
    if statut not in (StatutRendezVous.ANNULE_PERSONNE, StatutRendezVous.ANNULE_SERVICE):
        for a in (agent, *autres):
            Participation.objects.create(
                rendez_vous=rendez_vous, agent=a, debut=rendez_vous.debut, fin=rendez_vous.fin
            )
    return rendez_vous


def a(jour: date, heure: int, minute: int = 0) -> datetime:
    return datetime.combine(jour, time(heure, minute), tzinfo=PARIS)


def creer_monde() -> Monde:
    """Montauban's personas, Diane (another social worker of Montauban), its place (two rooms),
    a place of Castelsarrasin (same Carsat) and one of another Carsat; Jeanne, whose dossier
    Montauban holds, and a person whose dossier is nowhere in Montauban."""
    p = creer_personas()
    diane = AgentFactory(
        matricule="diane", prenom="Diane", nom="Durand", role=Role.ASS, unite=p.unite
    )
    lieu = LieuAccueilFactory(
        code="LA-MTB", nom="Agence de Montauban", unite=p.unite, commune=CommuneFactory(), salles=2
    )
    lieu_castel = LieuAccueilFactory(
        code="LA-CAS", nom="Permanence de Castelsarrasin", unite=p.autre_unite
    )
    lieu_ailleurs = LieuAccueilFactory(
        code="LA-AIL",
        nom="Lieu d'une autre Carsat",
        unite=UniteFactory(organisme=OrganismeFactory(code="AUTRE")),
    )
    motif = Motif.objects.create(code="SUIVI", libelle="Suivi de l'arrêt", duree_minutes=45)
    personne = AssureFactory(nom="Vialaret", prenom="Jeanne", telephone="+33612345678")
    SignalementFactory(assure=personne, unite=p.unite, agent=p.alice)
    inconnue = AssureFactory(nom="Sansdossier", prenom="Léa", telephone="+33698765432")
    return Monde(p, diane, lieu, lieu_castel, lieu_ailleurs, motif, personne, inconnue)


@pytest.fixture
def monde() -> Monde:
    return creer_monde()


def _semaine(client, **parametres):
    return client.get(reverse("rendezvous:semaine"), parametres)


# --- The week ---------------------------------------------------------------------------------


def test_the_week_shows_own_and_joint_appointments_with_openings_absences_and_holidays(
    client, monde
):
    p = monde.p
    plage = Plage.objects.create(
        agent=p.alice,
        lieu=monde.lieu,
        debut=time(9),
        fin=time(12),
        regle="FREQ=WEEKLY;BYDAY=MO,TU,WE",
        date_debut=date(2030, 1, 7),
        exceptions=["2030-04-24"],
    )
    plage.motifs.add(monde.motif)
    Absence.objects.create(
        agent=p.alice,
        debut=a(PAQUES + timedelta(days=1), 10),
        fin=a(PAQUES + timedelta(days=1), 11),
    )
    mardi = PAQUES + timedelta(days=1)
    le_sien = rdv(p.alice, a(mardi, 9), lieu=monde.lieu, assure=monde.personne)
    commun = rdv(
        monde.diane, a(mardi, 14), lieu=monde.lieu, assure=monde.inconnue, autres=(p.alice,)
    )
    rdv(monde.diane, a(mardi, 9), lieu=monde.lieu, assure=monde.personne, salle=2)  # not hers
    annule = rdv(
        p.alice,
        a(mardi, 16),
        lieu=monde.lieu,
        assure=monde.personne,
        statut=StatutRendezVous.ANNULE_PERSONNE,
    )
    client.force_login(p.alice)
    reponse = _semaine(client, du=(PAQUES + timedelta(days=3)).isoformat())
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Semaine du lundi 22 avril 2030 au dimanche 28 avril 2030" in contenu
    lignes = re.findall(r'<tr data-testid="rendez-vous">(.*?)</tr>', contenu, re.S)
    assert len(lignes) == 3  # hers, the joint one, the cancelled one; not Diane's own
    assert f'href="{reverse("dossiers:dossier", args=[monde.personne.pk])}"' in lignes[0]
    # The joint appointment: the other agent named; no link to a dossier Montauban lacks.
    assert "Sansdossier" in lignes[1] and "avec Diane Durand" in lignes[1]
    assert reverse("dossiers:dossier", args=[monde.inconnue.pk]) not in contenu
    assert "annulé par la personne" in lignes[2]
    # Easter Monday: a holiday, no opening; Wednesday is an excluded date; Tuesday is open,
    # with an absence in the middle.
    lundi = re.search(r'data-testid="jour-2030-04-22">(.*?)</section>', contenu, re.S)[1]
    assert "jour férié" in lundi and "Ouverture" not in lundi
    mardi_html = re.search(r'data-testid="jour-2030-04-23">(.*?)</section>', contenu, re.S)[1]
    assert "Ouverture de 09:00 à 12:00 — Agence de Montauban (Suivi de l&#x27;arrêt)" in mardi_html
    assert "Absence de 10:00 à 11:00" in mardi_html and "pendant une absence" in mardi_html
    feuille = reverse("rendezvous:feuille", args=[monde.lieu.pk]) + "?jour=2030-04-23"
    assert f'href="{feuille}"' in mardi_html
    mercredi = re.search(r'data-testid="jour-2030-04-24">(.*?)</section>', contenu, re.S)[1]
    assert "Ouverture" not in mercredi
    assert 'data-testid="jour-2030-04-27"' not in contenu  # an empty Saturday is not shown
    # To come: « Annuler »; nothing to mark yet.
    assert reverse("rendezvous:annuler", args=[le_sien.pk]) in lignes[0]
    assert reverse("rendezvous:annuler", args=[commun.pk]) in lignes[1]
    assert reverse("rendezvous:constat", args=[le_sien.pk]) not in contenu
    assert reverse("rendezvous:annuler", args=[annule.pk]) not in contenu
    # The weeks before and after.
    assert "?du=2030-04-15" in contenu and "?du=2030-04-29" in contenu


def test_the_week_defaults_to_the_current_one(client, monde):
    client.force_login(monde.p.alice)
    lundi = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for parametres in ({}, {"du": "n'importe quoi"}, {"du": "0001-01-01"}):
        contenu = _semaine(client, **parametres).content.decode()
        assert f'data-testid="jour-{lundi.isoformat()}"' in contenu, parametres


def test_past_appointments_get_seen_absent_excused_and_the_manager_only_cancels(client, monde):
    p = monde.p
    passe = rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(p.alice)
    contenu = _semaine(client, du=PASSEE.isoformat()).content.decode()
    constat = reverse("rendezvous:constat", args=[passe.pk])
    assert f'href="{constat}?statut=VU"' in contenu
    assert contenu.count(f'action="{constat}"') == 2  # absent, excused
    # The manager opens Alice's week: she may cancel what is to come, not mark for Alice.
    futur = rdv(p.alice, a(PAQUES + timedelta(days=1), 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(p.chloe)
    contenu = _semaine(client, du=PASSEE.isoformat(), agent=p.alice.pk).content.decode()
    assert "Agenda de Alice" in contenu and constat not in contenu
    assert 'data-testid="choix-agent"' in contenu
    contenu = _semaine(client, du=PAQUES.isoformat(), agent=p.alice.pk).content.decode()
    assert reverse("rendezvous:annuler", args=[futur.pk]) in contenu


def test_nobody_opens_the_week_of_an_agent_out_of_their_scope(client, monde):
    p = monde.p
    client.force_login(p.chloe)
    assert _semaine(client, agent=monde.diane.pk).status_code == 200
    assert _semaine(client, agent=p.octave.pk).status_code == 404  # another unit
    assert _semaine(client, agent="12abc").status_code == 404
    client.force_login(p.alice)
    assert _semaine(client, agent=p.alice.pk).status_code == 200
    assert _semaine(client, agent=monde.diane.pk).status_code == 404  # a colleague's
    assert client.post(reverse("rendezvous:semaine")).status_code == 405


# --- After the appointment --------------------------------------------------------------------


def test_absent_from_the_week_then_back_to_it(client, monde):
    p = monde.p
    passe = rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(p.alice)
    reponse = client.post(
        reverse("rendezvous:constat", args=[passe.pk]), {"statut": "ABSENT"}, follow=True
    )
    assert reponse.redirect_chain[-1][0] == reverse("rendezvous:semaine") + "?du=2025-03-10"
    assert "Rendez-vous du 10/03/2025 à 09:00 marqué « absent »." in reponse.content.decode()
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.ABSENT and passe.entretien is None


def test_seen_records_the_interview_with_its_notes_and_opens_the_dossier(client, monde):
    p = monde.p
    AccompagnementFactory(
        assure=monde.personne, referent=p.alice, date_debut=timezone.localdate() - timedelta(30)
    )
    hier = timezone.now() - timedelta(days=1)
    passe = rdv(p.alice, hier, lieu=monde.lieu, assure=monde.personne)
    url = reverse("rendezvous:constat", args=[passe.pk])
    client.force_login(p.alice)
    page = client.get(url, {"statut": "VU"}).content.decode()
    assert 'id="statut-VU" name="statut" value="VU" checked' in page
    assert '<textarea class="fr-input" id="notes"' in page
    reponse = client.post(url, {"statut": "VU", "notes": "Reprise à mi-temps envisagée"})
    assert reponse.url == reverse("dossiers:dossier", args=[monde.personne.pk])
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.VU
    assert passe.entretien.notes == "Reprise à mi-temps envisagée"
    assert passe.entretien.agent == p.alice
    # Once more: refused in French, what was typed kept.
    reponse = client.post(url, {"statut": "EXCUSE", "notes": "Deuxième saisie"})
    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "Ce rendez-vous est déjà marqué « vu »." in contenu
    assert 'data-testid="deja-marque"' in contenu and ">Deuxième saisie</textarea>" in contenu


def test_a_refusal_keeps_the_input_and_a_future_one_is_not_marked(client, monde):
    p = monde.p
    futur = rdv(
        p.alice, timezone.now() + timedelta(hours=2), lieu=monde.lieu, assure=monde.personne
    )
    url = reverse("rendezvous:constat", args=[futur.pk])
    client.force_login(p.alice)
    assert 'data-testid="pas-encore"' in client.get(url).content.decode()
    reponse = client.post(url, {"statut": "VU", "notes": "Texte gardé"})
    assert reponse.status_code == 409
    assert "Ce rendez-vous n&#x27;a pas encore commencé." in reponse.content.decode()
    passe = rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    url = reverse("rendezvous:constat", args=[passe.pk])
    reponse = client.post(url, {"statut": "PARTI", "notes": "Texte gardé"})
    contenu = reponse.content.decode()
    assert "Choisissez : vu, absent ou excusé." in contenu and ">Texte gardé</textarea>" in contenu
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.PREVU


def test_the_csam_marks_her_appointment_without_notes(client, monde):
    p = monde.p
    passe = rdv(
        p.bastien, timezone.now() - timedelta(hours=3), lieu=monde.lieu, assure=monde.personne
    )
    url = reverse("rendezvous:constat", args=[passe.pk])
    client.force_login(p.bastien)
    assert 'id="notes"' not in client.get(url, {"statut": "VU"}).content.decode()
    client.post(url, {"statut": "VU", "notes": "Ne doit pas être gardé"})
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.VU and passe.entretien.notes == ""


# --- Before the appointment -------------------------------------------------------------------


def test_cancel_after_confirmation_by_whom_it_was_asked(client, monde):
    p = monde.p
    futur = rdv(p.alice, a(PAQUES + timedelta(days=1), 9), lieu=monde.lieu, assure=monde.personne)
    url = reverse("rendezvous:annuler", args=[futur.pk])
    client.force_login(p.alice)
    page = client.get(url).content.decode()
    assert "Qui annule ?" in page and "Confirmer l'annulation" in page
    reponse = client.post(url, {})
    assert reponse.status_code == 200 and "Indiquez qui annule le rendez-vous." in (
        reponse.content.decode()
    )
    futur.refresh_from_db()
    assert futur.statut == StatutRendezVous.PREVU
    reponse = client.post(url, {"par": "personne"})
    assert reponse.url == reverse("rendezvous:semaine") + "?du=2030-04-22"
    futur.refresh_from_db()
    assert futur.statut == StatutRendezVous.ANNULE_PERSONNE
    assert not Participation.objects.filter(rendez_vous=futur).exists()
    reponse = client.post(url, {"par": "service"})
    assert reponse.status_code == 409 and 'data-testid="plus-annulable"' in reponse.content.decode()


def test_the_manager_cancels_for_the_service_and_a_started_one_is_not_cancelled(client, monde):
    p = monde.p
    futur = rdv(p.alice, a(PAQUES + timedelta(days=1), 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(p.chloe)
    reponse = client.post(reverse("rendezvous:annuler", args=[futur.pk]), {"par": "service"})
    assert reponse.url == reverse("rendezvous:semaine") + f"?du=2030-04-22&agent={p.alice.pk}"
    futur.refresh_from_db()
    assert futur.statut == StatutRendezVous.ANNULE_SERVICE
    passe = rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(p.alice)
    reponse = client.post(reverse("rendezvous:annuler", args=[passe.pk]), {"par": "service"})
    assert reponse.status_code == 409
    assert "Ce rendez-vous a commencé" in reponse.content.decode()
    passe.refresh_from_db()
    assert passe.statut == StatutRendezVous.PREVU


# --- The day sheet ----------------------------------------------------------------------------


def test_the_day_sheet_lists_the_place_s_appointments_by_agent_with_phones(client, monde):
    p = monde.p
    plage = Plage.objects.create(
        agent=p.alice,
        lieu=monde.lieu,
        debut=time(9),
        fin=time(12),
        regle="FREQ=DAILY",
        date_debut=PASSEE,
    )
    plage.motifs.add(monde.motif)
    rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    rdv(monde.diane, a(PASSEE, 9), lieu=monde.lieu, assure=monde.inconnue, salle=2)
    rdv(
        p.alice,
        a(PASSEE, 11),
        lieu=monde.lieu,
        assure=monde.inconnue,
        statut=StatutRendezVous.ANNULE_SERVICE,
    )
    rdv(p.alice, a(PASSEE + timedelta(days=1), 9), lieu=monde.lieu, assure=monde.inconnue)
    client.force_login(p.bastien)
    reponse = client.get(
        reverse("rendezvous:feuille", args=[monde.lieu.pk]), {"jour": PASSEE.isoformat()}
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    tables = re.findall(r'<table data-testid="feuille-agent">(.*?)</table>', contenu, re.S)
    assert len(tables) == 2  # one per agent, by name
    (d_alice,) = [t for t in tables if p.alice.get_full_name() in t]
    (de_diane,) = [t for t in tables if "Diane Durand" in t]
    assert "Vialaret Jeanne" in d_alice and "06 12 34 56 78" in d_alice
    assert "Sansdossier Léa" in de_diane and "06 98 76 54 32" in de_diane
    assert contenu.count('data-testid="ligne-feuille"') == 2
    assert "1 rendez-vous annulé ce jour" in contenu
    assert f'href="{reverse("dossiers:dossier", args=[monde.personne.pk])}"' in contenu
    assert reverse("dossiers:dossier", args=[monde.inconnue.pk]) not in contenu
    assert "Alice" in re.search(r'data-testid="ouvertures">(.*?)</ul>', contenu, re.S)[1]


def test_the_day_sheet_read_is_logged_once_per_person_and_consultation(client, monde):
    p = monde.p
    rdv(p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    rdv(monde.diane, a(PASSEE, 10), lieu=monde.lieu, assure=monde.inconnue)
    url = reverse("rendezvous:feuille", args=[monde.lieu.pk])
    client.force_login(p.bastien)
    client.get(url, {"jour": PASSEE.isoformat()})
    client.get(url, {"jour": PASSEE.isoformat()})  # reloaded: no second line
    lignes = JournalAcces.objects.filter(agent=p.bastien)
    assert sorted(lignes.values_list("assure_id", "partie", "unite_id")) == sorted(
        [
            (monde.personne.pk, PartieDossier.IDENTITE, p.unite.pk),
            (monde.inconnue.pk, PartieDossier.IDENTITE, p.unite.pk),
        ]
    )
    # The permanence's staff may come from another unit of the Carsat: read and logged for
    # their own manager.
    client.force_login(p.octave)
    assert client.get(url, {"jour": PASSEE.isoformat()}).status_code == 200
    assert JournalAcces.objects.filter(agent=p.octave, unite=p.autre_unite).count() == 2


def test_the_log_rule_of_the_dossiers_holds_for_the_sheet(monde):
    """As parcours.dossiers.perms.journaliser: a part already recorded by the latest
    consultation (or just before the notes) is not written again; another part is."""
    p = monde.p
    JournalAcces.objects.create(
        agent=p.alice, assure=monde.personne, partie=PartieDossier.IDENTITE, unite=p.unite
    )
    JournalAcces.objects.create(
        agent=p.alice, assure=monde.personne, partie=PartieDossier.NOTES, unite=p.unite
    )
    JournalAcces.objects.create(
        agent=p.alice, assure=monde.inconnue, partie=PartieDossier.DOSSIER, unite=p.unite
    )
    journaliser_lecture(p.alice, {monde.personne.pk, monde.inconnue.pk})
    assert JournalAcces.objects.filter(agent=p.alice, assure=monde.personne).count() == 2
    assert JournalAcces.objects.filter(agent=p.alice, assure=monde.inconnue).count() == 2


def test_the_sheet_chooser_goes_to_the_chosen_place_and_day(client, monde):
    client.force_login(monde.p.alice)
    page = client.get(reverse("rendezvous:feuilles")).content.decode()
    assert "Agence de Montauban" in page and "Permanence de Castelsarrasin" in page
    assert "Lieu d&#x27;une autre Carsat" not in page
    reponse = client.get(
        reverse("rendezvous:feuilles"), {"lieu": monde.lieu_castel.pk, "jour": "2025-03-11"}
    )
    assert reponse.url == reverse("rendezvous:feuille", args=[monde.lieu_castel.pk]) + (
        "?jour=2025-03-11"
    )
    assert (
        client.get(reverse("rendezvous:feuilles"), {"lieu": monde.lieu_ailleurs.pk}).status_code
        == 404
    )


def test_the_printable_sheet_is_a_tagged_pdf_with_the_dsfr_fonts_and_no_url(
    client, monde, tmp_path, monkeypatch
):
    import weasyprint

    pages_html = []
    vrai = weasyprint.HTML

    def html(*args, **kwargs):
        pages_html.append(kwargs["string"])
        return vrai(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html)
    rdv(monde.p.alice, a(PASSEE, 9), lieu=monde.lieu, assure=monde.personne)
    client.force_login(monde.p.alice)
    reponse = client.get(
        reverse("rendezvous:feuille_pdf", args=[monde.lieu.pk]), {"jour": PASSEE.isoformat()}
    )
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    assert 'filename="feuille-la-mtb-2025-03-10.pdf"' in reponse["Content-Disposition"]
    (source,) = pages_html
    assert "http:" not in source and "https:" not in source and "file://" in source
    pdf = tmp_path / "feuille.pdf"
    pdf.write_bytes(reponse.content)
    texte = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Feuille du jour — Agence de Montauban" in texte
    assert "Vialaret Jeanne" in texte and "06 12 34 56 78" in texte
    polices = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "Marianne" in polices
    assert JournalAcces.objects.filter(agent=monde.p.alice, assure=monde.personne).exists()


# --- The unit's occupancy ---------------------------------------------------------------------


def test_occupancy_per_agent_and_place_in_the_order_of_names(client, monde):
    p = monde.p
    # Alice: Tuesdays 9–12 at Montauban; an absence 10–11 that Tuesday → 2 h open.
    plage = Plage.objects.create(
        agent=p.alice,
        lieu=monde.lieu,
        debut=time(9),
        fin=time(12),
        regle="FREQ=WEEKLY;BYDAY=TU",
        date_debut=date(2025, 1, 7),
    )
    plage.motifs.add(monde.motif)
    mardi = PASSEE + timedelta(days=1)
    Absence.objects.create(agent=p.alice, debut=a(mardi, 10), fin=a(mardi, 11))
    # Diane: Mondays 14–16 at Montauban.
    autre = Plage.objects.create(
        agent=monde.diane,
        lieu=monde.lieu,
        debut=time(14),
        fin=time(16),
        regle="FREQ=WEEKLY;BYDAY=MO",
        date_debut=date(2025, 1, 6),
    )
    autre.motifs.add(monde.motif)
    rdv(p.alice, a(mardi, 9), lieu=monde.lieu, assure=monde.personne, statut=StatutRendezVous.VU)
    rdv(
        monde.diane,
        a(PASSEE, 14),
        lieu=monde.lieu,
        assure=monde.inconnue,
        statut=StatutRendezVous.ABSENT,
        autres=(p.alice,),
        minutes=60,
    )
    rdv(
        monde.diane,
        a(PASSEE, 15),
        lieu=monde.lieu,
        assure=monde.personne,
        statut=StatutRendezVous.ANNULE_PERSONNE,
    )
    client.force_login(p.chloe)
    reponse = client.get(reverse("rendezvous:occupation"), {"du": mardi.isoformat()})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    agents = re.search(r'data-testid="occupation-agents">(.*?)</table>', contenu, re.S)[1]
    lignes = re.findall(r'<tr data-testid="ligne-occupation">(.*?)</tr>', agents, re.S)
    cellules = [re.findall(r"<td>([^<]*)</td>", ligne) for ligne in lignes]
    noms = [re.search(r'">([^<]+)</a>', ligne)[1] for ligne in lignes]
    attendus = sorted(
        Agent.objects.filter(unite=p.unite, role__in=["ass", "csam", "cadre"]),
        key=lambda x: (x.nom, x.prenom, x.pk),
    )
    assert noms == [x.get_full_name() for x in attendus]  # by name, whatever the figures
    par_nom = dict(zip(noms, cellules, strict=True))
    # Alice: 2 h open; 45 min of her own (seen) + 1 h of Diane's joint one (absent).
    assert par_nom[p.alice.get_full_name()] == ["2 h", "1 h 45", "88 %", "2", "1", "1", "0"]
    assert par_nom["Diane Durand"] == ["2 h", "1 h", "50 %", "1", "0", "1", "0"]
    assert par_nom[p.chloe.get_full_name()] == ["0 h", "0 h", "—", "0", "0", "0", "0"]
    lieux = re.search(r'data-testid="occupation-lieux">(.*?)</table>', contenu, re.S)[1]
    (ligne_lieu,) = re.findall(r'<tr data-testid="ligne-occupation">(.*?)</tr>', lieux, re.S)
    assert "Agence de Montauban" in ligne_lieu
    assert re.findall(r"<td>([^<]*)</td>", ligne_lieu) == [
        "4 h", "1 h 45", "44 %", "2", "1", "1", "0"
    ]  # fmt: skip
    assert "Permanence de Castelsarrasin" not in contenu
    texte = contenu.lower()
    for mot in ("classement", "meilleur", "pire", "performance"):
        assert mot not in texte.replace("n'est pas un classement", ""), mot
    # The month: every Tuesday and Monday of March 2025.
    contenu = client.get(
        reverse("rendezvous:occupation"), {"periode": "mois", "du": "2025-03-20"}
    ).content.decode()
    assert "Mars 2025" in contenu
    agents = re.search(r'data-testid="occupation-agents">(.*?)</table>', contenu, re.S)[1]
    # Tuesdays of March 2025: 4, 11, 18, 25 → 4 × 3 h − 1 h of absence.
    assert "<td>11 h</td>" in agents


# --- The menu ---------------------------------------------------------------------------------


def test_menu_entries_by_role(monde):
    p = monde.p
    attendu = {
        Role.ASS: [("Mon agenda", 25)],
        Role.CSAM: [("Mon agenda", 25)],
        Role.CADRE: [("Agendas de l'unité", 92)],
        Role.PILOTAGE: [],
        Role.PARTENAIRE: [],
        Role.ADMIN: [],
    }
    for role, agent in p.par_role().items():
        entrees = [
            (e.libelle, e.rang) for e in menu_for(agent) if e.nom in ("semaine", "occupation")
        ]
        assert entrees == attendu[role], role


# --- Queries that do not grow -----------------------------------------------------------------


def _requetes(client, url: str, parametres: dict) -> int:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url, parametres)
    assert reponse.status_code == 200
    return len(requetes)


def _remplir(monde: Monde, jour: date, nombre: int, *, decalage: int = 0) -> None:
    """`nombre` appointments of Alice that day at Montauban, each with its own person (with a
    dossier in Montauban) and, one in two, a joint one with Diane."""
    p = monde.p
    for i in range(nombre):
        personne = AssureFactory()
        SignalementFactory(assure=personne, unite=p.unite)
        debut = a(jour, 7) + timedelta(minutes=20 * (i + decalage))
        rdv(
            p.alice,
            debut,
            lieu=monde.lieu,
            assure=personne,
            autres=(monde.diane,) if i % 2 else (),
            salle=None,
            minutes=20,
            statut=StatutRendezVous.VU if i % 3 else StatutRendezVous.PREVU,
        )


# The exact budgets (session, user, the page's own queries, the menu's organisme): the week 11,
# the sheet 12 (its log: the recent lines, one insert), the occupancy 10.
BUDGETS = {"semaine": 11, "feuille": 12, "occupation": 10}


@pytest.mark.parametrize("page", BUDGETS)
def test_pages_make_as_many_queries_for_2_as_for_20_appointments(client, monde, page):
    p = monde.p
    plage = Plage.objects.create(
        agent=p.alice,
        lieu=monde.lieu,
        debut=time(7),
        fin=time(19),
        regle="FREQ=DAILY",
        date_debut=date(2025, 1, 1),
    )
    plage.motifs.add(monde.motif)
    Absence.objects.create(agent=p.alice, debut=a(PASSEE, 12), fin=a(PASSEE, 13))
    if page == "semaine":
        client.force_login(p.alice)
        url, parametres = reverse("rendezvous:semaine"), {"du": PASSEE.isoformat()}
    elif page == "feuille":
        client.force_login(p.bastien)
        url = reverse("rendezvous:feuille", args=[monde.lieu.pk])
        parametres = {"jour": PASSEE.isoformat()}
    else:
        client.force_login(p.chloe)
        url, parametres = reverse("rendezvous:occupation"), {"du": PASSEE.isoformat()}
    _remplir(monde, PASSEE, 2)
    peu = _requetes(client, url, parametres)
    _remplir(monde, PASSEE, 18, decalage=2)
    # On the sheet, the 18 new persons' log lines are written in the same single insert.
    beaucoup = _requetes(client, url, parametres)
    assert peu == beaucoup == BUDGETS[page], (peu, beaucoup)
