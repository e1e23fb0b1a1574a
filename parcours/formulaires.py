"""Forms rendered in the State design system (DSFR) everywhere, with no per-form markup.

`RenduDsfr` is the project's form renderer: `{{ form }}` and `{{ form.champ.as_field_group }}`
produce DSFR groups (label, hint, error text). `FormulaireDsfr` adds the DSFR classes to widgets.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from parcours.lib.telephone import TelephoneInvalide, normaliser_telephone


class RenduDsfr(TemplatesSetting):
    form_template_name = "parcours/formulaire.html"
    field_template_name = "parcours/champ.html"


_CLASSES = {
    "select": "fr-select",
    "selectmultiple": "fr-select",
    "nullbooleanselect": "fr-select",
    "checkbox": "",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "fr-upload",
    "file": "fr-upload",
}


def appliquer_classes_dsfr(form: forms.BaseForm) -> None:
    for champ in form.visible_fields():
        classe = _CLASSES.get(champ.widget_type, "fr-input")
        if classe:
            attrs = champ.field.widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} {classe}".strip()


VIDE = "— choisir —"


def sans_tirets(form: forms.BaseForm) -> None:
    """Django's empty choice « --------- » means nothing to a user: « — choisir — »."""
    for champ in form.fields.values():
        if isinstance(champ, forms.ModelChoiceField) and champ.empty_label == "---------":
            champ.empty_label = VIDE
        elif isinstance(champ, forms.ChoiceField) and not isinstance(champ, forms.ModelChoiceField):
            choix = list(champ.choices)
            if any(valeur == "" and libelle == "---------" for valeur, libelle in choix):
                champ.choices = [
                    (valeur, VIDE if (valeur, libelle) == ("", "---------") else libelle)
                    for valeur, libelle in choix
                ]


class FormulaireDsfr(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sans_tirets(self)
        appliquer_classes_dsfr(self)


class FormulaireModeleDsfr(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sans_tirets(self)
        appliquer_classes_dsfr(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def reporter_erreurs(form: forms.BaseForm, erreur: ValidationError) -> None:
    """Show a business rule's refusal on the form: per field where it names one, else on top."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            for e in liste:
                form.add_error(champ if champ in form.fields else None, e.message)
    else:
        for message in erreur.messages:
            form.add_error(None, message)


def rafraichir_version(form: forms.BaseForm, version: int) -> None:
    """After a conflict, the form carries the current version: the person who was told can
    compare, then save their input deliberately."""
    donnees = form.data.copy()
    donnees[form.add_prefix("version")] = str(version)
    form.data = donnees


class TelephoneField(forms.CharField):
    """A phone number, stored in E.164 (parcours.lib.telephone)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Téléphone")
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", "par exemple 06 12 34 56 78")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.input_type = "tel"

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return normaliser_telephone(value)
        except TelephoneInvalide as erreur:
            raise forms.ValidationError(str(erreur)) from None


# The largest primary key a database holds (a 64-bit integer): beyond it, SQLite's driver
# raises instead of answering « not found ».
PLUS_GRANDE_CLE = 2**63 - 1


def _cle_possible(valeur) -> bool:
    texte = str(valeur).strip()
    return not texte.lstrip("-").isdigit() or abs(int(texte)) <= PLUS_GRANDE_CLE


class ChoixModele(forms.ModelChoiceField):
    """A choice among records, where an absurd number is a wrong choice, not a server error."""

    def to_python(self, value):
        if value not in self.empty_values and not _cle_possible(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoixModeles(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if any(not _cle_possible(v) for v in value or ()):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": next(v for v in value if not _cle_possible(v))},
            )
        return super()._check_values(value)
