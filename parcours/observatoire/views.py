"""The territorial observatory's pages: three maps, their figures, a new computation, where to
open the next reception place, and the downloads (JSON, SVG)."""

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.dossiers.annees import annees_disponibles, derniere_annee_complete
from parcours.observatoire import calculs, cartes, fragilite, implantation, perms
from parcours.observatoire.forms import CalculObservatoireForm, CarteForm, ImplantationForm

COUCHES = calculs.CARTES


def _organisme(request):
    if not perms.can_view_observatoire(request.user):
        raise PermissionDenied
    return request.user.organisme


def _annee_residence(request) -> tuple[int, list[int]]:
    """The year of the residence map: asked for, or the last full year."""
    annees = annees_disponibles()
    form = CarteForm(request.GET or None, annees=annees)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["annee"], annees
    return derniere_annee_complete(annees), annees


def page(request):
    return render(request, "observatoire/observatoire.html", _contexte(request))


def _contexte(request, form_calcul: CalculObservatoireForm | None = None) -> dict:
    organisme = _organisme(request)
    calcul = calculs.dernier_calcul(organisme)
    en_cours = calculs.calcul_en_cours(organisme)
    annee, annees = _annee_residence(request)
    contexte = {
        "organisme": organisme,
        "calcul": calcul,
        "en_cours": en_cours,
        "echec": calculs.dernier_echec(organisme),
        "annee": annee,
        "annees": annees,
        "form_calcul": form_calcul
        or CalculObservatoireForm(initial={"annee": calculs.annee_par_defaut(), "alpha": 0.05}),
        "a_des_donnees": calculs.a_des_donnees_de_fragilite(organisme),
        "legendes": cartes.LEGENDES,
    }
    if calcul is not None:
        contexte.update(_resume(calcul))
        contexte["implantation"] = _implantation(request, calcul)
    return contexte


def _resume(calcul) -> dict:
    fragile = calcul.resultats.get("fragilite")
    return {
        "acces": calcul.resultats["accessibilite"],
        "portee": calculs.portee(calcul),
        "fragile": fragile,
        "repartition": calculs.repartition_composite(fragile) if fragile else None,
        "mention_estimateur": calculs.mention_estimateur(calcul),
    }


def _implantation(request, calcul) -> dict:
    """The siting form and, once submitted, its proposals (not stored: they are quick)."""
    fragile = calcul.resultats.get("fragilite")
    if not fragile:
        return {"form": None}
    if "nombre" not in request.GET:
        return {"form": ImplantationForm()}
    form = ImplantationForm(request.GET)
    if not form.is_valid():
        return {"form": form}
    organisme = calcul.organisme
    propositions, resume = implantation.recommander_pour(
        organisme,
        fragile["territoires"],
        fragilite.population_25_54_par_commune(organisme),
        nombre=form.cleaned_data["nombre"],
        seuil=form.cleaned_data["seuil"],
        minutes=form.cleaned_data["minutes"],
    )
    if resume["methode"] == "exact":
        libelle = "solution optimale (programme linéaire en nombres entiers, HiGHS)"
    else:
        libelle = "couverture maximale gloutonne (lieu par lieu)"
        if resume.get("repli"):
            libelle += ", le calcul exact n'ayant pas abouti à temps"
    return {
        "form": form,
        "propositions": propositions,
        "resume": resume,
        "methode_libelle": libelle,
    }


@require_POST
def calcul(request):
    organisme = _organisme(request)
    if not perms.can_compute_observatoire(request.user):
        raise PermissionDenied
    form = CalculObservatoireForm(request.POST)
    if not form.is_valid():
        return render(
            request, "observatoire/observatoire.html", _contexte(request, form), status=400
        )
    if calculs.calcul_en_cours(organisme) is None:
        calculs.demander(
            organisme,
            calculs.Parametres(
                annee=form.cleaned_data["annee"],
                alpha=float(form.cleaned_data["alpha"]),
                reference=form.cleaned_data["reference"],
            ),
            acting_user=request.user,
        )
    return redirect("observatoire:page")


def progression(request):
    organisme = _organisme(request)
    en_cours = calculs.calcul_en_cours(organisme)
    reponse = render(request, "observatoire/_progression.html", {"en_cours": en_cours})
    if en_cours is None:
        reponse["HX-Refresh"] = "true"
    return reponse


def _calcul_pret(organisme):
    calcul = calculs.dernier_calcul(organisme)
    if calcul is None:
        raise Http404("aucun calcul de l'observatoire")
    return calcul


def couche(request, nom: str):
    """A GeoJSON layer of the page's map."""
    organisme = _organisme(request)
    if nom not in (*COUCHES, "lieux"):
        raise Http404("couche inconnue")
    calcul = _calcul_pret(organisme)
    deps = calculs.departements(organisme)
    if nom == "lieux":
        donnees = cartes.lieux_geojson(calculs.lieux(organisme))
    elif nom == "fragilite":
        fragile = calcul.resultats.get("fragilite")
        if not fragile:
            raise Http404("pas de données de fragilité")
        donnees = cartes.geojson_fragilite(
            cartes.contours_pseudo_cantons(deps), fragile["territoires"], fragile["parametres"]
        )
    elif nom == "accessibilite":
        donnees = cartes.geojson_accessibilite(
            cartes.contours_communes(deps),
            calcul.resultats["accessibilite"]["communes"],
            calculs.lieux(organisme),
        )
    else:
        annee, _ = _annee_residence(request)
        donnees = cartes.geojson_residence(
            cartes.contours_communes(deps),
            calculs.personnes_vues_de_visu(organisme, annee, masquer=True),
            annee,
            True,
        )
    reponse = JsonResponse(donnees, json_dumps_params={"ensure_ascii": False})
    reponse["Cache-Control"] = "private, max-age=300"
    return reponse


def carte_svg(request, nom: str):
    organisme = _organisme(request)
    if nom not in COUCHES:
        raise Http404("carte inconnue")
    calcul = _calcul_pret(organisme)
    annee, _ = _annee_residence(request)
    svg = calculs.cartes_svg(calcul, annee, masquer=True, noms=(nom,)).get(nom)
    if svg is None:
        raise Http404("pas de données de fragilité")
    reponse = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    suffixe = f"-{annee}" if nom == "residence" else ""
    reponse["Content-Disposition"] = (
        f'attachment; filename="observatoire-{organisme.code}-{nom}{suffixe}.svg"'
    )
    return reponse


def export_json(request):
    organisme = _organisme(request)
    calcul = _calcul_pret(organisme)
    contenu = json.dumps(calculs.donnees_json(calcul), ensure_ascii=False, indent=1)
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="observatoire-{organisme.code}.json"'
    return reponse
