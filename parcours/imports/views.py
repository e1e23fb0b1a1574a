from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from parcours.imports import perms
from parcours.imports.engine import REGISTRE, importer
from parcours.imports.forms import TeleversementForm
from parcours.imports.models import Import


def televerser(request):
    """Upload a CSV file; show each bad row, or what was created and changed."""
    types = perms.types_importables(request.user)
    if not types:
        raise PermissionDenied
    rapport = None
    if request.method == "POST":
        form = TeleversementForm(request.POST, request.FILES, types=types)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            rapport = importer(
                form.cleaned_data["type"],
                fichier.read(),
                acting_user=request.user,
                nom_fichier=fichier.name,
            )
    else:
        form = TeleversementForm(types=types)
    formats = [(REGISTRE[t].libelle, ";".join(REGISTRE[t].colonnes)) for t in types]
    journal = Import.objects.filter(type__in=types).select_related("auteur")[:20]
    return render(
        request,
        "imports/televerser.html",
        {"form": form, "rapport": rapport, "formats": formats, "journal": journal},
    )
