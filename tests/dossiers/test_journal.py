"""Issue 12, defect 13: the access log (journal des consultations) — one line per consultation,
pages of 50 lines, filters by person, agent and dates kept from page to page, the manager's
scope unchanged, a number of queries that does not grow with the log."""

import datetime
import html
import re
from collections import Counter
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.models import JournalAcces
from parcours.organisation.enums import Role
from tests.dossiers.factories import (
    AccompagnementFactory,
    ActionFactory,
    AssureFactory,
    EntretienFactory,
    SignalementFactory,
)
from tests.factories import AgentFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

URL = "dossiers:journal"
# A Monday of the past, 8 o'clock in Paris: the log's lines are dated from it.
PARIS = ZoneInfo("Europe/Paris")
DEBUT = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=PARIS)


@pytest.fixture
def p():
    return creer_personas()


@pytest.fixture
def jeanne(p):
    """A person known to Montauban by a signalement only: no interview, no notes."""
    assure = AssureFactory(nom="Vialaret", prenom="Jeanne")
    SignalementFactory(assure=assure, unite=p.unite, agent=p.alice)
    return assure


@pytest.fixture
def suivie(p):
    """A person Alice accompanies: an interview with notes, an action of the plan."""
    assure = AssureFactory(nom="Fabre", prenom="Lucie")
    acc = AccompagnementFactory(
        assure=assure, referent=p.alice, date_debut=timezone.localdate() - datetime.timedelta(20)
    )
    EntretienFactory(accompagnement=acc, notes="Notes à ne pas répéter")
    ActionFactory(accompagnement=acc)
    return assure, acc


def _ligne(agent, assure, quand, partie=PartieDossier.DOSSIER, unite="agent") -> JournalAcces:
    """A line of the log written at `quand` (the date is set by the database field: the clock
    is moved, not the line)."""
    with mock.patch("django.utils.timezone.now", return_value=quand):
        return JournalAcces.objects.create(
            agent=agent,
            assure=assure,
            partie=partie,
            unite=agent.unite if unite == "agent" else unite,
        )


def _journaliser_a(quand, *args, **kwargs) -> None:
    with mock.patch("django.utils.timezone.now", return_value=quand):
        perms.journaliser(*args, **kwargs)


def _affiche(quand: datetime.datetime) -> str:
    """A line's date as the log shows it (local time, to the second)."""
    return timezone.localtime(quand).strftime("%d/%m/%Y %H:%M:%S")


def _lignes_affichees(contenu: str) -> int:
    corps = contenu.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return corps.count("<tr><td>")  # not the empty list's row, <tr><td colspan="4">


def _sans_jeton(contenu: str, personne: int) -> str:
    """A page without what differs from one GET to the next (the CSRF token of the sign-out
    form) nor the person's id that was asked for."""
    contenu = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", contenu)
    return contenu.replace(f'name="personne" value="{personne}"', "")


def _parties(**filtres) -> Counter:
    return Counter(JournalAcces.objects.filter(**filtres).values_list("partie", flat=True))


def _journal(client, **parametres) -> str:
    reponse = client.get(reverse(URL), parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


# One line per consultation ------------------------------------------------------------------


def test_a_dossier_page_opened_then_reloaded_is_one_line(client, p, jeanne):
    client.force_login(p.alice)
    url = reverse("dossiers:dossier", args=[jeanne.pk])
    assert client.get(url).status_code == 200
    assert JournalAcces.objects.filter(assure=jeanne).count() == 1
    assert client.get(url).status_code == 200  # reloaded a second later: the same consultation
    ligne = JournalAcces.objects.get(assure=jeanne)
    assert (ligne.agent, ligne.partie, ligne.unite) == (p.alice, "DOSSIER", p.unite)


def test_a_page_showing_notes_is_one_line_per_part_read(client, p, suivie):
    """The notes keep a line of their own (the most sensitive read), written once."""
    assure, _ = suivie
    client.force_login(p.alice)
    url = reverse("dossiers:dossier", args=[assure.pk])
    client.get(url)
    client.get(url)
    assert _parties(assure=assure) == Counter({"DOSSIER": 1, "NOTES": 1})


def test_a_form_posted_then_its_page_shown_again_is_one_consultation(client, p, suivie):
    """Ticking an action of the plan: the POST reads the accompaniment, the page shown again
    after it too — once in the log (before: 3 lines of the accompaniment, 2 of the notes)."""
    assure, acc = suivie
    client.force_login(p.alice)
    client.get(reverse("dossiers:accompagnement", args=[acc.pk]))
    action = acc.actions.get()
    reponse = client.post(
        reverse("dossiers:action_basculer", args=[acc.pk, action.pk]), follow=True
    )
    assert reponse.status_code == 200
    assert _parties(assure=assure) == Counter({"ACCOMPAGNEMENT": 1, "NOTES": 1})


def test_the_same_read_after_the_delay_is_a_new_line(p, jeanne):
    delai = perms.DELAI_CONSULTATION
    assert delai == datetime.timedelta(seconds=60)  # documented in docs/dossiers.md, § 12
    _journaliser_a(DEBUT, p.alice, jeanne, PartieDossier.DOSSIER)
    _journaliser_a(DEBUT + delai - datetime.timedelta(seconds=1), p.alice, jeanne, "DOSSIER")
    assert JournalAcces.objects.count() == 1
    _journaliser_a(DEBUT + delai + datetime.timedelta(seconds=1), p.alice, jeanne, "DOSSIER")
    assert JournalAcces.objects.count() == 2


def test_parts_agents_and_units_stay_distinct(p, jeanne):
    """What the rule never merges: another part, another agent, another unit; and a part read
    again after another one is a new consultation (back to the dossier from its identity)."""
    for partie in ("DOSSIER", "IDENTITE", "DOSSIER", "HISTORIQUE"):
        _journaliser_a(DEBUT, p.chloe, jeanne, partie)
    assert [ligne.partie for ligne in JournalAcces.objects.order_by("id")] == [
        "DOSSIER",
        "IDENTITE",
        "DOSSIER",
        "HISTORIQUE",
    ]
    _journaliser_a(DEBUT, p.alice, jeanne, "DOSSIER")
    assert JournalAcces.objects.filter(agent=p.alice).count() == 1
    # A partner's read is logged for the unit that received the signalement: one line each.
    _journaliser_a(DEBUT, p.pierre, jeanne, "SIGNALEMENT", unite_id=p.unite.pk)
    _journaliser_a(DEBUT, p.pierre, jeanne, "SIGNALEMENT", unite_id=p.autre_unite.pk)
    _journaliser_a(DEBUT, p.pierre, jeanne, "SIGNALEMENT", unite_id=p.unite.pk)
    lignes = JournalAcces.objects.filter(agent=p.pierre)
    assert sorted(ligne.unite_id for ligne in lignes) == sorted([p.unite.pk, p.autre_unite.pk])


# Pages --------------------------------------------------------------------------------------


def test_the_log_is_paged_by_50_with_its_total(client, p, jeanne):
    quand = [DEBUT + datetime.timedelta(minutes=i) for i in range(120)]
    for moment in quand:
        _ligne(p.alice, jeanne, moment)
    # Newest first: the n-th line shown (from 1) is the one written at quand[120 - n].
    rang = {n: _affiche(quand[120 - n]) for n in range(1, 121)}
    client.force_login(p.chloe)
    premiere = _journal(client)
    assert "120 consultations — page 1 sur 3" in premiere
    assert _lignes_affichees(premiere) == 50
    assert rang[1] in premiere and rang[50] in premiere and rang[51] not in premiere
    deuxieme = _journal(client, page=2)
    assert "page 2 sur 3" in deuxieme and _lignes_affichees(deuxieme) == 50
    assert all(rang[n] in deuxieme for n in range(51, 101))
    assert rang[50] not in deuxieme and rang[101] not in deuxieme
    assert 'aria-current="page" title="Page 2"' in deuxieme
    troisieme = _journal(client, page=3)
    assert _lignes_affichees(troisieme) == 20 and rang[120] in troisieme
    # A page that does not exist shows the last one, never an error.
    assert rang[120] in _journal(client, page=99)
    assert _lignes_affichees(_journal(client, page="x")) == 50


# Filters ------------------------------------------------------------------------------------


def test_filter_by_person_from_their_dossier_page(client, p, jeanne):
    autre = AssureFactory(nom="Delmas", prenom="Henri")
    SignalementFactory(assure=autre, unite=p.unite)
    _ligne(p.alice, jeanne, DEBUT)
    _ligne(p.bastien, jeanne, DEBUT + datetime.timedelta(hours=1))
    _ligne(p.alice, autre, DEBUT + datetime.timedelta(hours=2))
    client.force_login(p.chloe)
    dossier = client.get(reverse("dossiers:dossier", args=[jeanne.pk])).content.decode()
    lien = f'href="{reverse(URL)}?personne={jeanne.pk}"'
    assert lien in dossier and "Journal des consultations de ce dossier" in dossier
    contenu = _journal(client, personne=jeanne.pk)
    assert "Consultations du dossier de Jeanne Vialaret" in contenu
    assert "Delmas" not in contenu
    # Alice's and Bastien's reads, and Chloé's own, just now, of the dossier page.
    assert "3 consultations" in contenu and _lignes_affichees(contenu) == 3
    # The person stays chosen when another filter is applied (a hidden field of the form).
    assert f'<input type="hidden" name="personne" value="{jeanne.pk}"' in contenu


def test_the_dossier_link_is_for_those_who_read_the_log(client, p, jeanne):
    url = reverse("dossiers:dossier", args=[jeanne.pk])
    for agent in (p.alice, p.bastien):
        client.force_login(agent)
        assert "Journal des consultations de ce dossier" not in client.get(url).content.decode()


def test_filter_by_agent_lists_the_agents_of_the_scope(client, p, jeanne):
    partie_ailleurs = AgentFactory(  # since moved to Castelsarrasin
        matricule="ancienne", prenom="Rose", role=Role.ASS, unite=p.autre_unite
    )
    _ligne(p.alice, jeanne, DEBUT)
    _ligne(p.bastien, jeanne, DEBUT + datetime.timedelta(hours=1))
    _ligne(p.pierre, jeanne, DEBUT, PartieDossier.SIGNALEMENT, unite=p.unite)
    _ligne(partie_ailleurs, jeanne, DEBUT, unite=p.unite)  # read when at Montauban
    _ligne(p.octave, jeanne, DEBUT)  # Castelsarrasin's
    client.force_login(p.chloe)
    contenu = _journal(client)
    choix = [
        (valeur, html.unescape(libelle))
        for valeur, libelle in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', contenu)
    ]
    lecteurs = sorted(
        (p.alice, p.bastien, p.pierre, partie_ailleurs), key=lambda a: (a.nom, a.prenom, a.pk)
    )
    assert choix == [("", "Tous les agents")] + [(str(a.pk), str(a)) for a in lecteurs]
    assert html.escape(str(p.octave)) not in contenu
    filtre = _journal(client, agent=p.bastien.pk)
    assert "1 consultation" in filtre and _lignes_affichees(filtre) == 1
    assert "Bastien" in filtre.split("<tbody>")[1] and "Alice" not in filtre.split("<tbody>")[1]


def test_filter_by_dates_in_local_time(client, p, jeanne):
    dates = {
        "le 4 à 0 h 05": datetime.datetime(2025, 3, 4, 0, 5, tzinfo=PARIS),
        "le 5 à 23 h 30": datetime.datetime(2025, 3, 5, 23, 30, tzinfo=PARIS),
        "le 3 à 23 h 59": datetime.datetime(2025, 3, 3, 23, 59, tzinfo=PARIS),
        "le 6 à 0 h 10": datetime.datetime(2025, 3, 6, 0, 10, tzinfo=PARIS),
    }
    for quand in dates.values():
        _ligne(p.alice, jeanne, quand)
    client.force_login(p.chloe)
    contenu = _journal(client, du="2025-03-04", au="2025-03-05")
    assert "2 consultations" in contenu
    assert _affiche(dates["le 4 à 0 h 05"]) in contenu
    assert _affiche(dates["le 5 à 23 h 30"]) in contenu
    assert _affiche(dates["le 3 à 23 h 59"]) not in contenu
    assert _affiche(dates["le 6 à 0 h 10"]) not in contenu  # 23 h 10 UTC on the 5th
    assert "1 consultation" in _journal(client, du="2025-03-06")
    assert "1 consultation" in _journal(client, au="2025-03-03")
    # The date inputs are the DSFR's, filled with what was chosen.
    assert 'type="date" name="du" value="2025-03-04"' in contenu
    assert 'class="fr-input"' in contenu


@pytest.mark.parametrize(
    ("parametres", "erreur"),
    [
        ({"du": "2025-03-10", "au": "2025-03-01"}, "la date de fin précède la date de début"),
        ({"du": "2099-01-01"}, "la date ne peut pas être dans le futur"),
        ({"au": "1900-01-01"}, "date invraisemblable (avant le 01/01/1990)"),
        ({"du": "lundi"}, "Saisissez une date valide."),
        ({"agent": "abc"}, "Choisissez un agent de la liste."),
        (
            {"personne": "Vialaret"},
            "Dossier inconnu : ouvrez le journal depuis la page du dossier.",
        ),
        ({"personne": "9" * 30}, "Dossier inconnu : ouvrez le journal depuis la page du dossier."),
    ],
)
def test_a_wrong_filter_is_told_in_french_and_widens_nothing(client, p, jeanne, parametres, erreur):
    _ligne(p.alice, jeanne, DEBUT)
    client.force_login(p.chloe)
    contenu = html.unescape(_journal(client, **parametres))
    assert erreur in contenu
    assert "Corrigez les filtres pour afficher le journal." in contenu
    assert _lignes_affichees(contenu) == 0 and "Vialaret</td>" not in contenu


def test_the_filters_are_kept_from_page_to_page(client, p, jeanne):
    for i in range(60):
        _ligne(p.bastien, jeanne, DEBUT + datetime.timedelta(minutes=i))
    for i in range(10):
        _ligne(p.alice, jeanne, DEBUT + datetime.timedelta(minutes=i, seconds=30))
    _ligne(p.bastien, jeanne, DEBUT - datetime.timedelta(days=3))  # before the range
    client.force_login(p.chloe)
    filtres = {"personne": jeanne.pk, "agent": p.bastien.pk, "du": "2025-03-01", "au": "2025-03-31"}
    premiere = _journal(client, **filtres)
    assert "60 consultations — page 1 sur 2" in premiere
    suivante = re.search(r'href="(\?[^"]*)">Page suivante', premiere)
    assert suivante
    parametres = dict(
        paire.split("=", 1) for paire in html.unescape(suivante.group(1))[1:].split("&")
    )
    attendus = {cle: str(valeur) for cle, valeur in filtres.items()}
    assert parametres == {**attendus, "page": "2"}
    deuxieme = client.get(reverse(URL) + html.unescape(suivante.group(1))).content.decode()
    assert "60 consultations — page 2 sur 2" in deuxieme
    assert _lignes_affichees(deuxieme) == 10
    assert "Alice" not in deuxieme.split("<tbody>")[1]
    assert _affiche(DEBUT + datetime.timedelta(minutes=9)) in deuxieme
    # Every link of the pagination keeps them, and nothing else: no name, no NIR.
    liens = [html.unescape(lien) for lien in re.findall(r'href="(\?[^"]*)"', deuxieme)]
    assert liens and all(f"agent={p.bastien.pk}&" in lien for lien in liens)
    assert all(f"personne={jeanne.pk}" in lien for lien in liens)
    assert not any(jeanne.nom in lien or jeanne.nir in lien for lien in liens)


# Scope --------------------------------------------------------------------------------------


def test_a_manager_never_sees_another_units_lines(client, p, jeanne):
    ailleurs = AssureFactory(nom="Castagne", prenom="Odile")
    AccompagnementFactory(assure=ailleurs, referent=p.octave)
    _ligne(p.alice, jeanne, DEBUT)
    _ligne(p.octave, ailleurs, DEBUT)
    _ligne(p.octave, jeanne, DEBUT + datetime.timedelta(hours=1))
    client.force_login(p.chloe)
    contenu = _journal(client)
    assert "1 consultation" in contenu and "Octave" not in contenu and "Castagne" not in contenu
    # Filtering on Castelsarrasin's person, or on a person that does not exist: the same page.
    dehors = _journal(client, personne=ailleurs.pk)
    nulle_part = _journal(client, personne=10**17)
    assert "Aucune consultation." in dehors and _lignes_affichees(dehors) == 0
    assert "Castagne" not in dehors and ailleurs.nir not in dehors and "Odile" not in dehors
    assert _sans_jeton(dehors, ailleurs.pk) == _sans_jeton(nulle_part, 10**17)
    # Octave's reads are not a choice of the agent filter.
    assert "Choisissez un agent de la liste." in _journal(client, agent=p.octave.pk)
    # Castelsarrasin's manager sees Castelsarrasin's reads, not Montauban's.
    cadre = AgentFactory(
        matricule="cadre2", prenom="Céleste", role=Role.CADRE, unite=p.octave.unite
    )
    client.force_login(cadre)
    contenu = _journal(client)
    assert "2 consultations" in contenu and "Alice" not in contenu
    assert "Choisissez un agent de la liste." in _journal(client, agent=p.alice.pk)
    contenu = _journal(client, personne=jeanne.pk)
    assert "1 consultation" in contenu and "Alice" not in contenu


def test_the_log_stays_the_managers(client, p):
    for agent in (p.alice, p.bastien, p.paula, p.pierre, p.adele, p.octave):
        client.force_login(agent)
        assert client.get(reverse(URL)).status_code == 403
        assert not perms.journal_visible_to(agent).exists()


# Queries ------------------------------------------------------------------------------------


def _mesurer(client, **parametres) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as requetes:
        contenu = _journal(client, **parametres)
    return len(requetes), contenu


def test_the_number_of_queries_does_not_grow_with_the_log(client, p, jeanne):
    client.force_login(p.chloe)
    agents = [p.alice, p.bastien] + [
        AgentFactory(matricule=f"ass{i}", prenom=f"Agent{i}", role=Role.ASS, unite=p.unite)
        for i in range(3)
    ]
    filtres = {"personne": jeanne.pk, "agent": p.alice.pk, "du": "2025-03-01", "au": "2025-03-31"}
    for i in range(3):
        _ligne(agents[i % 2], jeanne, DEBUT + datetime.timedelta(minutes=i))
    peu = _mesurer(client)[0], _mesurer(client, **filtres)[0]
    for i in range(3, 150):
        if i < 110:
            _ligne(p.alice, jeanne, DEBUT + datetime.timedelta(minutes=i))
        else:
            _ligne(agents[i % len(agents)], AssureFactory(), DEBUT + datetime.timedelta(minutes=i))
    beaucoup_tout, contenu = _mesurer(client)
    assert "150 consultations — page 1 sur 3" in contenu and _lignes_affichees(contenu) == 50
    beaucoup_filtre, contenu = _mesurer(client, **filtres, page=2)
    assert "109 consultations — page 2 sur 3" in contenu and _lignes_affichees(contenu) == 50
    assert (beaucoup_tout, beaucoup_filtre) == peu
