from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parcours.imports import aide, perms, taches
from parcours.imports.engine import REGISTRE
from parcours.imports.forms import TeleversementForm
from parcours.imports.models import Import
from parcours.imports.televersement import en_mo, taille_max


def televerser(request):
    """Upload a CSV file; the import runs in the background and its page shows the progress."""
    user = request.user
    types = perms.types_importables(user)
    if not types:
        raise PermissionDenied
    form = TeleversementForm(request.POST or None, request.FILES or None, types=types)
    trop_gros = getattr(request, "televersement_trop_gros", None)
    erreur_fichier = ""
    if trop_gros:
        # The file was not read: the form starts again, the kind chosen kept.
        form = TeleversementForm(initial={"type": request.POST.get("type")}, types=types)
        erreur_fichier = (
            f"fichier trop volumineux ({en_mo(trop_gros)}) : un import accepte "
            f"{en_mo(taille_max())} au plus. Découpez le fichier, ou importez-le avec la "
            "commande « importer » de l'exploitant."
        )
    elif request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        journal = Import.objects.create(
            type=form.cleaned_data["type"],
            nom_fichier=fichier.name[:255],
            auteur=user,
            restreint=perms.import_restreint(user),
        )
        taches.deposer(journal, fichier)
        taches.lancer(journal)
        return redirect("imports:suivi", pk=journal.pk)
    formats = [aide.format_de(REGISTRE[t]) for t in types]
    journal = [
        i.tel_qu_affiche() for i in perms.imports_visible_to(user).select_related("auteur")[:20]
    ]
    return render(
        request,
        "imports/televerser.html",
        {
            "form": form,
            "formats": formats,
            "journal": journal,
            "taille_max": en_mo(taille_max()),
            "erreur_fichier": erreur_fichier,
        },
    )


def modele(request: HttpRequest, type_: str) -> HttpResponse:
    """The template CSV of a kind the user may import (header and one example row); another
    kind is unknown to them, as a kind that does not exist."""
    types = perms.types_importables(request.user)
    if not types:
        raise PermissionDenied
    if type_ not in types:
        raise Http404("type de fichier inconnu")
    reponse = HttpResponse(aide.modele_csv(REGISTRE[type_]), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="modele-{type_}.csv"'
    return reponse


def _journal_pour(request, pk: int) -> Import:
    """An import its author may follow (an administrator: any of their organisme's)."""
    try:
        journal = perms.imports_visible_to(request.user).select_related("auteur").get(pk=pk)
    except Import.DoesNotExist:
        raise Http404("import introuvable") from None
    if journal.auteur_id != request.user.pk and not perms.suit_tous_les_imports(request.user):
        raise Http404("import introuvable")
    return journal.tel_qu_affiche()


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
