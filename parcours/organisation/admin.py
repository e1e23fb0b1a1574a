"""Administration screens of the organisation.

An administrator attached to an organisme sees and changes only that organisme's records (an
administrator attached to none runs the whole instance). Accounts are never given a password
here: a new account receives an activation link, and its owner chooses the password
(organisation.actions).
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm

from parcours.organisation import actions
from parcours.organisation.models import (
    Agent,
    EvenementCompte,
    LieuAccueil,
    Organisme,
    Secteur,
    Unite,
)


class PerimetreAdmin(admin.ModelAdmin):
    """Rows of the administrator's organisme only; `chemin_organisme` leads to it."""

    chemin_organisme = "organisme"

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        organisme = request.user.organisme_id
        if organisme is None:
            return qs
        return qs.filter(**{f"{self.chemin_organisme}_id": organisme})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        organisme = request.user.organisme_id
        if organisme is not None:
            if db_field.related_model is Organisme:
                kwargs["queryset"] = Organisme.objects.filter(pk=organisme)
            elif db_field.related_model is Unite:
                kwargs["queryset"] = Unite.objects.filter(organisme_id=organisme)
            elif db_field.related_model is Agent:
                kwargs["queryset"] = Agent.objects.filter(organisme_id=organisme)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisme)
class OrganismeAdmin(PerimetreAdmin):
    chemin_organisme = "pk"
    list_display = ["code", "nom", "region", "demonstration"]
    list_select_related = ["region"]
    search_fields = ["code", "nom"]
    autocomplete_fields = ["region"]

    def get_queryset(self, request) -> QuerySet:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.organisme_id is not None:
            return qs.filter(pk=request.user.organisme_id)
        return qs

    def has_add_permission(self, request) -> bool:
        # A new organisme is the whole instance's business.
        return request.user.organisme_id is None and super().has_add_permission(request)


@admin.register(Unite)
class UniteAdmin(PerimetreAdmin):
    list_display = ["code", "nom", "organisme", "departement"]
    list_select_related = ["organisme", "departement"]
    list_filter = ["organisme"]
    search_fields = ["code", "nom"]
    autocomplete_fields = ["departement"]


@admin.register(LieuAccueil)
class LieuAccueilAdmin(PerimetreAdmin):
    chemin_organisme = "unite__organisme"
    list_display = ["code", "nom", "commune", "unite", "acces_pmr", "actif"]
    list_select_related = ["commune", "unite"]
    list_filter = ["unite__organisme", "acces_pmr", "actif"]
    search_fields = ["code", "nom", "commune__nom"]
    autocomplete_fields = ["commune"]


@admin.register(Secteur)
class SecteurAdmin(PerimetreAdmin):
    chemin_organisme = "unite__organisme"
    list_display = ["nom", "unite", "agent"]
    list_select_related = ["unite", "agent"]
    list_filter = ["unite__organisme"]
    search_fields = ["nom"]
    # The agent is a plain list (of the organisme's agents): Django's autocomplete widget fails
    # on a non-numeric value posted for an integer key (a server error instead of a message).
    autocomplete_fields = ["communes"]


CHAMPS_AGENT = ["matricule", "nom", "prenom", "email", "role", "unite", "organisme", "structure"]


class AgentCreationForm(ModelForm):
    """A new account: no password field (its owner chooses it from the activation link)."""

    class Meta:
        model = Agent
        fields = CHAMPS_AGENT


class AgentChangeForm(ModelForm):
    class Meta:
        model = Agent
        fields = [*CHAMPS_AGENT, "is_active"]


@admin.register(Agent)
class AgentAdmin(UserAdmin, PerimetreAdmin):
    add_form = AgentCreationForm
    add_form_template = None  # Django's asks for a password first: not here
    form = AgentChangeForm
    list_display = ["matricule", "nom", "prenom", "role", "unite", "is_active", "mot_de_passe"]
    list_select_related = ["unite"]
    list_filter = ["role", "is_active", "unite__organisme"]
    search_fields = ["matricule", "nom", "prenom", "email"]
    ordering = ["nom", "prenom"]
    filter_horizontal = []
    actions = ["envoyer_lien_activation"]
    fieldsets = [
        (None, {"fields": ["matricule", "mot_de_passe"]}),
        ("Identité", {"fields": ["nom", "prenom", "email"]}),
        ("Rôle et rattachement", {"fields": ["role", "unite", "organisme", "structure"]}),
        ("État", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": CHAMPS_AGENT,
                "description": "Le compte est créé sans mot de passe : son titulaire reçoit par "
                "courriel un lien pour le choisir (valable une fois, pendant 72 heures). Personne "
                "d'autre, administrateur compris, ne le connaît.",
            },
        )
    ]
    readonly_fields = ["mot_de_passe", "last_login", "date_joined"]

    @admin.display(description="mot de passe")
    def mot_de_passe(self, agent: Agent) -> str:
        if agent.has_usable_password():
            return "choisi par l'agent"
        return "en attente d'activation"

    def get_readonly_fields(self, request, obj=None):
        champs = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own role, unit or state: another administrator does.
            champs += ["role", "unite", "organisme", "is_active"]
        return champs

    def save_model(self, request, obj, form, change) -> None:
        base = request.build_absolute_uri("/")
        if obj.organisme_id is None and request.user.organisme_id is not None:
            obj.organisme_id = request.user.organisme_id
        try:
            if change:
                actions.modifier_agent(obj, acting_user=request.user)
            else:
                actions.creer_agent(obj, acting_user=request.user, base=base)
        except actions.RegleCompte as erreur:
            raise PermissionDenied(" ".join(erreur.messages)) from None
        if not change:
            if obj.email:
                messages.info(request, f"Lien d'activation envoyé à {obj.email}.")
            else:
                messages.warning(
                    request,
                    "Ce compte n'a pas d'adresse électronique : renseignez-la, puis envoyez-lui "
                    "un lien d'activation (action de la liste des agents).",
                )

    def user_change_password(self, request, id, form_url=""):
        """No administrator sets another agent's password: links only."""
        raise PermissionDenied

    @admin.action(description="Envoyer un lien pour choisir le mot de passe")
    def envoyer_lien_activation(self, request, queryset) -> None:
        base = request.build_absolute_uri("/")
        envoyes, refus = 0, []
        for agent in queryset:
            try:
                actions.envoyer_lien_activation(agent, acting_user=request.user, base=base)
            except actions.RegleCompte as erreur:
                refus.append(f"{agent.matricule} : {' '.join(erreur.messages)}")
            else:
                envoyes += 1
        if envoyes:
            messages.success(request, f"{envoyes} lien(s) envoyé(s).")
        for texte in refus:
            messages.error(request, texte)


@admin.register(EvenementCompte)
class EvenementCompteAdmin(PerimetreAdmin):
    """The accounts' audit trail, read only (also shown to the organisme's managers)."""

    list_display = ["date", "type", "agent", "avant", "apres", "auteur", "origine"]
    list_select_related = ["agent", "auteur"]
    list_filter = ["type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
