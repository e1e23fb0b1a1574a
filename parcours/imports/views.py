from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from parcours.imports import perms, taches
from parcours.imports.engine import REGISTRE
from parcours.imports.forms import TeleversementForm
from parcours.imports.models import Import
from parcours.organisation.enums import Role


def televerser(request):
    """Upload a CSV file; the import runs in the background and its page shows the progress."""
    types = perms.types_importables(request.user)
    if not types:
        raise PermissionDenied
    form = TeleversementForm(request.POST or None, request.FILES or None, types=types)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        journal = Import.objects.create(
            type=form.cleaned_data["type"], nom_fichier=fichier.name[:255], auteur=request.user
        )
        taches.deposer(journal, fichier.read())
        taches.lancer(journal)
        return redirect("imports:suivi", pk=journal.pk)
    formats = [(REGISTRE[t].libelle, ";".join(REGISTRE[t].colonnes)) for t in types]
    journal = Import.objects.filter(type__in=types).select_related("auteur")[:20]
    return render(
        request,
        "imports/televerser.html",
        {"form": form, "formats": formats, "journal": journal},
    )


def _journal_pour(request, pk: int) -> Import:
    """An import its author may follow (any import of their kinds for an administrator)."""
    types = perms.types_importables(request.user)
    try:
        journal = Import.objects.select_related("auteur").get(pk=pk, type__in=types)
    except Import.DoesNotExist:
        raise Http404("import introuvable") from None
    if journal.auteur_id != request.user.pk and request.user.role != Role.ADMIN:
        raise Http404("import introuvable")
    return journal


def suivi(request, pk: int):
    journal = _journal_pour(request, pk)
    return render(
        request,
        "imports/suivi.html",
        {
            "i": journal,
            "etat": taches.lire_progression(journal),
            "libelle": REGISTRE[journal.type].libelle,
        },
    )


def progression(request, pk: int):
    """The HTMX fragment polled by the follow-up page until the import ends."""
    journal = _journal_pour(request, pk)
    return render(
        request,
        "imports/_progression.html",
        {"i": journal, "etat": taches.lire_progression(journal)},
    )
