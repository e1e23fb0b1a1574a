"""Issue 10, point 4: the signalement form tells nobody who is behind a NIR. The sender sees
back what they typed; where it differs from the stored identity, the receiving unit checks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.dossiers.models import Assure, JournalAcces, Signalement
from tests.dossiers.factories import AccompagnementFactory, AssureFactory
from tests.factories import AgentFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

VRAI_NOM, VRAI_PRENOM = "Vialaret", "Jeanne"


@pytest.fixture
def p():
    return creer_personas()


@pytest.fixture
def connue(p):
    """A person followed by Montauban, living in Montauban."""
    assure = AssureFactory(
        nom=VRAI_NOM, prenom=VRAI_PRENOM, date_naissance=datetime.date(1970, 4, 2)
    )
    AccompagnementFactory(assure=assure, referent=p.alice)
    SecteurFactory(unite=p.unite).communes.add("82121")
    return assure


def _envoyer(client, nir: str, nom="Inventé", prenom="Personne", **champs):
    donnees = {
        "nir": nir,
        "nom": nom,
        "prenom": prenom,
        "date_naissance": "1980-01-01",
        "sexe": "F",
        "commune": "",
        "date": timezone.localdate().isoformat(),
        "source": "CPAM_MISAS",
        "motif": "Arrêt long",
    }
    donnees.update(champs)
    return client.post(reverse("dossiers:signalement_nouveau"), donnees, follow=True)


@pytest.mark.parametrize("qui", ["pierre", "octave", "bastien_autre"])
def test_the_sender_sees_what_they_typed_never_the_stored_identity(client, p, connue, qui):
    expediteur = {
        "pierre": p.pierre,
        "octave": p.octave,
        "bastien_autre": AgentFactory(matricule="csam2", role="csam", unite=p.autre_unite),
    }[qui]
    client.force_login(expediteur)
    reponse = _envoyer(client, connue.nir)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Personne Inventé" in contenu
    assert VRAI_NOM not in contenu and VRAI_PRENOM not in contenu
    # Nor where the person lives: the routing unit is not named to them.
    assert "Montauban" not in contenu
    liste = client.get(reverse("dossiers:signalements") + "?statut=tous").content.decode()
    assert "Personne Inventé" in liste and VRAI_NOM not in liste
    sig = Signalement.objects.get()
    assert sig.assure == connue and sig.identite_a_verifier
    # The stored identity is untouched.
    connue.refresh_from_db()
    assert (connue.nom, connue.prenom) == (VRAI_NOM, VRAI_PRENOM)


def test_the_receiving_unit_is_told_to_check_the_identity(client, p, connue):
    client.force_login(p.pierre)
    _envoyer(client, connue.nir)
    sig = Signalement.objects.get()
    assert sig.unite == p.unite
    client.force_login(p.chloe)
    contenu = client.get(reverse("dossiers:signalement", args=[sig.pk])).content.decode()
    assert "Identité à vérifier" in contenu
    assert "saisi « Inventé », au dossier « Vialaret »" in contenu
    assert f"{VRAI_PRENOM} {VRAI_NOM}" in contenu


def test_the_same_identity_is_not_flagged(client, p, connue):
    client.force_login(p.pierre)
    _envoyer(client, connue.nir, nom="VIALARET", prenom="jeanne", date_naissance="1970-04-02")
    assert not Signalement.objects.get().identite_a_verifier


def test_a_homonym_outside_the_senders_unit_is_not_revealed(client, p, connue):
    """Same name and birth date under another NIR: a partner is not told (the unit checks)."""
    client.force_login(p.pierre)
    autre_nir = AssureFactory.build().nir
    reponse = _envoyer(
        client, autre_nir, nom=VRAI_NOM, prenom=VRAI_PRENOM, date_naissance="1970-04-02"
    )
    contenu = reponse.content.decode()
    assert "Homonyme" not in contenu and "même date de naissance" not in contenu
    assert Assure.objects.count() == 2
    assert Signalement.objects.get().identite_a_verifier


def test_partner_reads_are_logged_for_the_receiving_unit(client, p, connue):
    client.force_login(p.pierre)
    avant = JournalAcces.objects.filter(agent=p.pierre).count()
    _envoyer(client, connue.nir)
    sig = Signalement.objects.get()
    # Sending opens the signalement's page; reading it again at once is the same consultation
    # (issue 12, defect 13: one line per consultation).
    client.get(reverse("dossiers:signalement", args=[sig.pk]))
    lignes = JournalAcces.objects.filter(agent=p.pierre)
    assert lignes.count() == avant + 1
    assert lignes.latest("pk").unite == p.unite
    # The unit's manager sees them in the access log.
    client.force_login(p.chloe)
    assert "Pierre" in client.get(reverse("dossiers:journal")).content.decode()
