from django.contrib import admin

from parcours.territoire.models import (
    Canton,
    Commune,
    Departement,
    PseudoCanton,
    Region,
)


class LectureSeuleMixin:
    """The official geography is loaded from the referential, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "region"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = ["code", "nom"]


@admin.register(Canton)
class CantonAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "type", "departement"]
    list_select_related = ["departement"]
    list_filter = ["type"]
    search_fields = ["code", "nom"]
    exclude = ["contour"]


@admin.register(PseudoCanton)
class PseudoCantonAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "type", "departement", "population"]
    list_select_related = ["departement"]
    list_filter = ["type"]
    search_fields = ["code", "nom"]
    exclude = ["contour"]


@admin.register(Commune)
class CommuneAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "departement", "population", "pseudo_canton"]
    list_select_related = ["departement", "pseudo_canton"]
    search_fields = ["code", "nom"]
    exclude = ["contour"]
    show_full_result_count = False
