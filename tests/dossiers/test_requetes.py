"""Query counts of the dossiers pages: a list page makes the same number of queries for 2 rows
as for 22 (no query per row). Each test counts the queries of one page, adds rows, counts again."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.dossiers import perms
from parcours.dossiers.enums import (
    IssueAccompagnement,
    ModeEntretien,
    PartieDossier,
    SourceSignalement,
    StatutSignalement,
)
from parcours.dossiers.models import Assure, Entretien, Orientation, Signalement
from parcours.dossiers.perms import assures_visible_to
from parcours.dossiers.recherche import rechercher
from parcours.organisation.enums import Role
from tests.dossiers.factories import (
    AccompagnementFactory,
    ActionFactory,
    AssureFactory,
    EntretienFactory,
    ObjectifFactory,
    SignalementFactory,
    mission,
)
from tests.factories import AgentFactory, LieuAccueilFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

PEU = 2
BEAUCOUP = 20
DEBUT = date(2024, 1, 8)
PRENOMS = ("Claire", "Karim", "Élodie", "Mathieu", "Inès", "Loïc", "Nadia", "Thierry", "Zoé")
MISSIONS = ("PDP", "PARCOURS_SANTE", "RETOUR_DOMICILE", "PASSAGE_RETRAITE")
SOURCES = tuple(SourceSignalement.values)
STATUTS = tuple(StatutSignalement.values)
MODES = tuple(ModeEntretien.values)
ISSUES = tuple(IssueAccompagnement.values)


def _jour(n: int) -> date:
    return DEBUT + timedelta(days=n)


def _mesurer(client, url: str, donnees: dict | None = None) -> tuple[int, str]:
    """The number of queries of one GET (or POST with `donnees`) and the page it returned."""
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url) if donnees is None else client.post(url, donnees)
    assert reponse.status_code == 200
    return len(requetes), reponse.content.decode()


def _liens(contenu: str, nom_url: str, objets) -> int:
    """How many of `objets` the page links to."""
    return sum(f'href="{reverse(nom_url, args=[o.pk])}"' in contenu for o in objets)


@pytest.fixture
def personas():
    return creer_personas()


@pytest.fixture
def diane(personas):
    """A second social worker of Montauban, who shares some of her accompaniments with Alice."""
    return AgentFactory(matricule="diane", prenom="Diane", role=Role.ASS, unite=personas.unite)


@pytest.fixture
def lieu(personas):
    return LieuAccueilFactory(code="LA-MTB", nom="Agence de Montauban", unite=personas.unite)


# Signalements ---------------------------------------------------------------------------------


def _signalements(personas, debut: int, nombre: int, *, emetteur, unites) -> None:
    for i in range(debut, debut + nombre):
        unite = unites[i % len(unites)]
        SignalementFactory(
            assure=AssureFactory(nom="Martin", prenom=PRENOMS[i % len(PRENOMS)]),
            date=_jour(i),
            source=SOURCES[i % len(SOURCES)],
            motif="Arrêt de travail de plus de 90 jours",
            mission=mission(MISSIONS[i % len(MISSIONS)]) if i % 3 else None,
            unite=unite,
            agent=personas.alice if unite == personas.unite and i % 2 else None,
            emetteur=emetteur,
            statut=STATUTS[i % len(STATUTS)],
        )


def test_signalements_of_the_unit_query_count_does_not_grow(client, personas):
    client.force_login(personas.chloe)
    url = reverse("dossiers:signalements") + "?statut=tous"
    _signalements(personas, 0, PEU, emetteur=personas.bastien, unites=[personas.unite])
    peu, _ = _mesurer(client, url)
    _signalements(personas, PEU, BEAUCOUP, emetteur=personas.pierre, unites=[personas.unite])
    beaucoup, contenu = _mesurer(client, url)
    assert _liens(contenu, "dossiers:signalement", Signalement.objects.all()) == PEU + BEAUCOUP
    assert beaucoup == peu


def test_signalements_of_a_partner_query_count_does_not_grow(client, personas):
    client.force_login(personas.pierre)
    url = reverse("dossiers:signalements") + "?statut=tous"
    unites = [personas.unite, personas.autre_unite, None]
    _signalements(personas, 0, PEU, emetteur=personas.pierre, unites=unites)
    peu, _ = _mesurer(client, url)
    _signalements(personas, PEU, BEAUCOUP, emetteur=personas.pierre, unites=unites)
    beaucoup, contenu = _mesurer(client, url)
    assert _liens(contenu, "dossiers:signalement", Signalement.objects.all()) == PEU + BEAUCOUP
    assert beaucoup == peu


# Caseload -------------------------------------------------------------------------------------


def _accompagnements(personas, diane, debut: int, nombre: int) -> None:
    """Alice's accompaniments and Diane's, half of them shared with Alice; some closed, each
    with an interview and an overdue action."""
    for i in range(debut, debut + nombre):
        referent = personas.alice if i % 2 else diane
        clos = i % 4 == 3
        acc = AccompagnementFactory(
            assure=AssureFactory(nom="Durand", prenom=PRENOMS[i % len(PRENOMS)]),
            mission=mission(MISSIONS[i % len(MISSIONS)]),
            date_debut=_jour(i),
            date_fin=_jour(i + 60) if clos else None,
            issue=ISSUES[i % len(ISSUES)] if clos else "",
            referent=referent,
        )
        if referent == diane:
            acc.partage_avec.add(personas.alice)
        EntretienFactory(accompagnement=acc, date=_jour(i + 7), mode=MODES[i % len(MODES)])
        ActionFactory(accompagnement=acc, echeance=_jour(i + 30))


def _ouverts(nombre: int) -> int:
    """How many of the first `nombre` accompaniments of `_accompagnements` are still open."""
    return sum(1 for i in range(nombre) if i % 4 != 3)


def test_caseload_of_a_social_worker_query_count_does_not_grow(client, personas, diane):
    client.force_login(personas.alice)
    url = reverse("dossiers:mes_accompagnements") + "?statut=tous"
    _accompagnements(personas, diane, 0, PEU)
    peu, _ = _mesurer(client, url)
    _accompagnements(personas, diane, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url)
    # Every open one has its overdue action; a closed one has none late any more (issue 12,
    # defect 10: the badge stayed after closing).
    assert contenu.count("action en retard") == _ouverts(PEU + BEAUCOUP)
    assert beaucoup == peu


def test_caseload_of_the_unit_manager_query_count_does_not_grow(client, personas, diane):
    client.force_login(personas.chloe)
    url = reverse("dossiers:mes_accompagnements") + "?statut=tous"
    _accompagnements(personas, diane, 0, PEU)
    peu, _ = _mesurer(client, url)
    _accompagnements(personas, diane, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url)
    # Every open one has its overdue action; a closed one has none late any more (issue 12,
    # defect 10: the badge stayed after closing).
    assert contenu.count("action en retard") == _ouverts(PEU + BEAUCOUP)
    assert beaucoup == peu


def test_caseload_of_open_accompaniments_query_count_does_not_grow(client, personas, diane):
    client.force_login(personas.alice)
    url = reverse("dossiers:mes_accompagnements")
    _accompagnements(personas, diane, 0, PEU)
    peu, _ = _mesurer(client, url)
    _accompagnements(personas, diane, PEU, BEAUCOUP)
    beaucoup, _ = _mesurer(client, url)
    assert beaucoup == peu


# Search ---------------------------------------------------------------------------------------


def _homonymes(personas, lieu, debut: int, nombre: int) -> None:
    """Persons named Lefèvre, visible to Montauban by a signalement, an accompaniment or an
    interview (an intervention ponctuelle)."""
    for i in range(debut, debut + nombre):
        assure = AssureFactory(nom="Lefèvre", prenom=PRENOMS[i % len(PRENOMS)])
        if i % 3 == 0:
            SignalementFactory(assure=assure, unite=personas.unite, date=_jour(i))
        elif i % 3 == 1:
            AccompagnementFactory(assure=assure, referent=personas.alice, date_debut=_jour(i))
        else:
            EntretienFactory(
                assure=assure,
                accompagnement=None,
                date=_jour(i),
                agent=personas.alice,
                unite=personas.unite,
                mode=ModeEntretien.LIEU_ACCUEIL,
                lieu_accueil=lieu,
            )


def test_search_query_count_does_not_grow(client, personas, lieu):
    client.force_login(personas.alice)
    url = reverse("dossiers:recherche")
    _homonymes(personas, lieu, 0, PEU)
    peu, contenu = _mesurer(client, url, {"q": "lefe"})
    assert f"{PEU} personnes" in contenu
    _homonymes(personas, lieu, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url, {"q": "lefe"})
    assert f"{PEU + BEAUCOUP} personnes" in contenu
    assert beaucoup == peu


# Access log -----------------------------------------------------------------------------------


def _consultations(personas, debut: int, nombre: int) -> None:
    agents = (personas.alice, personas.bastien, personas.chloe)
    parties = tuple(PartieDossier.values)
    for i in range(debut, debut + nombre):
        assure = AssureFactory(nom="Garcia", prenom=PRENOMS[i % len(PRENOMS)])
        SignalementFactory(assure=assure, unite=personas.unite, date=_jour(i))
        perms.journaliser(agents[i % len(agents)], assure, parties[i % len(parties)])


def test_access_log_query_count_does_not_grow(client, personas):
    client.force_login(personas.chloe)
    url = reverse("dossiers:journal")
    _consultations(personas, 0, PEU)
    peu, contenu = _mesurer(client, url)
    assert contenu.count("Garcia") == PEU
    _consultations(personas, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url)
    assert contenu.count("Garcia") == PEU + BEAUCOUP
    assert beaucoup == peu


# Dossier page ---------------------------------------------------------------------------------


@pytest.fixture
def claire(personas):
    """Claire Durand, known to Montauban by a signalement."""
    assure = AssureFactory(nom="Durand", prenom="Claire")
    SignalementFactory(assure=assure, unite=personas.unite, date=_jour(0))
    return assure


def _parcours(personas, diane, lieu, assure, debut: int, nombre: int) -> None:
    """Everything that happens to one person: accompaniments in both units (some closed, some
    shared), their interviews, interventions ponctuelles, signalements, orientations."""
    referents = (personas.alice, diane, personas.octave)
    for i in range(debut, debut + nombre):
        referent = referents[i % len(referents)]
        clos = i % 2 == 0
        acc = AccompagnementFactory(
            assure=assure,
            mission=mission(MISSIONS[i % len(MISSIONS)]),
            date_debut=_jour(10 * i),
            date_fin=_jour(10 * i + 5) if clos else None,
            issue=ISSUES[i % len(ISSUES)] if clos else "",
            referent=referent,
        )
        if referent == diane:
            acc.partage_avec.add(personas.alice, personas.chloe)
        EntretienFactory(
            accompagnement=acc,
            date=_jour(10 * i + 1),
            mode=ModeEntretien.LIEU_ACCUEIL,
            lieu_accueil=lieu,
            duree_minutes=45,
            second_agent=personas.chloe,
            annule=i % 5 == 0,
        )
        EntretienFactory(
            accompagnement=None,
            assure=assure,
            date=_jour(10 * i + 2),
            agent=referent,
            unite=referent.unite,
            mode=MODES[i % len(MODES)],
        )
        SignalementFactory(
            assure=assure,
            date=_jour(10 * i + 3),
            source=SOURCES[i % len(SOURCES)],
            mission=mission(MISSIONS[i % len(MISSIONS)]),
            unite=referent.unite,
            agent=personas.alice if i % 2 else None,
            emetteur=personas.pierre,
            statut=STATUTS[i % len(STATUTS)],
        )
        Orientation.objects.create(
            assure=assure,
            accompagnement=acc if i % 2 else None,
            date=_jour(10 * i + 4),
            partenaire="CPAM — Mission accompagnement santé",
            motif="Ouverture des droits à la complémentaire santé solidaire",
            auteur=referent,
        )


def test_dossier_query_count_does_not_grow(client, personas, diane, lieu, claire):
    client.force_login(personas.alice)
    url = reverse("dossiers:dossier", args=[claire.pk])
    _parcours(personas, diane, lieu, claire, 0, PEU)
    peu, _ = _mesurer(client, url)
    _parcours(personas, diane, lieu, claire, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url)
    assert contenu.count("Intervention ponctuelle") >= PEU + BEAUCOUP
    assert beaucoup == peu


def test_dossier_for_the_unit_manager_query_count_does_not_grow(
    client, personas, diane, lieu, claire
):
    client.force_login(personas.chloe)
    url = reverse("dossiers:dossier", args=[claire.pk])
    _parcours(personas, diane, lieu, claire, 0, PEU)
    peu, _ = _mesurer(client, url)
    _parcours(personas, diane, lieu, claire, PEU, BEAUCOUP)
    beaucoup, _ = _mesurer(client, url)
    assert beaucoup == peu


# Accompaniment page ---------------------------------------------------------------------------


@pytest.fixture
def accompagnement(personas, claire):
    return AccompagnementFactory(
        assure=claire, mission=mission("PDP"), date_debut=DEBUT, referent=personas.alice
    )


def _plan(personas, lieu, acc, debut: int, nombre: int) -> None:
    """Interviews (some in pairs, some cancelled), objectives with two actions each, actions
    without objective, orientations (some answered)."""
    for i in range(debut, debut + nombre):
        EntretienFactory(
            accompagnement=acc,
            date=_jour(i),
            mode=MODES[i % len(MODES)],
            lieu_accueil=lieu if MODES[i % len(MODES)] == ModeEntretien.LIEU_ACCUEIL else None,
            duree_minutes=30 + i,
            second_agent=personas.chloe if i % 2 else None,
            partenaire_present="médecin du travail" if i % 3 == 0 else "",
            annule=i % 7 == 6,
        )
        objectif = ObjectifFactory(
            accompagnement=acc, libelle=f"Objectif n° {i}", atteint=bool(i % 2)
        )
        ActionFactory(
            accompagnement=acc,
            objectif=objectif,
            libelle="Contacter le médecin du travail",
            partenaire="Service de prévention et de santé au travail",
            echeance=_jour(i + 30),
        )
        ActionFactory(
            accompagnement=acc, objectif=objectif, libelle="Demander une visite de pré-reprise"
        )
        ActionFactory(accompagnement=acc, libelle="Constituer le dossier RQTH", faite=bool(i % 2))
        Orientation.objects.create(
            assure=acc.assure,
            accompagnement=acc,
            date=_jour(i),
            partenaire="France Travail",
            motif="Bilan de compétences",
            reponse="Rendez-vous fixé" if i % 2 else "",
            date_reponse=_jour(i + 3) if i % 2 else None,
            auteur=personas.alice,
        )


@pytest.mark.parametrize("persona", ["alice", "chloe", "diane"])
def test_accompaniment_query_count_does_not_grow(
    client, personas, diane, lieu, accompagnement, persona
):
    # Alice is the referent, Chloé manages the unit, Diane only reads.
    client.force_login(diane if persona == "diane" else getattr(personas, persona))
    url = reverse("dossiers:accompagnement", args=[accompagnement.pk])
    _plan(personas, lieu, accompagnement, 0, PEU)
    peu, _ = _mesurer(client, url)
    _plan(personas, lieu, accompagnement, PEU, BEAUCOUP)
    beaucoup, contenu = _mesurer(client, url)
    assert contenu.count("Objectif n° ") >= PEU + BEAUCOUP
    assert contenu.count("Constituer le dossier RQTH") == PEU + BEAUCOUP
    assert Entretien.objects.filter(accompagnement=accompagnement).count() == PEU + BEAUCOUP
    assert beaucoup == peu


@pytest.mark.parametrize(
    "texte",
    ["Bénézech Séverine", "Séverine Bénézech", "sev bené", "BENEZ", "Bénézech S"],
)
def test_search_finds_a_name_whatever_the_order_of_its_words(client, personas, lieu, texte):
    """Issue 12, defect 16: « Séverine Bénézech » (first name first) found nothing."""
    client.force_login(personas.alice)
    severine = AssureFactory(nom="Bénézech", prenom="Séverine")
    AccompagnementFactory(assure=severine, unite=personas.unite, referent=personas.alice)
    AssureFactory(nom="Séverin", prenom="Marc")
    trouves = rechercher(assures_visible_to(personas.alice), texte)
    assert [a.nom for a in trouves] == ["Bénézech"]


def test_search_by_two_words_needs_both(personas):
    AssureFactory(nom="Bénézech", prenom="Séverine")
    assert not rechercher(Assure.objects.all(), "Séverine Martin").exists()
    assert not rechercher(Assure.objects.all(), "Martin Bénézech").exists()
