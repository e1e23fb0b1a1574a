from django import forms

from parcours.formulaires import FormulaireDsfr


class CalculObservatoireForm(FormulaireDsfr):
    annee = forms.IntegerField(
        label="Année des données de fragilité",
        min_value=2000,
        max_value=2100,
        help_text="L'année que décrivent les effectifs importés (fragilite.csv).",
    )
    alpha = forms.DecimalField(
        label="Seuil de significativité (α)",
        min_value=0.001,
        max_value=0.2,
        decimal_places=3,
        initial=0.05,
        localize=True,
        error_messages={
            "max_value": "Le seuil α est au plus 0,2.",
            "min_value": "Le seuil α est au moins 0,001.",
        },
        help_text="Test binomial exact unilatéral ; 0,05 par défaut.",
    )
    reference = forms.ChoiceField(
        label="Taux de référence",
        choices=[
            ("territoire", "Territoire de l'organisme"),
            ("france", "France (toutes les données importées)"),
        ],
        initial="territoire",
    )


class ImplantationForm(FormulaireDsfr):
    nombre = forms.IntegerField(
        label="Nombre de lieux à ouvrir", min_value=1, max_value=10, initial=3
    )
    seuil = forms.IntegerField(
        label="Pseudo-cantons fragiles : au moins",
        min_value=1,
        max_value=5,
        initial=3,
        help_text="critères significatifs sur 5",
    )
    minutes = forms.IntegerField(
        label="Temps de trajet maximal (minutes)", min_value=5, max_value=60, initial=15
    )


class CarteForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année des entretiens de visu", coerce=int)

    def __init__(self, *args, annees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
