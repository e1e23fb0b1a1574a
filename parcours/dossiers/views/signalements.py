"""Incoming signalements: intake (phone line, partners, social workers), queues, triage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from parcours.dossiers import actions, extensions, perms
from parcours.dossiers.enums import PartieDossier, StatutSignalement
from parcours.dossiers.forms import IntakeForm, TriageForm
from parcours.dossiers.models import Assure, Signalement
from parcours.dossiers.models.assures import CHAMPS_COMPARES, CHAMPS_IDENTITE
from parcours.formulaires import reporter_erreurs
from parcours.lib.nir import masquer_nir
from parcours.lib.texte import normaliser
from parcours.organisation.enums import Role


def signalement_nouveau(request):
    """Record a signalement; the person is found by NIR or created (actions.recevoir_signalement).

    The sender is shown back what they typed, never what the service knows of the NIR."""
    user = request.user
    if not perms.can_create_signalement(user):
        raise PermissionDenied
    homonymes = []
    form = IntakeForm(request.POST or None, emetteur=user)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            # A partner's form has no date nor source: the action sets them (its own, today).
            signalement = actions.recevoir_signalement(
                acting_user=user,
                identite={c: donnees[c] for c in CHAMPS_IDENTITE},
                confirmer_nouvelle_personne=donnees["confirmer_nouvelle_personne"],
                date=donnees.get("date") or timezone.localdate(),
                source=donnees.get("source", ""),
                source_precision=donnees.get("source_precision", ""),
                motif=donnees["motif"],
                mission=donnees["mission"],
                commentaire=donnees["commentaire"],
            )
        except actions.HomonymesPossibles as homonymie:
            homonymes = homonymie.homonymes
            form.add_error(
                None,
                "Une personne de même nom et de même date de naissance est déjà suivie par "
                "votre unité avec un autre NIR. Vérifiez le NIR ; s'il s'agit bien d'une autre "
                "personne, cochez la case en bas du formulaire.",
            )
        except actions.RegleMetier as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, _message_transmis(user, signalement))
            return redirect("dossiers:signalement", pk=signalement.pk)
    homonymes_affiches = [{"nir": masquer_nir(h.nir), "pk": h.pk} for h in homonymes]
    return render(
        request,
        "dossiers/signalement_nouveau.html",
        {"form": form, "homonymes": homonymes_affiches},
    )


def _message_transmis(user, signalement: Signalement) -> str:
    """Where the signalement went — told only to whoever holds the dossier: routing follows the
    person's stored commune, which the sender must not learn."""
    if not perms.assures_visible_to(user).filter(pk=signalement.assure_id).exists():
        return "Signalement enregistré et transmis au service social."
    destinataire = signalement.unite.nom if signalement.unite else "aucune unité"
    if signalement.agent:
        destinataire += f" ({signalement.agent.get_full_name()})"
    return f"Signalement enregistré et transmis : unité {destinataire}."


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
    # A member of a unit sees their queue (what the home page counts), and under it what they
    # sent to other units, to follow it; « tout » shows everything they may see in one list.
    file = None
    envoyes = []
    if user.unite_id is not None and user.role != Role.PARTENAIRE:
        file = "tout" if request.GET.get("file") == "tout" else "moi"
        if file == "moi":
            envoyes = list(
                liste.filter(emetteur=user)
                .exclude(unite_id=user.unite_id)
                .order_by("-date", "-id")[:200]
            )
            liste = liste.file_de(user)
    lignes = list(liste.order_by("-date", "-id")[:200])
    # Who is behind each signalement: the stored identity for those who hold the dossier, what
    # the sender typed for the others (a partner, a colleague of another unit).
    suivis = set()
    if perms.can_view_dossiers(user):
        suivis = set(
            perms.assures_visible_to(user)
            .filter(pk__in={s.assure_id for s in lignes + envoyes})
            .values_list("pk", flat=True)
        )
    for s in lignes + envoyes:
        s.personne = _personne(s, s.assure_id in suivis)
    return render(
        request,
        "dossiers/signalements.html",
        {
            "signalements": lignes,
            "envoyes": envoyes,
            "statut": statut,
            "statuts": StatutSignalement.choices,
            "partenaire": user.role == Role.PARTENAIRE,
            "file": file,
            "libelle_file": "Pour moi" if user.role == Role.ASS else "Mon unité",
        },
    )


def _personne(sig: Signalement, voit_dossier: bool) -> str:
    if voit_dossier:
        return f"{sig.assure.prenom} {sig.assure.nom}"
    declaree = sig.identite_declaree or {}
    if not declaree:
        return "(identité saisie non conservée)"
    return f"{declaree.get('prenom', '')} {declaree.get('nom', '')}".strip()


def signalement(request, pk: int):
    user = request.user
    try:
        sig = (
            perms.signalements_visible_to(user)
            .select_related(
                "assure__commune", "unite", "agent", "mission", "emetteur", "decide_par"
            )
            .get(pk=pk)
        )
    except Signalement.DoesNotExist:
        raise Http404("signalement introuvable") from None
    # Every read is logged, a partner's too (under the receiving unit, whose manager reviews it).
    perms.journaliser(user, sig.assure, PartieDossier.SIGNALEMENT, unite_id=sig.unite_id)
    voit_dossier = (
        perms.can_view_dossiers(user)
        and perms.assures_visible_to(user).filter(pk=sig.assure_id).exists()
    )
    peut_trier = perms.can_triage(user, sig)
    form = None
    if peut_trier:
        form = TriageForm(
            request.POST or None,
            unite_id=sig.unite_id or user.unite_id,
            commune=sig.assure.commune,
            organisme=user.organisme,
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
                    mode=donnees["mode"],
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
            "voit_dossier": voit_dossier,
            "declaree": sig.identite_declaree or {},
            "ecarts": _ecarts(sig) if voit_dossier else [],
            "url_liste": reverse("dossiers:signalements"),
            "raison_pas_de_triage": "" if peut_trier else _raison_pas_de_triage(user, sig),
            "boutons_extensions": extensions.boutons_signalement(user, sig) if voit_dossier else [],
        },
    )


def _raison_pas_de_triage(user, sig: Signalement) -> str:
    """Why a member of the service sees no triage form on a signalement still to be dealt with."""
    if sig.unite_id != user.unite_id:
        return (
            "Ce signalement a été transmis à une autre unité : c'est elle qui le traite. Vous "
            "en suivez le statut."
        )
    if sig.agent_id is not None and sig.agent_id != user.pk:
        return (
            f"Ce signalement est orienté vers {sig.agent.get_full_name()} : seul·e cette "
            "personne ou le·la cadre de l'unité peut le traiter."
        )
    return (
        "Le tri des signalements revient aux assistant·es de service social et au·à la cadre "
        "de l'unité : vous pouvez le consulter."
    )


def _ecarts(sig: Signalement) -> list[tuple[str, str, str]]:
    """For the receiving unit: the fields where the typed identity differs from the stored one."""
    declaree = sig.identite_declaree or {}
    if not declaree:
        return []
    stockee = sig.assure.identite()
    ecarts = []
    for champ in CHAMPS_COMPARES:
        saisi = str(declaree.get(champ) or "")
        if normaliser(saisi) != normaliser(stockee[champ]) and saisi:
            libelle = capfirst(Assure._meta.get_field(champ).verbose_name)
            ecarts.append((libelle, saisi, stockee[champ] or "—"))
    return ecarts
