from django.http import HttpResponse
from django.template.loader import render_to_string

from parcours.lib.texte import normaliser
from parcours.territoire.models import Commune


def communes(request):
    """Suggestions for a commune field: `<option>`s matching a name or an INSEE code prefix."""
    texte = request.GET.get("q", "").strip()[:60]
    resultats = []
    if len(texte) >= 2:
        qs = Commune.objects.communes().select_related("departement")
        if texte[:2].isdigit() or texte[:2].upper() in ("2A", "2B"):
            resultats = list(qs.filter(code__startswith=texte.upper()).order_by("code")[:20])
        else:
            cle = normaliser(texte)
            candidats = qs.filter(nom__icontains=texte.split(" ")[0]).order_by(
                "-population", "nom"
            )[:200]
            resultats = [c for c in candidats if normaliser(c.nom).startswith(cle)][:20]
    return HttpResponse(
        render_to_string("territoire/options_communes.html", {"communes": resultats})
    )
