from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from parcours.organisation.models import Agent, LieuAccueil, Organisme, Secteur, Unite


@admin.register(Organisme)
class OrganismeAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "region", "demonstration"]
    list_select_related = ["region"]
    search_fields = ["code", "nom"]
    autocomplete_fields = ["region"]


@admin.register(Unite)
class UniteAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "organisme", "departement"]
    list_select_related = ["organisme", "departement"]
    list_filter = ["organisme"]
    search_fields = ["code", "nom"]
    autocomplete_fields = ["departement"]


@admin.register(LieuAccueil)
class LieuAccueilAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "commune", "unite", "acces_pmr", "actif"]
    list_select_related = ["commune", "unite"]
    list_filter = ["unite__organisme", "acces_pmr", "actif"]
    search_fields = ["code", "nom", "commune__nom"]
    autocomplete_fields = ["commune"]


@admin.register(Secteur)
class SecteurAdmin(admin.ModelAdmin):
    list_display = ["nom", "unite", "agent"]
    list_select_related = ["unite", "agent"]
    list_filter = ["unite__organisme"]
    search_fields = ["nom"]
    autocomplete_fields = ["communes", "agent"]


class AgentCreationForm(UserCreationForm):
    class Meta:
        model = Agent
        fields = ["matricule", "nom", "prenom", "email", "role", "unite", "organisme"]


class AgentChangeForm(UserChangeForm):
    class Meta:
        model = Agent
        fields = "__all__"


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    add_form = AgentCreationForm
    form = AgentChangeForm
    list_display = ["matricule", "nom", "prenom", "role", "unite", "is_active"]
    list_select_related = ["unite"]
    list_filter = ["role", "is_active", "unite__organisme"]
    search_fields = ["matricule", "nom", "prenom", "email"]
    ordering = ["nom", "prenom"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["matricule", "password"]}),
        ("Identité", {"fields": ["nom", "prenom", "email"]}),
        ("Rôle et rattachement", {"fields": ["role", "unite", "organisme", "structure"]}),
        ("État", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "matricule",
                    "nom",
                    "prenom",
                    "email",
                    "role",
                    "unite",
                    "organisme",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
