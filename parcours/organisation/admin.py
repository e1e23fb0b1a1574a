"""Administration screens of the organisation.

An administrator attached to an organisme sees and changes only that organisme's records (an
administrator attached to none runs the whole instance). Accounts are never given a password
here: a new account receives an activation link, and its owner chooses the password
(organisation.actions).
"""

import re

import axes.admin  # noqa: F401  (registers its pages first: they are replaced below)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from parcours.lib.csvlecture import lire_decimal
from parcours.organisation import actions
from parcours.organisation.apercu import apercu_lieu
from parcours.organisation.models import (
    Agent,
    ContactPartenaire,
    EvenementCompte,
    LieuAccueil,
    Organisme,
    Partenaire,
    Secteur,
    Unite,
)
from parcours.territoire.models import Commune

# Nouns of the administration that take « une », « la » (the others take « un », « le »).
NOMS_FEMININS = frozenset({"unité", "structure partenaire", "tentative de connexion"})


def avec_article(nom: str, *, defini: bool) -> str:
    """« un agent », « une unité »; « l'agent », « le lieu d'accueil », « la … »."""
    feminin = nom in NOMS_FEMININS
    if not defini:
        return f"{'une' if feminin else 'un'} {nom}"
    if nom[:1].lower() in "aâàeéèêëiîïoôuùûüyh":
        return f"l'{nom}"
    return f"{'la' if feminin else 'le'} {nom}"


def filtre_oui_non(champ: str, titre: str) -> tuple[str, type[admin.BooleanFieldListFilter]]:
    """A yes/no filter titled « Par <titre> » (« Par ouvert » otherwise, from the field)."""

    class Filtre(admin.BooleanFieldListFilter):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = titre

    return champ, Filtre


# Django's messages after a save: « L'objet lieu d'accueil « X » a été ajouté avec succès. »
MESSAGE_DJANGO = re.compile(r"^L['’]objet (?P<nom>.+?) (?P<objet>«\s.*?\s») a été (?P<verbe>\w+)")


def message_en_francais(message: str, nom: str, *, html: bool) -> str:
    """« Le lieu d'accueil « X » a été ajouté. », « L'unité « Y » a été modifiée. » — `html`:
    the message is markup (Django's are, with a link), where the noun is written escaped."""
    ecrire = escape if html else str
    correspondance = MESSAGE_DJANGO.match(message)
    if correspondance is None or correspondance["nom"] != ecrire(nom):
        return message
    accord = "e" if nom in NOMS_FEMININS else ""
    debut = (
        f"{ecrire(capfirst(avec_article(nom, defini=True)))} {correspondance['objet']} "
        f"a été {correspondance['verbe']}{accord}"
    )
    suite = message[correspondance.end() :].replace(" avec succès", "", 1)
    suite = suite.replace(
        f"un autre objet {ecrire(nom)}", f"{'une' if accord else 'un'} autre {ecrire(nom)}"
    )
    if accord:
        suite = suite.replace("Vous pouvez le ", "Vous pouvez la ")
    return debut + suite


class FrancaisAdmin(admin.ModelAdmin):
    """Page titles in French as people write them: Django's catalogue says « Ajout de agent »
    and « Sélectionnez l'objet agent à changer »; here « Ajouter un agent », « Agents »."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        nom = str(self.model._meta.verbose_name)
        if object_id is None:
            titre = f"Ajouter {avec_article(nom, defini=False)}"
        elif self.has_change_permission(request):
            titre = f"Modifier {avec_article(nom, defini=True)}"
        else:
            titre = f"Consulter {avec_article(nom, defini=True)}"
        contexte = {"title": titre, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, contexte)

    def changelist_view(self, request, extra_context=None):
        meta = self.model._meta
        contexte = {
            "title": capfirst(meta.verbose_name_plural),
            # The list's button (admin/organisation/change_list_object_tools.html).
            "libelle_ajout": f"Ajouter {avec_article(str(meta.verbose_name), defini=False)}",
            **(extra_context or {}),
        }
        return super().changelist_view(request, contexte)

    def message_user(self, request, message, *args, **kwargs) -> None:
        html = isinstance(message, SafeString)
        texte = message_en_francais(str(message), str(self.model._meta.verbose_name), html=html)
        if html:
            texte = mark_safe(texte)  # words replaced by words, escaped: still safe
        super().message_user(request, texte, *args, **kwargs)


class PerimetreAdmin(FrancaisAdmin):
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
            elif db_field.related_model is Partenaire:
                kwargs["queryset"] = Partenaire.objects.filter(organisme_id=organisme)
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


class CoordonneeField(forms.FloatField):
    """A latitude or longitude as people type it: decimal comma or point."""

    def __init__(self, *, label: str, limite: float, help_text: str = "") -> None:
        super().__init__(
            label=label,
            required=False,
            min_value=-limite,
            max_value=limite,
            localize=True,
            help_text=help_text,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        )


class LieuAccueilForm(ModelForm):
    """Coordinates are optional: without them the place stands at its commune's town hall, as
    the import of places does (organisation.imports)."""

    latitude = CoordonneeField(
        label="Latitude",
        limite=90,
        help_text="En degrés décimaux (44,0176). Latitude et longitude vides : le lieu est "
        "placé à la mairie de sa commune.",
    )
    longitude = CoordonneeField(label="Longitude", limite=180, help_text="En degrés (1,3550).")

    class Meta:
        model = LieuAccueil
        fields = [
            "code",
            "nom",
            "adresse",
            "commune",
            "latitude",
            "longitude",
            "unite",
            "acces_pmr",
            "horaires",
            "actif",
        ]

    def clean(self):
        donnees = super().clean()
        if "latitude" in self._errors or "longitude" in self._errors:
            return donnees
        latitude, longitude = donnees.get("latitude"), donnees.get("longitude")
        commune = donnees.get("commune")
        if latitude is None and longitude is None:
            if commune is not None:
                donnees["latitude"], donnees["longitude"] = commune.latitude, commune.longitude
        elif latitude is None or longitude is None:
            manque = "latitude" if latitude is None else "longitude"
            self.add_error(
                manque,
                f"Saisissez aussi la {manque}, ou videz les deux champs : le lieu sera placé à "
                "la mairie de sa commune.",
            )
        elif commune is not None and self._reste_a_l_ancienne_mairie():
            # The commune changed and the point was its former town hall: it follows.
            donnees["latitude"], donnees["longitude"] = commune.latitude, commune.longitude
        return donnees

    def _reste_a_l_ancienne_mairie(self) -> bool:
        ancien = self.instance
        if ancien.pk is None or "commune" not in self.changed_data:
            return False
        if {"latitude", "longitude"} & set(self.changed_data):
            return False
        ancienne = ancien.commune
        return (ancien.latitude, ancien.longitude) == (ancienne.latitude, ancienne.longitude)


def _coordonnees_tapees(latitude: str, longitude: str) -> tuple[float | None, float | None, str]:
    """The coordinates being typed, for the preview: both, or none with what is wrong."""
    if not latitude.strip() and not longitude.strip():
        return None, None, ""
    try:
        lat, lon = lire_decimal(latitude), lire_decimal(longitude)
    except ValueError:
        if latitude.strip() and longitude.strip():
            return None, None, "Latitude ou longitude illisible : l'aperçu montre la mairie."
        return None, None, "Saisissez la latitude et la longitude : l'aperçu montre la mairie."
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, "Latitude ou longitude hors des bornes : l'aperçu montre la mairie."
    return lat, lon, ""


@admin.register(LieuAccueil)
class LieuAccueilAdmin(PerimetreAdmin):
    chemin_organisme = "unite__organisme"
    form = LieuAccueilForm
    list_display = ["code", "nom", "commune", "unite", "pmr", "actif"]
    list_select_related = ["commune", "unite"]
    list_filter = [
        "unite__organisme",
        filtre_oui_non("acces_pmr", "accès PMR"),
        filtre_oui_non("actif", "ouverture"),
    ]
    search_fields = ["code", "nom", "commune__nom"]
    autocomplete_fields = ["commune"]
    fields = [
        "code",
        "nom",
        "adresse",
        "commune",
        "latitude",
        "longitude",
        "apercu",
        "unite",
        "acces_pmr",
        "horaires",
        "actif",
    ]
    readonly_fields = ["apercu"]

    class Media:
        # Redraws the preview when the commune or the coordinates change (no inline script).
        js = ["organisation/apercu_lieu.js"]

    def get_urls(self):
        apercu = path(
            "apercu/",
            self.admin_site.admin_view(self.apercu_view),
            name="organisation_lieuaccueil_apercu",
        )
        return [apercu, *super().get_urls()]

    @staticmethod
    def _apercu(
        commune: Commune | None, latitude: float | None, longitude: float | None, remarque: str
    ) -> str:
        contexte = {"remarque": remarque}
        if commune is not None:
            if latitude is None or longitude is None:
                latitude = longitude = None
            contexte["apercu"] = apercu_lieu(commune, latitude, longitude)
        return render_to_string("organisation/admin/apercu_lieu.html", contexte)

    @admin.display(description="accès PMR", boolean=True, ordering="acces_pmr")
    def pmr(self, lieu: LieuAccueil) -> bool:
        # The field's name, « accessible aux personnes à mobilité réduite », is too long a header.
        return lieu.acces_pmr

    @admin.display(description="aperçu")
    def apercu(self, lieu: LieuAccueil) -> str:
        """The map preview, drawn from what the form holds (also after an error)."""
        commune = lieu.commune if lieu.commune_id else None
        return format_html(
            '<div id="apercu-lieu" data-url="{}" aria-live="polite">{}</div>',
            reverse("admin:organisation_lieuaccueil_apercu"),
            self._apercu(commune, lieu.latitude, lieu.longitude, ""),
        )

    def apercu_view(self, request):
        """The preview for the values being typed (organisation/apercu_lieu.js)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        code = request.GET.get("commune", "")[:5]
        commune = Commune.objects.filter(pk=code).first() if code else None
        latitude, longitude, remarque = _coordonnees_tapees(
            request.GET.get("latitude", "")[:30], request.GET.get("longitude", "")[:30]
        )
        return HttpResponse(self._apercu(commune, latitude, longitude, remarque))


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


CHAMPS_AGENT = [
    "matricule",
    "nom",
    "prenom",
    "email",
    "role",
    "unite",
    "organisme",
    "partenaire",
    "structure",
]


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
    list_filter = ["role", filtre_oui_non("is_active", "état du compte"), "unite__organisme"]
    search_fields = ["matricule", "nom", "prenom", "email"]
    ordering = ["nom", "prenom"]
    filter_horizontal = []
    actions = ["envoyer_lien_activation"]
    fieldsets = [
        (None, {"fields": ["matricule", "etat_mot_de_passe"]}),
        ("Identité", {"fields": ["nom", "prenom", "email"]}),
        (
            "Rôle et rattachement",
            {"fields": ["role", "unite", "organisme", "partenaire", "structure"]},
        ),
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
    readonly_fields = ["etat_mot_de_passe", "last_login", "date_joined"]

    @admin.display(description="mot de passe")
    def mot_de_passe(self, agent: Agent) -> str:
        if agent.has_usable_password():
            return "choisi par l'agent"
        return "en attente d'activation"

    @admin.display(description="mot de passe")
    def etat_mot_de_passe(self, agent: Agent) -> str:
        """What the account's page says of the password: never its hash (nor its algorithm,
        salt or parameters, which Django's user page shows)."""
        if agent.has_usable_password():
            return (
                "choisi par l'agent, qui seul le connaît. S'il l'oublie, il en choisit un "
                "nouveau par « Mot de passe oublié ? » sur la page de connexion, ou vous lui "
                "envoyez un lien (action « Envoyer un lien pour choisir le mot de passe » de la "
                "liste des agents)."
            )
        return (
            "en attente d'activation : l'agent n'a pas encore choisi son mot de passe par le "
            "lien reçu. Un nouveau lien : action « Envoyer un lien pour choisir le mot de "
            "passe » de la liste des agents."
        )

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


# django-axes shows three raw registers under « AXES » (user agents, GET and POST data, English
# labels). The administrator needs one thing from them: to see which matricule is locked, and
# lift the lock before its fifteen minutes (docs/installation.md, « Débloquer un agent »). That
# page stays, in French; successful logins and the history of failures stay in the database.
for _registre in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_registre):
        admin.site.unregister(_registre)
apps.get_app_config("axes").verbose_name = "Sécurité des connexions"


def _nom_blocage(tentative: AccessAttempt) -> str:
    return f"échecs de {tentative.username or '—'} depuis {tentative.ip_address or '—'}"


@admin.register(AccessAttempt)
class TentativeConnexionAdmin(FrancaisAdmin):
    """Failed logins by matricule and address: those that lock an account, or soon will. An
    administrator attached to an organisme sees its agents' matricules only."""

    list_display = ["matricule", "adresse", "echecs", "dernier_echec", "etat"]
    list_display_links = None
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["debloquer"]

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        organisme = request.user.organisme_id
        if organisme is None:
            return qs
        return qs.filter(
            username__in=Agent.objects.filter(organisme_id=organisme).values("matricule")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only through « Débloquer », which says what deleting does here.
        return obj is None and super().has_delete_permission(request)

    def get_actions(self, request):
        actions_ = super().get_actions(request)
        actions_.pop("delete_selected", None)  # « Débloquer » says what deleting does here
        return actions_

    def changelist_view(self, request, extra_context=None):
        contexte = {
            "subtitle": f"{settings.AXES_FAILURE_LIMIT} échecs pour un matricule depuis une "
            f"adresse bloquent ce matricule {settings.AXES_COOLOFF_TIME.total_seconds() // 60:.0f} "
            "minutes. "
            "« Débloquer » efface ses échecs : l'agent peut se reconnecter aussitôt.",
            **(extra_context or {}),
        }
        return super().changelist_view(request, contexte)

    def action_checkbox(self, tentative: AccessAttempt):
        # The row's name for screen readers: django-axes' is English (« Attempted Access »).
        case = forms.CheckboxInput(
            {"class": "action-select", "aria-label": f"Choisir : {_nom_blocage(tentative)}"},
            lambda valeur: False,
        )
        return case.render(ACTION_CHECKBOX_NAME, str(tentative.pk))

    @admin.display(description="matricule saisi", ordering="username")
    def matricule(self, tentative: AccessAttempt) -> str:
        return tentative.username or "—"

    @admin.display(description="adresse IP", ordering="ip_address")
    def adresse(self, tentative: AccessAttempt) -> str:
        return tentative.ip_address or "—"

    @admin.display(description="échecs", ordering="failures_since_start")
    def echecs(self, tentative: AccessAttempt) -> int:
        return tentative.failures_since_start

    @admin.display(description="dernier échec", ordering="attempt_time")
    def dernier_echec(self, tentative: AccessAttempt):
        return tentative.attempt_time

    @admin.display(description="état")
    def etat(self, tentative: AccessAttempt) -> str:
        fin = tentative.attempt_time + settings.AXES_COOLOFF_TIME
        if fin <= timezone.now():
            return "délai écoulé : ne bloque plus"
        restants = settings.AXES_FAILURE_LIMIT - tentative.failures_since_start
        if restants <= 0:
            return f"bloqué jusqu'à {timezone.localtime(fin):%H:%M}"
        return f"{restants} essai{'s' if restants > 1 else ''} avant blocage"

    @admin.action(description="Débloquer (effacer ces échecs)", permissions=["delete"])
    def debloquer(self, request, queryset) -> None:
        tentatives = list(queryset)
        type_ = ContentType.objects.get_for_model(AccessAttempt)
        LogEntry.objects.bulk_create(
            LogEntry(
                user_id=request.user.pk,
                content_type=type_,
                object_id=str(t.pk),
                object_repr=_nom_blocage(t)[:200],
                action_flag=DELETION,
                change_message="Débloqué",
            )
            for t in tentatives
        )
        AccessAttempt.objects.filter(pk__in=[t.pk for t in tentatives]).delete()
        messages.success(
            request,
            f"{len(tentatives)} blocage(s) levé(s) : les agents concernés peuvent se reconnecter.",
        )


class ContactPartenaireInline(admin.TabularInline):
    model = ContactPartenaire
    extra = 1
    fields = ["prenom", "nom", "fonction", "email", "telephone"]


@admin.register(Partenaire)
class PartenaireAdmin(PerimetreAdmin):
    """The partner directory of the organisme (also importable: partenaires.csv)."""

    list_display = ["nom", "categorie", "departement", "email", "telephone", "actif"]
    list_filter = ["categorie", "departement", "actif"]
    search_fields = ["code", "nom"]
    list_select_related = ["departement"]
    fields = ["code", "nom", "categorie", "organisme", "departement", "email", "telephone", "actif"]
    inlines = [ContactPartenaireInline]

    def save_model(self, request, obj, form, change) -> None:
        if request.user.organisme_id is not None:
            obj.organisme_id = request.user.organisme_id
        super().save_model(request, obj, form, change)
