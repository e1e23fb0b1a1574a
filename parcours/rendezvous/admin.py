"""The referential of motifs and the agendas, in the administration (the agendas' own screens
come with the booking screens)."""

from django.contrib import admin

from parcours.organisation.admin import PerimetreAdmin
from parcours.rendezvous.models import Absence, Motif, Plage


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["libelle", "duree_minutes", "mode", "nommable_dans_les_messages", "actif"]
    list_filter = ["mode", "actif", "reservable_par_partenaires", "reservable_par_la_personne"]
    search_fields = ["code", "libelle"]


class PerimetreAgenda(PerimetreAdmin):
    """An administrator of an organisme sees its agents' agendas only; the agents and places
    offered are theirs (the autocompletes ask the scoped agent and place screens)."""

    chemin_organisme = "agent__organisme"


@admin.register(Plage)
class PlageAdmin(PerimetreAgenda):
    list_display = ["agent", "lieu", "debut", "fin", "regle", "date_debut", "date_fin"]
    list_select_related = ["agent", "lieu"]
    filter_horizontal = ["motifs"]
    autocomplete_fields = ["agent", "lieu"]


@admin.register(Absence)
class AbsenceAdmin(PerimetreAgenda):
    list_display = ["agent", "debut", "fin", "regle", "libelle"]
    list_select_related = ["agent"]
    autocomplete_fields = ["agent"]
