from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from parcours.dossiers.annees import (
    annees_completes,
    annees_disponibles,
    debut_des_donnees,
    derniere_annee_complete,
)
from parcours.formulaires import rafraichir_version
from parcours.lib.verrou import ConflitDeVersion
from parcours.organisation.enums import Role
from parcours.organisation.models import Unite
from parcours.statistiques import actions, detection, exports, graphiques, perms
from parcours.statistiques import rapport as rapports
from parcours.statistiques.forms import (
    FiltreStatistiquesForm,
    GenererRapportForm,
    TextesRapportForm,
)
from parcours.statistiques.indicateurs import (
    Bilan,
    Perimetre,
    calculer,
)
from parcours.statistiques.models import RapportAnnuel, StatutRapport, TexteRapport
from parcours.statistiques.rendezvous import section_tableau_de_bord
from parcours.statistiques.tableaux import (
    MOIS_ABREGES,
    POURCENTAGE,
    Tableau,
    Valeur,
    arrondi,
    depuis_dict,
    tableaux,
)


@dataclass
class ChiffreCle:
    libelle: str
    valeur: Valeur
    precedente: Valeur
    comparable: bool = True  # both years are whole years of data

    @property
    def evolution(self) -> str:
        """Against the previous year: in % for counts, in points for shares; nothing when one
        of the two years is not a whole year of data (« +1 847 % » over a year barely begun)."""
        n, p = self.valeur, self.precedente
        if not self.comparable:
            return ""
        if n.masque or p.masque or n.nombre is None or p.nombre is None:
            return ""
        if n.nature == POURCENTAGE:
            ecart = arrondi(n.nombre) - arrondi(p.nombre)
            return f"{ecart:+.0f} pt".replace("-", "−")
        if not p.nombre:
            return ""
        return f"{arrondi(100 * (n.nombre - p.nombre) / p.nombre):+.0f} %".replace("-", "−")


def _chiffres_cles(
    t: dict[str, Tableau], p: dict[str, Tableau], comparable: bool = True
) -> list[ChiffreCle]:
    cles = [
        ("Assurés suivis", "assures_axes", "total", 0),
        ("Entretiens réalisés", "missions", "total", 0),
        ("dont entretiens de visu", "modes", "de_visu", 0),
        ("Accompagnements actifs", "missions", "total", 1),
        ("Interventions ponctuelles", "missions", "ponctuelles", 0),
        ("Signalements reçus", "signalements", "total", -1),
        ("PDP : emploi retrouvé", "pdp", "emploi", 1),
    ]
    return [
        ChiffreCle(libelle, t[tab].valeur(code, col), p[tab].valeur(code, col), comparable)
        for libelle, tab, code, col in cles
    ]


def _filtres(request):
    """The dashboard's filters: year and, for the regional direction, département and unit."""
    user = request.user
    if not perms.can_view_statistiques(user):
        raise PermissionDenied
    annees = annees_disponibles()
    departements, unites = [], []
    if user.role == Role.PILOTAGE:
        departements = list(user.organisme.departements())
        unites = Unite.objects.filter(organisme_id=user.organisme_id).order_by("nom")
        if request.GET.get("departement"):
            unites = unites.filter(departement_id=request.GET["departement"])
    form = FiltreStatistiquesForm(
        request.GET or None,
        annees=annees,
        departements=departements,
        unites=list(unites),
        initial={"annee": derniere_annee_complete(annees)},
    )
    annee, departement, unite = derniere_annee_complete(annees), None, None
    if form.is_bound:
        form.is_valid()  # a field that is wrong falls back to its default, the others hold
        annee = form.cleaned_data.get("annee") or annee
        departement = form.cleaned_data.get("departement") or None
        unite = form.cleaned_data.get("unite") or None
    perimetre = perms.perimetre_for(user, departement, unite)
    return form, annee, perimetre


def _requete(annee: int, perimetre: Perimetre) -> str:
    parties = [f"annee={annee}"]
    if perimetre.departement is not None and perimetre.unite is None:
        parties.append(f"departement={perimetre.departement.code}")
    if perimetre.unite is not None:
        parties.append(f"unite={perimetre.unite.pk}")
    return "&".join(parties)


def _nom_de_fichier(annee: int, perimetre: Perimetre) -> str:
    portee = (
        f"unite-{perimetre.unite.code}"
        if perimetre.unite
        else f"departement-{perimetre.departement.code}"
        if perimetre.departement
        else perimetre.organisme.code
    )
    return f"parcours-statistiques-{annee}-{portee}"


def tableau_de_bord(request):
    form, annee, perimetre = _filtres(request)
    masquer = perms.masquer(request.user)
    bilan = calculer(annee, perimetre, par_mois=True)
    t = tableaux(bilan, masquer)
    precedents = tableaux(calculer(annee - 1, perimetre, par_mois=True), masquer)
    comparable = all(annees_completes([annee, annee - 1], debut_des_donnees()))
    return render(
        request,
        "statistiques/tableau_de_bord.html",
        {
            "form": form,
            "annee": annee,
            "perimetre": perimetre,
            "masquer": masquer,
            "tableaux": t,
            "chiffres_cles": _chiffres_cles(t, precedents, comparable),
            "comparable": comparable,
            "graphiques": _graphiques(bilan, t),
            "requete": _requete(annee, perimetre),
            "annee_en_cours": annee == timezone.localdate().year,
            "export_csv": True,
            "rendez_vous": section_tableau_de_bord(annee, perimetre, masquer),
            "detection": detection.section_tableau_de_bord(annee, perimetre, masquer),
        },
    )


def _graphiques(bilan: Bilan, t: dict[str, Tableau]) -> dict:
    missions = [ligne for ligne in t["missions"].lignes if not ligne.total]
    modes = [
        ligne
        for ligne in t["modes"].lignes
        if ligne.code in ("LIEU_ACCUEIL", "DOMICILE", "TELEPHONE", "VISIO", "AUTRE")
    ]
    mois = [ligne for ligne in t["mois"].lignes if not ligne.total]
    return {
        "missions": graphiques.barres(
            "Entretiens réalisés par mission", [(m.libelle, m.valeurs[0]) for m in missions]
        ),
        "modes": graphiques.repartition(
            "Entretiens par mode", [(m.libelle, m.valeurs[0]) for m in modes]
        ),
        "mois": graphiques.colonnes(
            "Entretiens réalisés par mois",
            [(MOIS_ABREGES[i], m.valeurs[0]) for i, m in enumerate(mois)],
        ),
    }


def _tous_les_tableaux(annee: int, perimetre: Perimetre, masquer: bool) -> dict[str, Tableau]:
    """The dashboard's tables: individual work's, the appointments', the outreach campaigns'."""
    t = tableaux(calculer(annee, perimetre, par_mois=True), masquer)
    return {
        **t,
        **section_tableau_de_bord(annee, perimetre, masquer).tableaux,
        **detection.section_tableau_de_bord(annee, perimetre, masquer).tableaux,
    }


def export_xlsx(request):
    _, annee, perimetre = _filtres(request)
    t = _tous_les_tableaux(annee, perimetre, perms.masquer(request.user))
    contenu = exports.classeur([(tab.titre, [tab]) for tab in t.values()])
    return _fichier(contenu, exports.TYPE_XLSX, f"{_nom_de_fichier(annee, perimetre)}.xlsx")


def export_csv(request, cle: str):
    _, annee, perimetre = _filtres(request)
    t = _tous_les_tableaux(annee, perimetre, perms.masquer(request.user))
    if cle not in t:
        raise Http404("tableau inconnu")
    return _fichier(
        exports.csv_de(t[cle]).encode(),
        "text/csv; charset=utf-8",
        f"{_nom_de_fichier(annee, perimetre)}-{cle}.csv",
    )


def _fichier(contenu: bytes, type_mime: str, nom: str, en_ligne: bool = False) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type=type_mime)
    disposition = "inline" if en_ligne else "attachment"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    return reponse


# The annual report


def _verifier_rapports(user) -> None:
    if not perms.can_manage_rapports(user):
        raise PermissionDenied


def _annees_du_rapport() -> list[int]:
    """The years a report can be produced for: those with records, and always the last one
    over. The report of year N is published in N+1: the page preselects N, never the year
    under way — even when the records begin this year (issue 12, defect 15)."""
    annees = annees_disponibles()
    if len(annees) == 1:
        annees.append(annees[0] - 1)
    return annees


def rapports_annuels(request):
    user = request.user
    _verifier_rapports(user)
    annees = _annees_du_rapport()
    form = GenererRapportForm(
        request.POST or None,
        annees=annees,
        en_cours=timezone.localdate().year,
        initial={"annee": derniere_annee_complete(annees)},
    )
    if request.method == "POST" and form.is_valid():
        edition = actions.demander_rapport(acting_user=user, annee=form.cleaned_data["annee"])
        return redirect("statistiques:rapport", pk=edition.pk)
    editions = (
        RapportAnnuel.objects.filter(organisme_id=user.organisme_id)
        .select_related("demande_par")
        .defer("html", "pdf", "donnees")
    )
    return render(
        request,
        "statistiques/rapports.html",
        {"form": form, "editions": editions, "organisme": user.organisme},
    )


def _edition(request, pk: int) -> RapportAnnuel:
    _verifier_rapports(request.user)
    return get_object_or_404(
        RapportAnnuel.objects.select_related("demande_par", "organisme").defer("pdf"),
        pk=pk,
        organisme_id=request.user.organisme_id,
    )


def rapport(request, pk: int):
    """An edition: its progress, its failure (an interrupted one included, told without writing:
    RapportAnnuel.interrompu), or its tables and files."""
    edition = _edition(request, pk)
    if request.htmx:
        reponse = render(request, "statistiques/_progression_rapport.html", {"edition": edition})
        if edition.statut == StatutRapport.PRET:
            reponse["HX-Refresh"] = "true"  # show the finished edition
        return reponse
    sections = []
    if edition.statut == StatutRapport.PRET:
        sections = [("region", "Région", edition.donnees["region"])] + [
            (p["code"], f"{p['nom']} ({p['code']})", p["tableaux"])
            for p in edition.donnees["departements"]
        ]
    return render(
        request,
        "statistiques/rapport_edition.html",
        {
            "edition": edition,
            "sections": [
                (code, titre, [depuis_dict(t) for t in ts]) for code, titre, ts in sections
            ],
        },
    )


def rapport_fichier(request, pk: int, format: str):
    edition = _edition(request, pk)
    if edition.statut != StatutRapport.PRET:
        raise Http404("rapport pas encore prêt")
    nom = f"rapport-activite-{edition.annee}-{edition.organisme.code}"
    if format == "pdf":
        contenu = bytes(RapportAnnuel.objects.values_list("pdf", flat=True).get(pk=pk))
        return _fichier(contenu, "application/pdf", f"{nom}.pdf", en_ligne=True)
    if format == "html":
        reponse = HttpResponse(edition.html)
        # The report's HTML is made for the PDF, its styles inline; still no script at all.
        reponse._csp_update = {"style-src": ["'unsafe-inline'"]}
        return reponse
    if format == "json":
        reponse = JsonResponse(edition.donnees["json"], json_dumps_params={"ensure_ascii": False})
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.json"'
        return reponse
    if format == "xlsx":
        contenu = exports.classeur(rapports.feuilles(edition.donnees))
        return _fichier(contenu, exports.TYPE_XLSX, f"{nom}.xlsx")
    raise Http404("format inconnu")


def rapport_csv(request, pk: int, section: str, cle: str):
    edition = _edition(request, pk)
    if edition.statut != StatutRapport.PRET:
        raise Http404("rapport pas encore prêt")
    if section == "region":
        liste = edition.donnees["region"]
    else:
        page = next((p for p in edition.donnees["departements"] if p["code"] == section), None)
        if page is None:
            raise Http404("département inconnu")
        liste = page["tableaux"]
    tableau = next((depuis_dict(t) for t in liste if t["cle"] == cle), None)
    if tableau is None:
        raise Http404("tableau inconnu")
    nom = f"rapport-activite-{edition.annee}-{edition.organisme.code}-{section}-{cle}.csv"
    return _fichier(exports.csv_de(tableau).encode(), "text/csv; charset=utf-8", nom)


def textes_rapport(request, annee: int):
    user = request.user
    _verifier_rapports(user)
    organisme = user.organisme
    departements = list(organisme.departements())
    textes = (
        TexteRapport.objects.filter(organisme=organisme, annee=annee)
        .prefetch_related("zooms")
        .first()
    )
    form = TextesRapportForm(
        request.POST or None,
        departements=departements,
        initial=TextesRapportForm.initial_de(textes),
    )
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            actions.enregistrer_textes(
                acting_user=user,
                annee=annee,
                version=donnees["version"],
                edito=donnees["edito"],
                contact=donnees["contact"],
                zooms={
                    d.code: (donnees[f"zoom_titre_{d.code}"], donnees[f"zoom_texte_{d.code}"])
                    for d in departements
                },
            )
        except ConflitDeVersion as conflit:
            form.add_error(None, _texte_modifie(conflit.objet))
            rafraichir_version(form, conflit.objet.version)
        else:
            messages.success(request, f"Textes du rapport {annee} enregistrés.")
            return redirect("statistiques:rapports")
    return render(
        request,
        "statistiques/textes_rapport.html",
        {"form": form, "annee": annee, "organisme": organisme, "departements": departements},
    )


def _texte_modifie(textes: TexteRapport) -> str:
    """Who saved the texts in between, and when: the person told compares, then saves again."""
    auteur = textes.modifie_par.get_full_name() if textes.modifie_par else "un collègue"
    quand = timezone.localtime(textes.modifie_le)
    return (
        f"{auteur} a modifié ces textes pendant que vous les écriviez "
        f"(le {quand:%d/%m/%Y à %H:%M}). Votre saisie est conservée "
        "ci-dessous : relisez la version enregistrée puis enregistrez à nouveau."
    )
