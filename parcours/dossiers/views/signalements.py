"""Incoming signalements: intake (phone line, partners, social workers), queues, triage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from parcours.dossiers import actions, perms
from parcours.dossiers.enums import PartieDossier, StatutSignalement
from parcours.dossiers.forms import IntakeForm, TriageForm
from parcours.dossiers.models import Assure, Signalement
from parcours.formulaires import reporter_erreurs
from parcours.lib.nir import masquer_nir
from parcours.organisation.enums import Role

CHAMPS_IDENTITE = (
    "nir",
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "commune",
    "adresse",
    "telephone",
    "email",
)


def signalement_nouveau(request):
    """Record a signalement; the person is found by NIR or created, homonyms are flagged."""
    user = request.user
    if not perms.can_create_signalement(user):
        raise PermissionDenied
    homonymes = []
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            donnees = form.cleaned_data
            identite = {c: donnees[c] for c in CHAMPS_IDENTITE}
            for champ in ("adresse", "telephone", "email"):
                identite[champ] = identite[champ] or ""
            with transaction.atomic():
                assure = Assure.objects.filter(nir=identite["nir"]).first()
                if assure is None:
                    homonymes = list(
                        actions.doublons_possibles(
                            nir=identite["nir"],
                            nom=identite["nom"],
                            prenom=identite["prenom"],
                            date_naissance=identite["date_naissance"],
                        )
                    )
                    if homonymes and not donnees["confirmer_nouvelle_personne"]:
                        form.add_error(
                            None,
                            "Une personne de même nom et de même date de naissance est déjà "
                            "connue avec un autre NIR. Vérifiez le NIR ; s'il s'agit bien d'une "
                            "autre personne, cochez la case en bas du formulaire.",
                        )
                    else:
                        assure = actions.creer_assure(acting_user=user, **identite)
                if assure is not None:
                    signalement = actions.enregistrer_signalement(
                        assure,
                        acting_user=user,
                        date=donnees["date"],
                        source=donnees["source"],
                        source_precision=donnees["source_precision"],
                        motif=donnees["motif"],
                        mission=donnees["mission"],
                        commentaire=donnees["commentaire"],
                    )
                    destinataire = signalement.unite.nom if signalement.unite else "aucune unité"
                    if signalement.agent:
                        destinataire += f" ({signalement.agent.get_full_name()})"
                    messages.success(
                        request,
                        f"Signalement enregistré et transmis : unité {destinataire}.",
                    )
                    return redirect("dossiers:signalement", pk=signalement.pk)
    else:
        form = IntakeForm()
    visibles = set()
    if homonymes:
        visibles = set(
            perms.assures_visible_to(user)
            .filter(pk__in=[h.pk for h in homonymes])
            .values_list("pk", flat=True)
        )
    homonymes_affiches = [
        {"nir": masquer_nir(h.nir), "visible": h.pk in visibles, "pk": h.pk} for h in homonymes
    ]
    return render(
        request,
        "dossiers/signalement_nouveau.html",
        {"form": form, "homonymes": homonymes_affiches},
    )


def signalements(request):
    """The unit's queue for staff; what they sent, and its status, for a partner."""
    user = request.user
    visibles = perms.signalements_visible_to(user)
    if not (perms.can_view_dossiers(user) or user.role == Role.PARTENAIRE):
        raise PermissionDenied
    statut = request.GET.get("statut", StatutSignalement.A_TRAITER)
    if statut not in StatutSignalement.values and statut != "tous":
        statut = StatutSignalement.A_TRAITER
    liste = visibles.select_related("assure", "unite", "agent", "mission", "emetteur")
    if statut != "tous":
        liste = liste.filter(statut=statut)
    if user.role == Role.ASS and request.GET.get("pour_moi"):
        liste = liste.filter(agent=user)
    return render(
        request,
        "dossiers/signalements.html",
        {
            "signalements": liste.order_by("-date", "-id")[:200],
            "statut": statut,
            "statuts": StatutSignalement.choices,
            "partenaire": user.role == Role.PARTENAIRE,
        },
    )


def signalement(request, pk: int):
    user = request.user
    try:
        sig = (
            perms.signalements_visible_to(user)
            .select_related("assure", "unite", "agent", "mission", "emetteur", "decide_par")
            .get(pk=pk)
        )
    except Signalement.DoesNotExist:
        raise Http404("signalement introuvable") from None
    if user.role != Role.PARTENAIRE:
        perms.journaliser(user, sig.assure, PartieDossier.SIGNALEMENT)
    peut_trier = perms.can_triage(user, sig)
    form = None
    if peut_trier:
        form = TriageForm(
            request.POST or None,
            unite_id=sig.unite_id or user.unite_id,
            initial={"mission": sig.mission, "referent": sig.agent or user},
        )
        if request.method == "POST" and form.is_valid():
            donnees = form.cleaned_data
            try:
                sig = actions.trier_signalement(
                    sig,
                    acting_user=user,
                    statut=donnees["statut"],
                    motif_decision=donnees["motif_decision"],
                    mission=donnees["mission"],
                    referent=donnees["referent"],
                    mode=donnees["mode"] or "TELEPHONE",
                    lieu_accueil=donnees["lieu_accueil"],
                )
            except actions.RegleMetier as erreur:
                reporter_erreurs(form, erreur)
            else:
                messages.success(request, f"Signalement traité : {sig.get_statut_display()}.")
                if sig.accompagnement_id:
                    return redirect("dossiers:accompagnement", pk=sig.accompagnement_id)
                return redirect("dossiers:dossier", pk=sig.assure_id)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "dossiers/signalement.html",
        {
            "sig": sig,
            "form": form,
            "partenaire": user.role == Role.PARTENAIRE,
            "lien_dossier": perms.can_view_dossiers(user)
            and perms.assures_visible_to(user).filter(pk=sig.assure_id).exists(),
            "url_liste": reverse("dossiers:signalements"),
        },
    )
