from django import forms

from parcours.formulaires import FormulaireDsfr, appliquer_classes_dsfr
from parcours.lib.texte import LONGUEUR_PAGE, LONGUEUR_TEXTE
from parcours.statistiques.models import TexteRapport


class FiltreStatistiquesForm(FormulaireDsfr):
    annee = forms.TypedChoiceField(label="Année", coerce=int)
    departement = forms.ChoiceField(label="Département", required=False)
    unite = forms.ChoiceField(label="Unité", required=False)

    def __init__(self, *args, annees=(), departements=(), unites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.code} — {d.nom}") for d in departements
        ]
        self.fields["unite"].choices = [("", "Toutes les unités")] + [
            (str(u.pk), u.nom) for u in unites
        ]


class GenererRapportForm(FormulaireDsfr):
    annee = forms.TypedChoiceField(label="Année du rapport", coerce=int)

    def __init__(self, *args, annees=(), en_cours=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [
            (a, f"{a} (année en cours)" if a == en_cours else str(a)) for a in annees
        ]


class TextesRapportForm(FormulaireDsfr):
    """The editorial, one « zoom sur une action » per département, and the contact page."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    edito = forms.CharField(
        label="Éditorial",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=LONGUEUR_PAGE,
        help_text="Laissé vide, le rapport porte un éditorial générique.",
    )
    contact = forms.CharField(
        label="Page contact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONGUEUR_TEXTE,
        help_text="Numéro, adresses, horaires. Laissée vide : le 36 46 et le nom de l'organisme.",
    )

    def __init__(self, *args, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.departements = list(departements)
        for d in self.departements:
            self.fields[f"zoom_titre_{d.code}"] = forms.CharField(
                label=f"Zoom sur une action — {d.nom} ({d.code}) : titre",
                required=False,
                max_length=200,
            )
            self.fields[f"zoom_texte_{d.code}"] = forms.CharField(
                label=f"Zoom sur une action — {d.nom} ({d.code}) : texte",
                required=False,
                max_length=2500,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text="2 500 caractères au plus : le zoom tient sur une page.",
            )
        appliquer_classes_dsfr(self)

    @staticmethod
    def initial_de(textes: TexteRapport | None) -> dict:
        if textes is None:
            return {"version": 0}
        initial = {"version": textes.version, "edito": textes.edito, "contact": textes.contact}
        for z in textes.zooms.all():
            initial[f"zoom_titre_{z.departement_id}"] = z.titre
            initial[f"zoom_texte_{z.departement_id}"] = z.recit
        return initial
