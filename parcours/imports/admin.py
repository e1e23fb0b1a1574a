from django.contrib import admin

from parcours.imports.models import Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["date", "type", "nom_fichier", "statut", "crees", "modifies", "auteur"]
    list_filter = ["type", "statut"]
    list_select_related = ["auteur"]
    readonly_fields = [f.name for f in Import._meta.fields] + ["erreurs", "avertissements"]

    def get_queryset(self, request):
        """An administrator of one organisme sees its imports only (and not the history
        imports of units, which hold personal data)."""
        qs = super().get_queryset(request)
        if request.user.organisme_id is not None:
            qs = qs.filter(auteur__organisme_id=request.user.organisme_id)
        return qs

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
