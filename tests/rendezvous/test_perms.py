"""Least privilege on the agendas' pages (DESIGN §1): every page of urls_agendas × every role,
the outsiders of another unit or Carsat, and no page left out of the matrix."""

from datetime import timedelta

import pytest
from django.urls import reverse

from parcours.organisation.enums import Role
from parcours.rendezvous import urls_agendas
from tests.factories import AgentFactory
from tests.rendezvous.test_agendas import PAQUES, PASSEE, a, creer_monde, rdv

pytestmark = pytest.mark.django_db

OK, REFUS, INCONNU = 200, 403, 404
ROLES = [Role.ASS, Role.CSAM, Role.CADRE, Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN]


@pytest.fixture
def monde():
    m = creer_monde()
    # Alice's appointment gone by (to mark) and to come (to cancel), at Montauban.
    m.passe = rdv(m.p.alice, a(PASSEE, 9), lieu=m.lieu, assure=m.personne)
    m.futur = rdv(m.p.alice, a(PAQUES + timedelta(days=1), 9), lieu=m.lieu, assure=m.personne)
    return m


def _urls(m) -> dict[str, str]:
    jour = f"?jour={PASSEE.isoformat()}"
    return {
        "semaine": reverse("rendezvous:semaine"),
        "semaine_d_alice": reverse("rendezvous:semaine") + f"?agent={m.p.alice.pk}",
        "constat": reverse("rendezvous:constat", args=[m.passe.pk]),
        "annuler": reverse("rendezvous:annuler", args=[m.futur.pk]),
        "feuilles": reverse("rendezvous:feuilles"),
        "feuille": reverse("rendezvous:feuille", args=[m.lieu.pk]) + jour,
        "feuille_d_une_autre_unite": reverse("rendezvous:feuille", args=[m.lieu_castel.pk]) + jour,
        "feuille_d_une_autre_carsat": reverse("rendezvous:feuille", args=[m.lieu_ailleurs.pk])
        + jour,
        "feuille_pdf": reverse("rendezvous:feuille_pdf", args=[m.lieu.pk]) + jour,
        "occupation": reverse("rendezvous:occupation"),
    }


# What each role gets on each page (GET); out of scope, an object answers 404, never a hint.
MATRICE = {
    #                        ass      csam     cadre    pilotage partenaire admin
    "semaine": (OK, OK, OK, REFUS, REFUS, REFUS),
    # Alice's week: hers, her manager's; unknown to a colleague.
    "semaine_d_alice": (OK, INCONNU, OK, REFUS, REFUS, REFUS),
    # Alice's appointment gone by: she marks it; her manager sees it but does not mark it (the
    # interview would be the manager's); unknown to the CSAM.
    "constat": (OK, INCONNU, REFUS, REFUS, REFUS, REFUS),
    # Alice's appointment to come: she or her manager cancels it.
    "annuler": (OK, INCONNU, OK, REFUS, REFUS, REFUS),
    "feuilles": (OK, OK, OK, REFUS, REFUS, REFUS),
    "feuille": (OK, OK, OK, REFUS, REFUS, REFUS),
    # Another unit of the Carsat: its permanence may be held by Montauban's staff.
    "feuille_d_une_autre_unite": (OK, OK, OK, REFUS, REFUS, REFUS),
    "feuille_d_une_autre_carsat": (INCONNU, INCONNU, INCONNU, REFUS, REFUS, REFUS),
    "feuille_pdf": (OK, OK, OK, REFUS, REFUS, REFUS),
    "occupation": (REFUS, REFUS, OK, REFUS, REFUS, REFUS),
}
# The URL name each line of the matrix covers.
NOMS = {
    "semaine": "semaine",
    "semaine_d_alice": "semaine",
    "constat": "constat",
    "annuler": "annuler",
    "feuilles": "feuilles",
    "feuille": "feuille",
    "feuille_d_une_autre_unite": "feuille",
    "feuille_d_une_autre_carsat": "feuille",
    "feuille_pdf": "feuille_pdf",
    "occupation": "occupation",
}


@pytest.mark.parametrize("page", MATRICE)
def test_permission_matrix(client, monde, page):
    url = _urls(monde)[page]
    for role, attendu in zip(ROLES, MATRICE[page], strict=True):
        client.force_login(monde.p.par_role()[role])
        assert client.get(url).status_code == attendu, (page, role)


def test_every_agendas_page_is_in_the_matrix():
    """A new page of urls_agendas must be added to the matrix above."""
    assert {u.name for u in urls_agendas.urlpatterns} == set(NOMS.values())
    assert set(NOMS) == set(MATRICE)


def test_outsiders_from_another_unit_or_carsat_get_nothing(client, monde):
    p = monde.p
    urls = _urls(monde)
    client.force_login(p.octave)  # a social worker of Castelsarrasin
    for page in ("semaine_d_alice", "constat", "annuler"):
        assert client.get(urls[page]).status_code == 404, page
        assert client.post(urls[page], {"statut": "ABSENT", "par": "service"}).status_code in (
            404,
            405,
        ), page
    assert client.get(urls["occupation"]).status_code == 403
    ailleurs = creer_cadre_ailleurs(monde)
    client.force_login(ailleurs)
    for page in ("semaine_d_alice", "constat", "annuler", "feuille", "feuille_pdf"):
        assert client.get(urls[page]).status_code == 404, page
    contenu = client.get(reverse("rendezvous:occupation")).content.decode()
    assert "Agence de Montauban" not in contenu and p.alice.get_full_name() not in contenu
    monde.passe.refresh_from_db()
    monde.futur.refresh_from_db()
    assert monde.passe.statut == monde.futur.statut == "PREVU"


def creer_cadre_ailleurs(monde):
    return AgentFactory(
        matricule="cadre-ailleurs", role=Role.CADRE, unite=monde.lieu_ailleurs.unite
    )


def test_writes_are_refused_to_those_who_may_not(client, monde):
    p = monde.p
    client.force_login(p.chloe)  # sees Alice's appointment, does not mark it
    constat = reverse("rendezvous:constat", args=[monde.passe.pk])
    assert client.post(constat, {"statut": "ABSENT"}).status_code == 403
    for role in (Role.PILOTAGE, Role.PARTENAIRE, Role.ADMIN):
        client.force_login(p.par_role()[role])
        assert client.post(constat, {"statut": "ABSENT"}).status_code == 403
        annuler = reverse("rendezvous:annuler", args=[monde.futur.pk])
        assert client.post(annuler, {"par": "service"}).status_code == 403
    monde.passe.refresh_from_db()
    monde.futur.refresh_from_db()
    assert monde.passe.statut == monde.futur.statut == "PREVU"


def test_a_joint_appointment_s_second_agent_marks_it(client, monde):
    commun = rdv(
        monde.diane,
        a(PASSEE, 14),
        lieu=monde.lieu,
        assure=monde.personne,
        autres=(monde.p.alice,),
    )
    client.force_login(monde.p.alice)
    assert client.get(reverse("rendezvous:constat", args=[commun.pk])).status_code == 200


def test_the_pilotage_never_sees_a_name(client, monde):
    client.force_login(monde.p.paula)
    for url in _urls(monde).values():
        assert "Vialaret" not in client.get(url).content.decode(), url
