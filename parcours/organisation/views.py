from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from parcours.messagerie.courriels import dossier_courriels, lire_courriels
from parcours.messagerie.models import StatutEnvoi
from parcours.organisation import actions, perms
from parcours.organisation.forms import ConnexionForm, FiltreLieuxForm, MotDePasseOublieForm
from parcours.organisation.models import EvenementCompte, Unite
from parcours.organisation.securite import adresse_bloquee


@method_decorator(login_not_required, name="dispatch")
class ConnexionView(auth_views.LoginView):
    template_name = "organisation/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # An address that tried too many accounts is locked, as an account is (django-axes).
        if adresse_bloquee(request):
            return render(request, "organisation/verrouille.html", status=429)
        return super().post(request, *args, **kwargs)


def lieux_accueil(request):
    if not perms.can_view_lieux_accueil(request.user):
        raise PermissionDenied
    visibles = perms.lieux_accueil_visible_to(request.user).actifs()
    unites = list(
        Unite.objects.filter(lieux_accueil__in=visibles)
        .select_related("departement")
        .distinct()
        .order_by("nom")
    )
    departements = sorted({u.departement for u in unites}, key=lambda d: d.code)
    form = FiltreLieuxForm(request.GET or None, departements=departements, unites=unites)
    lieux = visibles.select_related("commune", "unite__departement").order_by(
        "unite__departement_id", "commune__nom", "nom"
    )
    if form.is_valid():
        if form.cleaned_data["departement"]:
            lieux = lieux.filter(unite__departement_id=form.cleaned_data["departement"])
        if form.cleaned_data["unite"]:
            lieux = lieux.filter(unite_id=form.cleaned_data["unite"])
    return render(request, "organisation/lieux_accueil.html", {"form": form, "lieux": lieux})


def equipe(request):
    if not perms.can_view_equipe(request.user):
        raise PermissionDenied
    agents = (
        perms.equipe_visible_to(request.user)
        .annotate(nb_communes=Count("secteurs__communes", distinct=True))
        .order_by("role", "nom", "prenom")
    )
    return render(request, "organisation/equipe.html", {"agents": agents})


class ChoixMotDePasseForm(SetPasswordForm):
    """The password the agent chooses from their activation link, in French."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = (
            "12 caractères au moins, ni trop courant, ni proche de votre nom ou matricule, pas "
            "uniquement des chiffres."
        )
        self.fields["new_password2"].label = "Confirmation du mot de passe"
        for champ in self.fields.values():
            champ.widget.attrs["class"] = "fr-input"


@method_decorator(login_not_required, name="dispatch")
class ActivationView(auth_views.PasswordResetConfirmView):
    """The link of an activation (or reset) e-mail: the agent chooses their password. The link
    serves once and expires (organisation.actions.jeton_activation)."""

    template_name = "organisation/activation.html"
    form_class = ChoixMotDePasseForm
    token_generator = actions.jeton_activation
    success_url = reverse_lazy("connexion")
    post_reset_login = False

    def form_valid(self, form):
        reponse = super().form_valid(form)
        actions.enregistrer_activation(form.user)
        messages.success(
            self.request, "Votre mot de passe est enregistré : connectez-vous avec votre matricule."
        )
        return reponse


def journal_comptes(request):
    """The accounts' audit trail of the organisme, for its managers: who created which account
    that reads dossiers, who changed its role or unit, when."""
    user = request.user
    if not perms.can_read_journal_comptes(user):
        raise PermissionDenied
    lignes = (
        EvenementCompte.objects.filter(organisme_id=user.organisme_id)
        .select_related("agent", "auteur")
        .order_by("-date", "-id")[:500]
    )
    return render(request, "organisation/journal_comptes.html", {"lignes": lignes})


def courriels(request):
    """The messages written to files instead of being sent (demo, a machine without SMTP), for
    the administrator: what the agents would have received."""
    if not perms.can_administer(request.user):
        raise PermissionDenied
    dossier = dossier_courriels()
    if dossier is None:
        raise Http404("les courriels partent par SMTP : ils ne sont pas conservés")
    return render(
        request, "organisation/courriels.html", {"messages_envoyes": lire_courriels(dossier)}
    )


def envois(request):
    """The receipts of the messages sent (e-mails, SMS): failures first, then the latest, 50 a
    page; never an address nor a message's text (they are not kept)."""
    if not perms.can_read_envois(request.user):
        raise PermissionDenied
    statut = request.GET.get("statut", "")
    liste = perms.envois_visibles(request.user).select_related("agent")
    if statut in StatutEnvoi.values:
        liste = liste.filter(statut=statut)
    echecs = perms.envois_visibles(request.user).filter(statut=StatutEnvoi.ECHEC).count()
    page = Paginator(liste.order_by("-cree_le", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/envois.html",
        {"page": page, "statut": statut, "statuts": StatutEnvoi.choices, "echecs": echecs},
    )


@method_decorator(login_not_required, name="dispatch")
class MotDePasseOublieView(auth_views.PasswordResetView):
    """« Mot de passe oublié ? »: the agent gives their matricule or address and receives the
    link to choose a new password (the activation link, ActivationView). The answer never says
    whether an account exists (MotDePasseOublieForm)."""

    template_name = "organisation/mot_de_passe_oublie.html"
    form_class = MotDePasseOublieForm
    success_url = reverse_lazy("mot_de_passe_oublie_envoye")


@method_decorator(login_not_required, name="dispatch")
class MotDePasseOublieEnvoyeView(auth_views.PasswordResetDoneView):
    template_name = "organisation/mot_de_passe_oublie_envoye.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heures=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)
