"""Operations on accounts (DESIGN §1).

An administrator never sets nor knows another agent's password: a new account receives an
activation link by e-mail (one-time, expiring: Django's token generator) and its owner chooses
the password. The creation of an account that reads dossiers, and every change of its role or
unit, goes to the accounts' audit trail (`EvenementCompte`), which the organisme's managers read.
An administrator cannot change their own role.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parcours.messagerie.envois import envoyer
from parcours.messagerie.models import Canal
from parcours.organisation.enums import ROLES_DOSSIERS, Role, TypeEvenementCompte
from parcours.organisation.models import Agent, EvenementCompte, Unite

ORIGINE_ADMINISTRATION = "écrans d'administration"


class GenerateurActivation(PasswordResetTokenGenerator):
    """Activation and reset links: valid once (the token hashes the password, which changes
    when it is chosen) and for `PASSWORD_RESET_TIMEOUT` seconds."""

    key_salt = "parcours.organisation.activation"


jeton_activation = GenerateurActivation()


class RegleCompte(ValidationError):
    """A rule on accounts refused the operation; the message is for the user."""


def _libelle(role: str | None, unite_id: int | None, noms: dict[int, str]) -> str:
    if role is None:
        return ""
    texte = Role(role).label if role in Role.values else role
    if unite_id is not None:
        texte += f" — {noms.get(unite_id, unite_id)}"
    return texte[:200]


def evenements_de_changement(
    *,
    agent_id: int,
    organisme_id: int | None,
    avant: tuple[str, int | None] | None,
    apres: tuple[str, int | None],
    auteur_id: int | None,
    origine: str,
    noms: dict[int, str] | None = None,
) -> list[EvenementCompte]:
    """The audit lines for an account created (`avant` None) or changed: (role, unit) pairs.

    Only accounts that read dossiers, or stop or start reading them, are audited: that is what
    an administrator could abuse. `noms` (unit id → name) spares a query per account when many
    are audited at once."""
    role_apres, unite_apres = apres
    role_avant, unite_avant = avant or (None, None)
    lit_avant, lit_apres = role_avant in ROLES_DOSSIERS, role_apres in ROLES_DOSSIERS
    if noms is None:
        noms = noms_des_unites({unite_avant, unite_apres})
    commun = {"agent_id": agent_id, "organisme_id": organisme_id, "auteur_id": auteur_id}
    commun["origine"] = origine[:100]
    evenements = []
    if avant is None:
        if lit_apres:
            evenements.append(
                EvenementCompte(
                    type=TypeEvenementCompte.CREATION,
                    apres=_libelle(role_apres, unite_apres, noms),
                    **commun,
                )
            )
        return evenements
    if role_avant != role_apres and (lit_avant or lit_apres):
        evenements.append(
            EvenementCompte(
                type=TypeEvenementCompte.ROLE,
                avant=_libelle(role_avant, unite_avant, noms),
                apres=_libelle(role_apres, unite_apres, noms),
                **commun,
            )
        )
    elif unite_avant != unite_apres and lit_apres:
        evenements.append(
            EvenementCompte(
                type=TypeEvenementCompte.UNITE,
                avant=_libelle(role_avant, unite_avant, noms),
                apres=_libelle(role_apres, unite_apres, noms),
                **commun,
            )
        )
    return evenements


def noms_des_unites(ids: Iterable[int | None]) -> dict[int, str]:
    return dict(Unite.objects.filter(pk__in={u for u in ids if u}).values_list("pk", "nom"))


def journaliser_evenements(evenements: Iterable[EvenementCompte]) -> None:
    EvenementCompte.objects.bulk_create(list(evenements))


def _journaliser(agent: Agent, type_: str, *, acting_user: Agent | None, origine: str) -> None:
    EvenementCompte.objects.create(
        type=type_,
        agent=agent,
        organisme_id=agent.organisme_id,
        auteur=acting_user,
        origine=origine[:100],
    )


def lien_activation(agent: Agent, base: str) -> str:
    """The absolute activation link of an account; `base` is the site's address."""
    chemin = reverse(
        "activation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(agent.pk)),
            "token": jeton_activation.make_token(agent),
        },
    )
    return base.rstrip("/") + chemin


@transaction.atomic
def envoyer_lien_activation(
    agent: Agent, *, acting_user: Agent | None, base: str, origine: str = ORIGINE_ADMINISTRATION
) -> None:
    """E-mail the account's owner a link to choose their password (first time or reset)."""
    if not agent.email:
        raise RegleCompte(
            {"email": "l'agent n'a pas d'adresse électronique : renseignez-la pour l'envoi"}
        )
    if not agent.is_active:
        raise RegleCompte("le compte est désactivé : réactivez-le avant d'envoyer un lien")
    envoyer(
        canal=Canal.COURRIEL,
        modele="activation",
        adresse=agent.email,
        agent=agent,
        unite_id=agent.unite_id,
        contexte={
            "agent": {"prenom": agent.prenom, "nom": agent.nom, "matricule": agent.matricule},
            "lien": lien_activation(agent, base),
            "heures": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "premiere_fois": not agent.has_usable_password(),
        },
    )
    _journaliser(agent, TypeEvenementCompte.LIEN_ENVOYE, acting_user=acting_user, origine=origine)


@transaction.atomic
def creer_agent(agent: Agent, *, acting_user: Agent | None, base: str) -> Agent:
    """A new account, without a password: its owner receives the activation link."""
    agent.set_unusable_password()
    agent._history_user = acting_user
    agent.save()
    journaliser_evenements(
        evenements_de_changement(
            agent_id=agent.pk,
            organisme_id=agent.organisme_id,
            avant=None,
            apres=(agent.role, agent.unite_id),
            auteur_id=acting_user.pk if acting_user else None,
            origine=ORIGINE_ADMINISTRATION,
        )
    )
    if agent.email:
        envoyer_lien_activation(agent, acting_user=acting_user, base=base)
    return agent


@transaction.atomic
def modifier_agent(agent: Agent, *, acting_user: Agent | None) -> Agent:
    """Save an account changed on the administration screens (role, unit, state…)."""
    avant = Agent.objects.select_for_update().get(pk=agent.pk)
    if acting_user is not None and agent.pk == acting_user.pk:
        if (agent.role, agent.is_superuser) != (avant.role, avant.is_superuser):
            raise RegleCompte({"role": "vous ne pouvez pas changer votre propre rôle"})
        if not agent.is_active:
            raise RegleCompte({"is_active": "vous ne pouvez pas désactiver votre propre compte"})
    agent._history_user = acting_user
    agent.save()
    auteur_id = acting_user.pk if acting_user else None
    evenements = evenements_de_changement(
        agent_id=agent.pk,
        organisme_id=agent.organisme_id,
        avant=(avant.role, avant.unite_id),
        apres=(agent.role, agent.unite_id),
        auteur_id=auteur_id,
        origine=ORIGINE_ADMINISTRATION,
    )
    if avant.is_active != agent.is_active:
        type_ = (
            TypeEvenementCompte.REACTIVATION
            if agent.is_active
            else TypeEvenementCompte.DESACTIVATION
        )
        evenements.append(
            EvenementCompte(
                type=type_,
                agent_id=agent.pk,
                organisme_id=agent.organisme_id,
                auteur_id=auteur_id,
                origine=ORIGINE_ADMINISTRATION,
            )
        )
    journaliser_evenements(evenements)
    return agent


def enregistrer_activation(agent: Agent) -> None:
    """The owner chose their password from the link: audited (the author is the owner)."""
    _journaliser(agent, TypeEvenementCompte.ACTIVATION, acting_user=agent, origine="lien reçu")
