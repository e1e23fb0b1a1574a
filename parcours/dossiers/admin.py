"""Only the referentials of this app are administered; dossiers never appear in the admin."""

from django.contrib import admin

from parcours.dossiers.models import Mission


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "axe", "ordre", "active"]
    list_editable = ["ordre", "active"]
    list_filter = ["axe", "active"]
