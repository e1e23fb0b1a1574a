import logging
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django_tasks import task

from parcours.organisation import actions
from parcours.organisation.enums import TypeEvenementCompte
from parcours.organisation.models import Agent, EvenementCompte

logger = logging.getLogger(__name__)


class ConnexionForm(AuthenticationForm):
    """The login form, labelled as agents know their identifiers."""

    username = forms.CharField(
        label="Matricule",
        max_length=30,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "fr-input"}
        ),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "fr-input"}),
    )
    error_messages = {
        "invalid_login": "Matricule ou mot de passe incorrect. Vérifiez votre saisie et réessayez.",
        "inactive": "Ce compte est désactivé. Adressez-vous à votre administrateur.",
    }


class FiltreLieuxForm(forms.Form):
    departement = forms.ChoiceField(label="Département", required=False)
    unite = forms.ChoiceField(label="Unité", required=False)

    def __init__(self, *args, departements=(), unites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.nom}") for d in departements
        ]
        self.fields["unite"].choices = [("", "Toutes")] + [(str(u.pk), u.nom) for u in unites]


ORIGINE_MOT_DE_PASSE_OUBLIE = "demande « mot de passe oublié »"
# At most one link per account in this time, however often it is asked for (the agent's mailbox
# is not to be flooded by whoever knows their matricule).
DELAI_ENTRE_DEUX_LIENS = timedelta(minutes=5)


def comptes_a_prevenir(identifiant: str) -> list[int]:
    """The active accounts with an address that `identifiant` names (a matricule, or the
    address of one or more accounts): one query, whatever is typed."""
    identifiant = identifiant.strip()
    if "@" in identifiant:
        comptes = Agent.objects.filter(email__iexact=identifiant)
    else:
        comptes = Agent.objects.filter(matricule__iexact=identifiant)
    return list(
        comptes.filter(is_active=True).exclude(email="").order_by("pk").values_list("pk", flat=True)
    )


def envoyer_liens_mot_de_passe_oublie(ids: list[int], base: str) -> None:
    """E-mail a link to choose a new password to these accounts, the activation link of
    organisation.actions: it serves once, expires, and the sending is in the accounts' journal,
    « fait par » the account itself (nobody else receives the link).

    Nothing is said back: an unknown identifier, a deactivated account, an account without an
    address or one that has just received a link get nothing, and the requester cannot tell.
    An account locked after failed logins gets its link: only its owner reads it. Errors are
    logged without the identifier."""
    recemment = timezone.now() - DELAI_ENTRE_DEUX_LIENS
    for agent in Agent.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk"):
        if EvenementCompte.objects.filter(
            agent=agent, type=TypeEvenementCompte.LIEN_ENVOYE, date__gte=recemment
        ).exists():
            continue
        try:
            actions.envoyer_lien_activation(
                agent, acting_user=agent, base=base, origine=ORIGINE_MOT_DE_PASSE_OUBLIE
            )
        except Exception:
            logger.exception("un lien « mot de passe oublié » n'a pas pu partir")


@task()
def envoyer_liens(ids: list[int], base: str) -> None:
    """The task (parcours.travaux): it holds internal ids only, never what was typed."""
    envoyer_liens_mot_de_passe_oublie(ids, base)


class MotDePasseOublieForm(forms.Form):
    """The request for a new password: a matricule or an e-mail address. Whatever is typed, the
    answer is the same page: one query finds the accounts, one task is queued (with no account,
    an empty one), and the links leave from the worker — the answer takes as long whether an
    account exists or not."""

    identifiant = forms.CharField(
        label="Matricule ou adresse électronique",
        max_length=254,
        help_text="Celui avec lequel vous vous connectez, ou l'adresse électronique de votre "
        "compte.",
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "fr-input"}
        ),
    )

    def save(self, *, request, **options) -> None:
        """Called by Django's PasswordResetView (its e-mail options are not used: the message
        is the product's, organisation.actions.envoyer_lien_activation)."""
        envoyer_liens.enqueue(
            comptes_a_prevenir(self.cleaned_data["identifiant"]), request.build_absolute_uri("/")
        )
