"""The access log of a unit (journal des consultations), for its manager: filtered by person,
agent and dates, 50 lines a page."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from parcours.dossiers import perms
from parcours.dossiers.forms import FiltreJournalForm

LIGNES_PAR_PAGE = 50
FILTRES = ("personne", "agent", "du", "au")


def journal(request: HttpRequest) -> HttpResponse:
    """Every read of a dossier logged for the unit — by its agents, and by partners of the
    signalements it received — newest first. The filters travel in GET and stay in the pages'
    links; the person is their internal id, never a name (FiltreJournalForm)."""
    user = request.user
    if not perms.can_read_journal(user):
        raise PermissionDenied
    form = FiltreJournalForm(request.GET or None, agents=perms.agents_du_journal(user))
    lignes = perms.journal_visible_to(user)
    personne = None
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read never widens the list: the errors, and nothing else.
        lignes = lignes.none()
    elif form.is_bound:
        filtres = form.cleaned_data
        if filtres["personne"]:
            lignes = lignes.filter(assure_id=filtres["personne"])
            personne = perms.personne_du_journal(user, filtres["personne"])
        if filtres["agent"]:
            lignes = lignes.filter(agent_id=filtres["agent"].pk)
        lignes = lignes.entre(filtres["du"], filtres["au"])
    paginator = Paginator(
        lignes.select_related("agent", "assure").order_by("-date", "-id"), LIGNES_PAR_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    # The pages' links carry the filters as typed (only them), so that they are kept.
    filtres_saisis = QueryDict(mutable=True)
    for nom in FILTRES:
        if valeur := request.GET.get(nom):
            filtres_saisis[nom] = valeur
    return render(
        request,
        "dossiers/journal.html",
        {
            "form": form,
            "page": page,
            "pages": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtres": filtres_saisis,
            "filtre_personne": bool(form.is_bound and form.data.get("personne")),
            "personne": personne,
        },
    )
