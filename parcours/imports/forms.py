from django import forms

from parcours.imports.engine import REGISTRE


class TeleversementForm(forms.Form):
    type = forms.ChoiceField(label="Type de fichier")
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="UTF-8, séparateur « ; » ou « , », "
        "une ligne d'en-tête avec les noms de colonnes.",
    )

    def __init__(self, *args, types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t, REGISTRE[t].libelle) for t in types]
        self.fields["type"].widget.attrs["class"] = "fr-select"
        self.fields["fichier"].widget.attrs["class"] = "fr-upload"
        self.fields["fichier"].widget.attrs["accept"] = ".csv,text/csv"
