"""Correcting or cancelling an interview: its author, or the manager of its unit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from parcours.dossiers import actions, perms
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.forms import AnnulationEntretienForm, CorrectionEntretienForm
from parcours.dossiers.models import Entretien
from parcours.formulaires import rafraichir_version, reporter_erreurs


def _entretien(user, pk: int) -> Entretien:
    """The interview if its dossier is readable by the user (404 otherwise, as for a dossier
    that does not exist) and the user may correct it (403)."""
    try:
        entretien = (
            Entretien.objects.filter(assure__in=perms.assures_visible_to(user))
            .select_related("assure__commune", "accompagnement__mission", "agent", "unite")
            .get(pk=pk)
        )
    except Entretien.DoesNotExist:
        raise Http404("entretien introuvable") from None
    if not actions.peut_corriger_entretien(user, entretien):
        raise PermissionDenied
    perms.journaliser(user, entretien.assure, PartieDossier.NOTES)
    return entretien


def entretien_corriger(request, pk: int):
    user = request.user
    entretien = _entretien(user, pk)
    initial = {c: getattr(entretien, c) for c in actions.CHAMPS_CORRIGEABLES}
    initial["version"] = entretien.version
    quel = request.POST.get("formulaire") if request.method == "POST" else None
    correction = CorrectionEntretienForm(
        request.POST if quel == "corriger" else None,
        agent=entretien.agent,
        assure=entretien.assure,
        initial=initial,
    )
    annulation = AnnulationEntretienForm(
        request.POST if quel == "annuler" else None,
        prefix="annulation",
        initial={"version": entretien.version},
    )
    if not perms.can_read_notes(user, entretien) and entretien.agent_id != user.pk:
        del correction.fields["notes"]  # kept as they are
    statut = 200
    if quel == "corriger" and correction.is_valid():
        donnees = dict(correction.cleaned_data)
        version, motif = donnees.pop("version"), donnees.pop("motif")
        try:
            actions.corriger_entretien(
                entretien, acting_user=user, version=version, motif=motif, **donnees
            )
        except actions.ConflitDeVersion as conflit:
            correction.add_error(None, str(conflit))
            rafraichir_version(correction, conflit.objet.version)
        except actions.RegleMetier as erreur:
            reporter_erreurs(correction, erreur)
        else:
            messages.success(
                request, "Entretien corrigé : la version précédente reste dans l'historique."
            )
            return redirect("dossiers:dossier", pk=entretien.assure_id)
    elif quel == "annuler" and annulation.is_valid():
        try:
            actions.annuler_entretien(
                entretien,
                acting_user=user,
                version=annulation.cleaned_data["version"],
                motif=annulation.cleaned_data["motif_annulation"],
            )
        except actions.ConflitDeVersion as conflit:
            annulation.add_error(None, str(conflit))
            rafraichir_version(annulation, conflit.objet.version)
        except actions.RegleMetier as erreur:
            reporter_erreurs(annulation, erreur)
        else:
            messages.success(request, "Entretien annulé : il n'est plus compté.")
            return redirect("dossiers:dossier", pk=entretien.assure_id)
    if request.method == "POST":
        statut = 400
    return render(
        request,
        "dossiers/entretien_corriger.html",
        {"entretien": entretien, "correction": correction, "annulation": annulation},
        status=statut,
    )
