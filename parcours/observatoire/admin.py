from django.contrib import admin

from parcours.observatoire.models import DonneeFragilite


@admin.register(DonneeFragilite)
class DonneeFragiliteAdmin(admin.ModelAdmin):
    """Fragility counts come from fragilite.csv imports; the administrator may only look and
    delete (to move a territory from commune rows to canton rows, or back)."""

    list_display = ["territoire", "pseudo_canton", "population_25_54"]
    list_select_related = ["pseudo_canton"]
    search_fields = ["territoire", "pseudo_canton__nom"]
    list_filter = ["pseudo_canton__departement"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
