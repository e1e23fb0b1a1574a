"""The change history of a model (django-simple-history), named in French.

simple_history names its models « historical … » and its own fields « history date », « history
user »…; the administration screens and the consistency test want French. Use `Historique`
wherever `HistoricalRecords` would be.
"""

from django.db import models
from django.utils.text import format_lazy
from simple_history.models import HistoricalRecords

LIBELLES = {
    "history_id": "numéro de version",
    "history_date": "date de la modification",
    "history_change_reason": "motif de la modification",
    "history_type": "nature de la modification",
    "history_user": "auteur de la modification",
}
NATURES = (("+", "création"), ("~", "modification"), ("-", "suppression"))


class Historique(HistoricalRecords):
    def get_meta_options(self, model: type[models.Model]) -> dict:
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy("version de : {}", model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                "versions de : {}", model._meta.verbose_name_plural
            )
        return options

    def get_extra_fields(self, model: type[models.Model], fields: dict) -> dict:
        champs = super().get_extra_fields(model, fields)
        for nom, libelle in LIBELLES.items():
            if isinstance(champs.get(nom), models.Field):
                # The field is not bound yet; Django deconstructs `_verbose_name` (migrations).
                champs[nom].verbose_name = champs[nom]._verbose_name = libelle
        if isinstance(champs.get("history_type"), models.Field):
            champs["history_type"].choices = NATURES
        return champs
