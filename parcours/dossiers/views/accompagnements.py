"""Accompaniments: the caseload, opening, the plan, interviews, orientations, closing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parcours.dossiers import actions, perms
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.forms import (
    AccompagnementForm,
    ActionForm,
    ClotureForm,
    EntretienForm,
    FiltreAccompagnementsForm,
    ObjectifForm,
    OrientationForm,
    OuvertureForm,
    ReponseForm,
)
from parcours.dossiers.models import Accompagnement
from parcours.dossiers.models.accompagnements import DELAI_SANS_CONTACT
from parcours.dossiers.views.dossiers import page_dossier
from parcours.formulaires import rafraichir_version, reporter_erreurs
from parcours.organisation.enums import Role


def mes_accompagnements(request):
    """The caseload: filters by mission, status and last contact; alerts on each line."""
    user = request.user
    if not perms.can_read_accompagnements(user):
        raise PermissionDenied
    aujourd_hui = timezone.localdate()
    form = FiltreAccompagnementsForm(request.GET or None)
    liste = perms.accompagnements_visible_to(user)
    if user.role == Role.ASS:
        liste = liste.de_l_agent(user)
    liste = (
        liste.avec_suivi(aujourd_hui)
        .avec_alerte_contact(aujourd_hui)
        .select_related("assure", "mission", "referent")
    )
    statut = "en_cours"
    if form.is_valid():
        if form.cleaned_data["mission"]:
            liste = liste.filter(mission=form.cleaned_data["mission"])
        statut = form.cleaned_data["statut"] or "en_cours"
        if form.cleaned_data["sans_contact"]:
            liste = liste.sans_contact_depuis(form.cleaned_data["sans_contact"], aujourd_hui)
    if statut == "en_cours":
        liste = liste.en_cours()
    elif statut == "clos":
        liste = liste.clos()
    lignes = []
    for a in liste.order_by("dernier_contact", "id")[:500]:
        jours = (aujourd_hui - a.dernier_contact).days
        lignes.append(
            {
                "a": a,
                "jours": jours,
                "alerte_contact": a.alerte_contact,
                "alerte_actions": a.actions_en_retard,
            }
        )
    return render(
        request,
        "dossiers/mes_accompagnements.html",
        {"form": form, "lignes": lignes, "delai": DELAI_SANS_CONTACT},
    )


def accompagnement_ouvrir(request, pk: int):
    user = request.user
    assure = perms.get_assure_for_user(user, pk, PartieDossier.ACCOMPAGNEMENT)
    if not perms.can_open_accompagnement(user, assure):
        raise PermissionDenied
    form = OuvertureForm(request.POST or None, unite_id=user.unite_id, initial={"referent": user})
    if request.method == "POST" and form.is_valid():
        try:
            accompagnement = actions.ouvrir_accompagnement(
                assure, acting_user=user, **form.cleaned_data
            )
        except actions.RegleMetier as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Accompagnement ouvert.")
            return redirect("dossiers:accompagnement", pk=accompagnement.pk)
    return render(request, "dossiers/accompagnement_ouvrir.html", {"form": form, "assure": assure})


def _formulaires(accompagnement, user, donnees=None, quel=None):
    """Every form of the accompaniment page; the one posted (`quel`) gets the data."""

    def lie(nom):
        return donnees if quel == nom else None

    return {
        "entretien": EntretienForm(lie("entretien"), agent=user, assure=accompagnement.assure),
        "objectif": ObjectifForm(lie("objectif"), prefix="objectif"),
        "action": ActionForm(lie("action"), accompagnement=accompagnement, prefix="action"),
        "orientation": OrientationForm(lie("orientation"), prefix="orientation"),
        "cloture": ClotureForm(
            lie("cloture"), prefix="cloture", initial={"version": accompagnement.version}
        ),
        "modifier": AccompagnementForm(
            lie("modifier"),
            prefix="modifier",
            unite_id=accompagnement.unite_id,
            initial={
                "mission": accompagnement.mission,
                "referent": accompagnement.referent,
                "date_debut": accompagnement.date_debut,
                "version": accompagnement.version,
            },
        ),
    }


def accompagnement(request, pk: int):
    user = request.user
    acc = perms.get_accompagnement_for_user(user, pk)
    peut_ecrire = perms.can_write_accompagnement(user, acc)
    quel = request.POST.get("formulaire") if request.method == "POST" else None
    if quel and not peut_ecrire:
        raise PermissionDenied
    formulaires = _formulaires(acc, user, request.POST, quel)
    if quel in formulaires:
        form = formulaires[quel]
        if form.is_valid():
            try:
                message = _enregistrer(quel, acc, user, form.cleaned_data)
            except actions.ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                rafraichir_version(form, conflit.objet.version)
            except actions.RegleMetier as erreur:
                reporter_erreurs(form, erreur)
            else:
                messages.success(request, message)
                return redirect("dossiers:accompagnement", pk=acc.pk)
        messages.error(request, _rien_d_enregistre(form))
    elif quel is not None:
        raise Http404("formulaire inconnu")
    entretiens = list(
        acc.entretiens.select_related(
            "agent", "second_agent", "partenaire", "lieu_accueil"
        ).order_by("-date", "-id")
    )
    notes_lisibles = {e.pk for e in entretiens if perms.can_read_notes(user, e)}
    if notes_lisibles:
        perms.journaliser(user, acc.assure, PartieDossier.NOTES)
    return render(
        request,
        "dossiers/accompagnement.html",
        {
            "acc": acc,
            "peut_ecrire": peut_ecrire,
            "formulaires": formulaires,
            "ouvert": quel,
            "objectifs": acc.objectifs.prefetch_related("actions"),
            "actions_sans_objectif": acc.actions.filter(objectif__isnull=True),
            "entretiens": entretiens,
            "notes_lisibles": notes_lisibles,
            "corrigeables": {e.pk for e in entretiens if actions.peut_corriger_entretien(user, e)},
            "orientations": acc.orientations.all(),
            "aujourd_hui": timezone.localdate(),
            "form_reponse": ReponseForm(prefix="reponse"),
        },
    )


def _rien_d_enregistre(form) -> str:
    """The message over a refused form: which fields to correct, by their label."""
    champs = [form.fields[c].label for c in form.errors if c in form.fields]
    if not champs:
        return "Rien n'a été enregistré : voyez le message au-dessus du formulaire."
    return f"Rien n'a été enregistré : corrigez {', '.join(f'« {c} »' for c in champs)}."


def _enregistrer(quel: str, acc: Accompagnement, user, donnees: dict) -> str:
    if quel == "entretien":
        actions.enregistrer_entretien(acc.assure, acting_user=user, accompagnement=acc, **donnees)
        return "Entretien enregistré."
    if quel == "objectif":
        actions.ajouter_objectif(acc, acting_user=user, **donnees)
        return "Objectif ajouté au plan d'aide."
    if quel == "action":
        actions.ajouter_action(acc, acting_user=user, **donnees)
        return "Action ajoutée au plan d'aide."
    if quel == "orientation":
        actions.orienter(acc.assure, acting_user=user, accompagnement=acc, **donnees)
        return "Orientation enregistrée."
    if quel == "cloture":
        actions.cloturer_accompagnement(acc, acting_user=user, **donnees)
        return "Accompagnement clos."
    if quel == "modifier":
        actions.modifier_accompagnement(acc, acting_user=user, **donnees)
        return "Accompagnement modifié."
    raise Http404("formulaire inconnu")


@require_POST
def entretien_rapide(request, pk: int):
    """The dossier page's quick form: an interview in an open accompaniment, or a one-off."""
    user = request.user
    assure = perms.get_assure_for_user(user, pk, PartieDossier.ACCOMPAGNEMENT)
    if not perms.can_read_accompagnements(user):
        raise PermissionDenied
    form = EntretienForm(request.POST, agent=user, assure=assure)
    acc = None
    if choisi := request.POST.get("accompagnement"):
        if not choisi.isdigit() or len(choisi) > 18:
            return HttpResponseBadRequest("accompagnement invalide")
        acc = get_object_or_404(
            perms.accompagnements_visible_to(user).filter(assure=assure), pk=int(choisi)
        )
        if not perms.can_write_accompagnement(user, acc):
            raise PermissionDenied
    if form.is_valid():
        try:
            actions.enregistrer_entretien(
                assure, acting_user=user, accompagnement=acc, **form.cleaned_data
            )
        except actions.RegleMetier as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                "Entretien enregistré." if acc else "Intervention ponctuelle enregistrée.",
            )
            return redirect("dossiers:dossier", pk=assure.pk)
    # Refused: the dossier page again, the form open with what was typed and each error at its
    # field (nothing typed is ever lost).
    return page_dossier(
        request,
        assure,
        form_entretien=form,
        accompagnement_choisi=str(acc.pk) if acc else "",
        status=400,
    )


def _accompagnement_a_modifier(request, pk: int) -> Accompagnement:
    """The accompaniment a POST changes, if the user may write it (404 / 403 otherwise)."""
    acc = perms.get_accompagnement_for_user(request.user, pk)
    if not perms.can_write_accompagnement(request.user, acc):
        raise PermissionDenied
    return acc


@require_POST
def action_basculer(request, pk: int, action_id: int):
    user = request.user
    acc = _accompagnement_a_modifier(request, pk)
    action = get_object_or_404(acc.actions, pk=action_id)
    actions.marquer_action(action, acting_user=user, faite=not action.faite)
    return redirect("dossiers:accompagnement", pk=acc.pk)


@require_POST
def objectif_basculer(request, pk: int, objectif_id: int):
    user = request.user
    acc = _accompagnement_a_modifier(request, pk)
    objectif = get_object_or_404(acc.objectifs, pk=objectif_id)
    actions.marquer_objectif(objectif, acting_user=user, atteint=not objectif.atteint)
    return redirect("dossiers:accompagnement", pk=acc.pk)


@require_POST
def orientation_reponse(request, pk: int, orientation_id: int):
    user = request.user
    acc = _accompagnement_a_modifier(request, pk)
    orientation = get_object_or_404(acc.orientations, pk=orientation_id)
    form = ReponseForm(request.POST, prefix="reponse")
    if form.is_valid():
        try:
            actions.enregistrer_reponse(orientation, acting_user=user, **form.cleaned_data)
        except actions.RegleMetier as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Réponse enregistrée.")
    else:
        messages.error(request, "Réponse non enregistrée : indiquez la réponse et sa date.")
    return redirect("dossiers:accompagnement", pk=acc.pk)


@require_POST
def accompagnement_rouvrir(request, pk: int):
    user = request.user
    acc = _accompagnement_a_modifier(request, pk)
    version = request.POST.get("version", "")
    if not version.isdigit() or len(version) > 9:
        return HttpResponseBadRequest("version invalide")
    try:
        actions.rouvrir_accompagnement(acc, acting_user=user, version=int(version))
    except actions.ConflitDeVersion as conflit:
        messages.error(request, str(conflit))
    except actions.RegleMetier as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Accompagnement rouvert.")
    return redirect("dossiers:accompagnement", pk=acc.pk)
