"""The person's dossier: search, the dossier page with its timeline, identity, logs."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parcours.dossiers import actions, extensions, perms
from parcours.dossiers import messages as messages_personne
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.forms import AssureForm, EntretienForm, RechercheForm
from parcours.dossiers.models import (
    Accompagnement,
    Action,
    Assure,
    Entretien,
    Objectif,
    Orientation,
    Signalement,
)
from parcours.dossiers.recherche import rechercher
from parcours.formulaires import rafraichir_version, reporter_erreurs
from parcours.lib.telephone import formater_telephone


def recherche(request):
    """Search by NIR or name. The query travels in a POST body, never in the URL."""
    if not perms.can_view_dossiers(request.user):
        raise PermissionDenied
    resultats = None
    form = RechercheForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resultats = list(
            rechercher(
                perms.assures_visible_to(request.user).select_related("commune"),
                form.cleaned_data["q"],
            )
        )
    return render(request, "dossiers/recherche.html", {"form": form, "resultats": resultats})


@dataclass
class Evenement:
    date: date
    type: str
    titre: str
    detail: str = ""
    lien: str = ""
    objet: object = None


def _chronologie(accompagnements, entretiens, signalements, orientations) -> list[Evenement]:
    """Everything that happened to the person, latest first."""
    evenements = []
    for s in signalements:
        evenements.append(
            Evenement(
                s.date, "signalement", f"Signalement — {s.get_source_display()}", s.motif, objet=s
            )
        )
    for a in accompagnements:
        evenements.append(Evenement(a.date_debut, "ouverture", f"Ouverture — {a.mission}", objet=a))
        if a.date_fin:
            evenements.append(
                Evenement(a.date_fin, "cloture", f"Clôture — {a.get_issue_display()}", objet=a)
            )
    for e in entretiens:
        titre = f"Entretien {e.get_mode_display()}"
        if e.accompagnement_id is None:
            titre = f"Intervention ponctuelle {e.get_mode_display()}"
        if e.annule:
            titre += " (annulé)"
        evenements.append(Evenement(e.date, "entretien", titre, objet=e))
    for o in orientations:
        evenements.append(
            Evenement(o.date, "orientation", f"Orientation vers {o.partenaire}", o.motif, objet=o)
        )
    return sorted(evenements, key=lambda e: e.date, reverse=True)


def dossier(request, pk: int):
    assure = perms.get_assure_for_user(request.user, pk, PartieDossier.DOSSIER)
    return page_dossier(request, assure)


def page_dossier(
    request,
    assure: Assure,
    *,
    form_entretien: EntretienForm | None = None,
    accompagnement_choisi: str = "",
    status: int = 200,
):
    """The dossier page; with a bound `form_entretien` (a refused interview), the form is shown
    open with its errors and everything that was typed."""
    user = request.user
    lit_accompagnements = perms.can_read_accompagnements(user)
    accompagnements = (
        assure.accompagnements.select_related("mission", "referent", "unite")
        .prefetch_related("partage_avec")
        .order_by("-date_debut")
        if lit_accompagnements
        else Accompagnement.objects.none()
    )
    entretiens = list(
        assure.entretiens.select_related(
            "agent", "second_agent", "partenaire", "lieu_accueil", "accompagnement__mission"
        ).order_by("-date", "-id")
    )
    notes_lisibles = {e.pk for e in entretiens if perms.can_read_notes(user, e)}
    corrigeables = {e.pk for e in entretiens if actions.peut_corriger_entretien(user, e)}
    if notes_lisibles:
        perms.journaliser(user, assure, PartieDossier.NOTES)
    signalements = list(
        perms.signalements_visible_to(user)
        .filter(assure=assure)
        .select_related("unite", "agent", "emetteur")
    )
    orientations = list(assure.orientations.all()) if lit_accompagnements else []
    accompagnements = list(accompagnements)
    ouverts = [
        a for a in accompagnements if not a.est_clos and perms.can_write_accompagnement(user, a)
    ]
    entretien_refuse = form_entretien is not None
    if lit_accompagnements and form_entretien is None:
        form_entretien = EntretienForm(agent=user, assure=assure)
    elif not lit_accompagnements:
        form_entretien = None
    return render(
        request,
        "dossiers/dossier.html",
        {
            "assure": assure,
            "accompagnements": accompagnements,
            "ouverts": ouverts,
            "entretiens": entretiens,
            "notes_lisibles": notes_lisibles,
            "chronologie": _chronologie(accompagnements, entretiens, signalements, orientations),
            "corrigeables": corrigeables,
            "lit_accompagnements": lit_accompagnements,
            "form_entretien": form_entretien,
            "entretien_refuse": entretien_refuse,
            "accompagnement_choisi": accompagnement_choisi,
            "peut_ouvrir": perms.can_open_accompagnement(user, assure),
            "peut_historique": perms.can_read_historique(user),
            "refus_messages": messages_personne.a_refuse(assure),
            "boutons_extensions": extensions.boutons(user, assure),
            "blocs_extensions": extensions.blocs(user, assure),
            "peut_modifier_identite": perms.can_edit_identite(user, assure),
        },
        status=status,
    )


@require_POST
def refus_messages(request, pk: int):
    """The person told the agent they want no more messages from the service."""
    user = request.user
    assure = perms.get_assure_for_user(user, pk, PartieDossier.IDENTITE)
    if not perms.can_edit_identite(user, assure):
        raise PermissionDenied
    messages_personne.enregistrer_refus(assure, acting_user=user)
    messages.success(request, "Refus des messages enregistré : plus aucun SMS ni courriel.")
    return redirect("dossiers:dossier", pk=assure.pk)


def assure_modifier(request, pk: int):
    user = request.user
    assure = perms.get_assure_for_user(user, pk, PartieDossier.IDENTITE)
    if not perms.can_edit_identite(user, assure):
        raise PermissionDenied
    actuel = None
    if request.method == "POST":
        form = AssureForm(request.POST)
        if form.is_valid():
            champs = dict(form.cleaned_data)
            version = champs.pop("version")
            for champ in ("adresse", "telephone", "email", "situation_precision", "employeur"):
                champs[champ] = champs[champ] or ""
            try:
                actions.modifier_assure(assure, acting_user=user, version=version, **champs)
            except actions.ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                actuel = conflit.objet
                rafraichir_version(form, actuel.version)
            except actions.RegleMetier as erreur:
                reporter_erreurs(form, erreur)
            else:
                messages.success(request, "Identité et situation enregistrées.")
                return redirect("dossiers:dossier", pk=assure.pk)
    else:
        initial = {f: getattr(assure, f) for f in AssureForm.base_fields if hasattr(assure, f)}
        initial["commune"] = assure.commune.code if assure.commune else ""
        initial["telephone"] = formater_telephone(assure.telephone) if assure.telephone else ""
        form = AssureForm(initial=initial)
    return render(
        request, "dossiers/assure_modifier.html", {"form": form, "assure": assure, "actuel": actuel}
    )


def historique(request, pk: int):
    """Who changed what, when, in a dossier (persons, accompaniments, interviews)."""
    user = request.user
    if not perms.can_read_historique(user):
        raise PermissionDenied
    assure = perms.get_assure_for_user(user, pk, PartieDossier.HISTORIQUE)
    versions = []
    accompagnements = list(
        Accompagnement.objects.filter(assure_id=assure.pk).values_list("pk", flat=True)
    )
    for modele, titre, enregistrements in (
        ("assure", "Identité et situation", assure.history.select_related("history_user")),
        (
            "signalement",
            "Signalement",
            Signalement.history.filter(assure_id=assure.pk).select_related("history_user"),
        ),
        (
            "accompagnement",
            "Accompagnement",
            Accompagnement.history.filter(assure_id=assure.pk).select_related(
                "history_user", "mission"
            ),
        ),
        (
            "objectif",
            "Objectif du plan d'aide",
            Objectif.history.filter(accompagnement_id__in=accompagnements).select_related(
                "history_user"
            ),
        ),
        (
            "action",
            "Action du plan d'aide",
            Action.history.filter(accompagnement_id__in=accompagnements).select_related(
                "history_user"
            ),
        ),
        (
            "orientation",
            "Orientation",
            Orientation.history.filter(assure_id=assure.pk).select_related("history_user"),
        ),
        (
            "entretien",
            "Entretien",
            Entretien.history.filter(assure_id=assure.pk).select_related("history_user"),
        ),
    ):
        precedent = {}
        for h in sorted(enregistrements, key=lambda h: (h.id, h.history_date)):
            avant = precedent.get(h.id)
            changements = []
            if avant is not None:
                delta = h.diff_against(avant)
                changements = [
                    h.instance._meta.get_field(c.field).verbose_name for c in delta.changes
                ]
            precedent[h.id] = h
            versions.append(
                {
                    "date": h.history_date,
                    "titre": titre,
                    "type": h.get_history_type_display(),
                    "auteur": h.history_user,
                    "origine": h.history_change_reason or "",
                    "changements": changements,
                    "modele": modele,
                }
            )
    versions.sort(key=lambda v: v["date"], reverse=True)
    return render(
        request,
        "dossiers/historique.html",
        {"assure": assure, "versions": versions, "maintenant": timezone.now()},
    )
