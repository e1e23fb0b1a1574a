"""Issue 10, point 5: an administrator never sets nor knows another agent's password; accounts
that read dossiers are audited; nobody changes their own role."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from parcours.organisation.enums import Role, TypeEvenementCompte
from parcours.organisation.models import Agent, EvenementCompte
from tests.factories import AgentFactory, OrganismeFactory, UniteFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "Un mot de passe bien à moi 42"


@pytest.fixture
def p():
    return creer_personas()


def _creer(client, p, **champs):
    donnees = {
        "matricule": "nouveau-cadre",
        "nom": "Nouveau",
        "prenom": "Cadre",
        "email": "nouveau.cadre@exemple.invalid",
        "role": Role.CADRE,
        "unite": p.unite.pk,
        "organisme": "",
        "structure": "",
    }
    donnees.update(champs)
    return client.post(reverse("admin:organisation_agent_add"), donnees)


def _lien(message) -> str:
    return re.search(r"https?://\S+/compte/activation/\S+/", message.body).group(0)


def test_the_creation_form_has_no_password_and_the_agent_gets_a_link(client, p):
    client.force_login(p.adele)
    formulaire = client.get(reverse("admin:organisation_agent_add")).content.decode()
    assert 'name="password1"' not in formulaire and 'type="password"' not in formulaire
    reponse = _creer(client, p)
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    agent = Agent.objects.get(matricule="nouveau-cadre")
    assert not agent.has_usable_password()
    assert agent.organisme == p.organisme
    (message,) = mail.outbox
    assert message.to == ["nouveau.cadre@exemple.invalid"]
    assert message.subject == "Parcours : activez votre compte"
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    lien = _lien(message)
    # The agent chooses their password from the link, once.
    client.logout()
    page = client.get(lien, follow=True)
    assert "Choisir votre mot de passe" in page.content.decode()
    formulaire = page.redirect_chain[-1][0]
    reponse = client.post(
        formulaire, {"new_password1": MOT_DE_PASSE, "new_password2": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(MOT_DE_PASSE)
    connexion = client.post(
        reverse("connexion"), {"username": "nouveau-cadre", "password": MOT_DE_PASSE}
    )
    assert connexion.status_code == 302 and connexion["Location"] == reverse("accueil")
    client.logout()
    # A second use of the link is refused.
    page = client.get(lien, follow=True).content.decode()
    assert "Lien invalide ou expiré" in page


def test_the_link_expires(client, p, settings):
    client.force_login(p.adele)
    _creer(client, p)
    lien = _lien(mail.outbox[0])
    client.logout()
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert "Lien invalide ou expiré" in client.get(lien, follow=True).content.decode()


def test_no_administrator_sets_or_sees_a_password(client, p):
    client.force_login(p.adele)
    url = reverse("admin:auth_user_password_change", args=[p.chloe.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"password1": MOT_DE_PASSE, "password2": MOT_DE_PASSE}).status_code == 403
    )
    page = client.get(reverse("admin:organisation_agent_change", args=[p.chloe.pk]))
    contenu = page.content.decode()
    # Neither the hash nor its algorithm's marker (« md5$ », « argon2$ »): random tokens of the
    # page may hold the letters « md5 » by chance (a CSRF token did, once).
    algorithme, _, reste = p.chloe.password.partition("$")
    assert p.chloe.password not in contenu and reste not in contenu
    assert f"{algorithme}$" not in contenu and "argon2" not in contenu
    assert "choisi par l&#x27;agent" in contenu or "choisi par l'agent" in contenu
    p.chloe.refresh_from_db()
    assert p.chloe.check_password("un-mot-de-passe-de-test")


def test_creation_and_role_changes_are_in_the_trail_managers_read(client, p):
    client.force_login(p.adele)
    _creer(client, p)
    agent = Agent.objects.get(matricule="nouveau-cadre")
    # Adèle moves Bastien (csam) to the manager's role: audited.
    donnees = {
        "matricule": "bastien",
        "nom": p.bastien.nom,
        "prenom": p.bastien.prenom,
        "email": p.bastien.email,
        "role": Role.CADRE,
        "unite": p.unite.pk,
        "organisme": p.organisme.pk,
        "structure": "",
        "is_active": "on",
    }
    reponse = client.post(reverse("admin:organisation_agent_change", args=[p.bastien.pk]), donnees)
    assert reponse.status_code == 302
    types = set(
        EvenementCompte.objects.values_list("agent__matricule", "type", "auteur__matricule")
    )
    assert types == {
        ("nouveau-cadre", TypeEvenementCompte.CREATION, "adele"),
        ("nouveau-cadre", TypeEvenementCompte.LIEN_ENVOYE, "adele"),
        ("bastien", TypeEvenementCompte.ROLE, "adele"),
    }
    # The organisme's managers read it; it cannot be changed.
    client.force_login(p.chloe)
    page = client.get(reverse("journal_comptes")).content.decode()
    assert "Changement de rôle" in page and "nouveau-cadre" in page
    client.force_login(
        AgentFactory(role=Role.CADRE, unite=UniteFactory(organisme=OrganismeFactory()))
    )
    assert "nouveau-cadre" not in client.get(reverse("journal_comptes")).content.decode()
    evenement = EvenementCompte.objects.first()
    with pytest.raises(RuntimeError):
        evenement.delete()
    with pytest.raises(RuntimeError):
        EvenementCompte.objects.update(avant="x")
    assert agent.pk


def test_an_administrator_cannot_change_their_own_role(client, p):
    client.force_login(p.adele)
    donnees = {
        "matricule": "adele",
        "nom": p.adele.nom,
        "prenom": p.adele.prenom,
        "email": p.adele.email,
        "role": Role.CADRE,
        "unite": p.unite.pk,
        "organisme": p.organisme.pk,
        "structure": "",
        "is_active": "on",
    }
    client.post(reverse("admin:organisation_agent_change", args=[p.adele.pk]), donnees)
    p.adele.refresh_from_db()
    assert (p.adele.role, p.adele.unite_id) == (Role.ADMIN, None)


def test_an_administrator_manages_only_their_organismes_accounts(client, p):
    ailleurs = AgentFactory(role=Role.ASS, unite=UniteFactory(organisme=OrganismeFactory()))
    client.force_login(p.adele)
    assert (
        client.get(reverse("admin:organisation_agent_change", args=[ailleurs.pk])).status_code
        == 302  # Django's admin sends to the list an object it does not find
    )
    liste = client.get(reverse("admin:organisation_agent_changelist")).content.decode()
    assert ailleurs.matricule not in liste
