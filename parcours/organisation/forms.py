from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
