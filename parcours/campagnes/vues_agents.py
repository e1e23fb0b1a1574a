"""The agents' pages of the campaigns (issue 15, points 5–7) and the cadre's letters (point 6).

- The work list of an ass or a csam: the rows assigned to them and their unit's unassigned ones,
  by decreasing priority, each with its named contributions (never a hidden model), its
  follow-up and its last attempt. Paginated by key (score, line, id), read from the index
  `cible_travail`, and never counted when longer than a page: the 200th page comes as fast as
  the first (about 40 ms of CPU a page, 60 ms at p95, with 100,000 rows).
- A row: the identity as the list gave it, the priority explained, every attempt (who, when,
  channel, outcome); the outcome of a call; the invitation by SMS or e-mail. « Accepte » turns
  the row into a signalement and goes on to booking the appointment from it.
- The letters of a campaign, for its cadre: a PDF batch for window envelopes
  (parcours.campagnes.courriers).

Permissions are in parcours.campagnes.perms; the operations in parcours.campagnes.contacts.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from parcours.campagnes import contacts, courriers, perms
from parcours.campagnes.enums import (
    RESULTATS_APPEL,
    CanalContact,
    EtatCible,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.dossiers import perms as dossiers_perms
from parcours.territoire.models import Commune

PAR_PAGE = 50
APPELS = {r.value: r for r in RESULTATS_APPEL}
SUIVIS_CLOS = (SuiviCible.ACCEPTE, SuiviCible.REFUS)
# The follow-ups of the work list, as contacts.a_contacter (a test holds them equal).
SUIVIS_EN_ATTENTE = (SuiviCible.A_CONTACTER, SuiviCible.INVITEE, SuiviCible.JOINTE)


def get_cible_for_user(user, pk: int) -> Cible:
    """A row the user may open (a cadre: their organisme's; an agent: their work list's),
    404 otherwise; 403 to the roles that never open one."""
    if not (perms.can_contact(user) or perms.can_manage(user)):
        raise PermissionDenied
    try:
        return perms.cibles_visibles(user).select_related("campagne", "assure", "agent").get(pk=pk)
    except Cible.DoesNotExist:
        raise Http404("personne introuvable") from None


# --- Priority and last attempt, for the list and the row --------------------------------------


@dataclass
class Part:
    points: int
    texte: str

    def __str__(self) -> str:
        return f"{self.points:+d} {self.texte}"


def parts(cible: Cible, poids: dict[str, int]) -> list[Part]:
    """The named contributions of the row's score, with the campaign's weights."""
    return [Part(poids.get(code, 0), texte) for code, texte in cible.contributions or []]


def _derniers(ids: list[int]) -> dict[int, Tentative]:
    """The last attempt of each row (one query for a page)."""
    derniers: dict[int, Tentative] = {}
    for tentative in Tentative.objects.filter(cible_id__in=ids).order_by("quand", "pk"):
        derniers[tentative.cible_id] = tentative
    return derniers


def _communes(codes: set[str]) -> dict[str, str]:
    return dict(Commune.objects.filter(code__in=codes).values_list("code", "nom"))


# --- Key pagination ---------------------------------------------------------------------------


def _curseur(texte: str | None) -> tuple[int, int, int] | None:
    """« score_ligne_id » → (score, ligne, id); None when absent or malformed."""
    try:
        score, ligne, pk = (int(x) for x in (texte or "").split("_"))
    except ValueError:
        return None
    if not (-32768 <= score <= 32767 and 0 <= ligne < 2**31 and 0 < pk < 2**63):
        return None
    return score, ligne, pk


def _cle(cible: Cible) -> str:
    return f"{cible.score}_{cible.ligne}_{cible.pk}"


def _apres(score: int, ligne: int, pk: int) -> Q:
    """The rows after (score, ligne, id) in the order « score desc, ligne, id »; the bound on
    the score alone lets the index start there."""
    return Q(score__lte=score) & (
        Q(score__lt=score) | Q(ligne__gt=ligne) | Q(ligne=ligne, pk__gt=pk)
    )


def _avant(score: int, ligne: int, pk: int) -> Q:
    return Q(score__gte=score) & (
        Q(score__gt=score) | Q(ligne__lt=ligne) | Q(ligne=ligne, pk__lt=pk)
    )


ORDRE = ("-score", "ligne", "pk")
ORDRE_INVERSE = ("score", "-ligne", "-pk")


def _ordre(cible: Cible) -> tuple[int, int, int]:
    return (-cible.score, cible.ligne, cible.pk)


def sources(user) -> list[QuerySet[Cible]]:
    """contacts.a_contacter(user), within the user's organisme (perms.cibles_a_contacter), cut
    into the ranges of the index `cible_travail` (agent, suivi, -score, ligne): the agent's
    rows and the unit's unassigned ones, for each follow-up still waiting for an answer. Each
    range is read in the list's order and stops after a page, where the query as one would
    sort all of the agent's and the unit's rows at each page (about 100 ms with 100,000)."""
    base = Cible.objects.filter(
        campagne__organisme_id=user.organisme_id,
        campagne__statut=StatutCampagne.VALIDEE,
        etat=EtatCible.RETENUE,
    )
    proprietaires = (Q(agent_id=user.pk), Q(agent__isnull=True, unite_id=user.unite_id))
    return [base.filter(qui, suivi=suivi) for qui in proprietaires for suivi in SUIVIS_EN_ATTENTE]


def page_de(
    sources: list[QuerySet[Cible]], *, apres=None, avant=None
) -> tuple[list[Cible], str | None, str | None]:
    """One page of the list, in its order, and the keys of the pages before and after it: the
    keys of a page from each range, merged, then the page's rows in one query."""
    if avant is not None:
        condition, ordre = _avant(*avant), ORDRE_INVERSE
    else:
        condition, ordre = (_apres(*apres) if apres is not None else Q()), ORDRE
    cles: list[tuple[int, int, int]] = []
    for source in sources:
        cles += (
            source.filter(condition)
            .order_by(*ordre)
            .values_list("score", "ligne", "pk")[: PAR_PAGE + 1]
        )
    cles.sort(key=lambda cle: (-cle[0], cle[1], cle[2]), reverse=avant is not None)
    plus = len(cles) > PAR_PAGE
    cles = cles[:PAR_PAGE]
    rangees = Cible.objects.select_related("campagne").in_bulk([pk for _, _, pk in cles])
    lignes = sorted(rangees.values(), key=_ordre)
    if avant is not None:
        return lignes, (_cle(lignes[0]) if plus else None), (_cle(lignes[-1]) if lignes else None)
    precedente = _cle(lignes[0]) if apres is not None and lignes else None
    return lignes, precedente, (_cle(lignes[-1]) if plus else None)


# --- The work list ----------------------------------------------------------------------------


@require_GET
def a_contacter(request):
    """The agent's work list, by decreasing priority (issue 15, point 5)."""
    user = request.user
    if not perms.can_contact(user):
        raise PermissionDenied
    parties = sources(user)
    apres, avant = _curseur(request.GET.get("apres")), _curseur(request.GET.get("avant"))
    lignes, precedente, suivante = page_de(parties, apres=apres, avant=avant)
    # Counted only when it holds on one page: counting a long list at each page would cost
    # more than the page itself (about 100 ms up to 1,000 rows of 100,000, on SQLite).
    entiere = apres is None and avant is None and suivante is None
    communes = _communes({c.commune for c in lignes})
    derniers = _derniers([c.pk for c in lignes])
    poids: dict[int, dict[str, int]] = {}
    for cible in lignes:
        if cible.campagne_id not in poids:
            poids[cible.campagne_id] = cible.campagne.poids_effectifs()
        cible.parts = parts(cible, poids[cible.campagne_id])
        cible.nom_commune = communes.get(cible.commune, cible.commune)
        cible.derniere = derniers.get(cible.pk)
    return render(
        request,
        "campagnes/agent_a_contacter.html",
        {
            "lignes": lignes,
            "precedente": precedente,
            "suivante": suivante,
            "premiere": not (apres is None and avant is None),
            "nombre": len(lignes) if entiere else None,
        },
    )


# --- A row ------------------------------------------------------------------------------------


def _peut_appeler(user, cible: Cible) -> bool:
    return (
        perms.can_contact(user)
        and cible.etat == EtatCible.RETENUE
        and cible.campagne.statut == StatutCampagne.VALIDEE
        and cible.suivi not in SUIVIS_CLOS
    )


def _peut_inviter(user, cible: Cible) -> bool:
    canaux = cible.campagne.canaux or []
    return (
        _peut_appeler(user, cible)
        and cible.invitee_le is None
        and (CanalContact.SMS in canaux or CanalContact.COURRIEL in canaux)
    )


def _prise_de_rendez_vous(user, cible: Cible) -> str | None:
    """Where the appointment of an accepting row is booked: the booking page of the person's
    dossier, from the signalement (which the appointment keeps), if the user sees it."""
    if cible.signalement_id is None or cible.assure_id is None or cible.rendez_vous_id:
        return None
    if not dossiers_perms.assures_visible_to(user).filter(pk=cible.assure_id).exists():
        return None
    parametres = {"signalement": cible.signalement_id}
    if cible.campagne.motif_rendez_vous_id:
        parametres["motif"] = cible.campagne.motif_rendez_vous_id
    return reverse("rendezvous:prendre", args=[cible.assure_id]) + "?" + urlencode(parametres)


@require_http_methods(["GET", "POST"])
def cible(request, pk: int):
    """A row of the work list: who, why first, what was tried; the outcome of a call, the
    invitation (issue 15, points 6–7)."""
    user = request.user
    ligne = get_cible_for_user(user, pk)
    erreur = ""
    code = 200
    resultat = request.POST.get("resultat", "")
    if request.method == "POST":
        if not perms.can_contact(user):
            raise PermissionDenied
        if request.POST.get("action") == "inviter":
            return _inviter(request, ligne)
        if resultat not in APPELS:
            erreur = "Choisissez le résultat de l'appel."
        else:
            try:
                contacts.appeler(ligne, resultat, acting_user=user)
            except contacts.RegleCampagne as refus:
                erreur, code = f"{str(refus)[:1].upper()}{str(refus)[1:]}.", 409
            else:
                return _apres_appel(request, ligne, resultat)
    campagne = ligne.campagne
    tentatives = list(ligne.tentatives.select_related("agent").order_by("-quand", "-pk"))
    commune = Commune.objects.filter(code=ligne.commune).values_list("nom", flat=True).first()
    return render(
        request,
        "campagnes/agent_cible.html",
        {
            "cible": ligne,
            "campagne": campagne,
            "nom_commune": commune or ligne.commune,
            "parts": parts(ligne, campagne.poids_effectifs()),
            "tentatives": tentatives,
            "choix": [(r.value, r.label) for r in RESULTATS_APPEL],
            "resultat": resultat if resultat in APPELS else "",
            "erreur": erreur,
            "peut_appeler": _peut_appeler(user, ligne),
            "peut_inviter": _peut_inviter(user, ligne),
            "prise_de_rendez_vous": _prise_de_rendez_vous(user, ligne),
            "agent_de_liste": perms.can_contact(user),
        },
        status=code,
    )


def _apres_appel(request, ligne: Cible, resultat: str):
    libelle = APPELS[resultat].label
    nom = f"{ligne.prenom} {ligne.nom}"
    if resultat != ResultatTentative.ACCEPTE:
        messages.success(request, f"Appel à {nom} enregistré : « {libelle} ».")
        return redirect("campagnes:a_contacter")
    prise = _prise_de_rendez_vous(request.user, ligne)
    if prise is None:
        messages.success(
            request,
            f"{nom} accepte : le signalement est enregistré et transmis à "
            f"{ligne.signalement.unite or 'l’unité du secteur'}.",
        )
        return redirect("campagnes:cible", pk=ligne.pk)
    messages.success(
        request,
        f"{nom} accepte : le signalement est enregistré. Choisissez le créneau du rendez-vous.",
    )
    return redirect(prise)


def _inviter(request, ligne: Cible):
    """« Envoyer l'invitation »: the SMS or e-mail with the self-booking link, once."""
    with transaction.atomic():
        # Locked, so that a double click sends one invitation.
        courante = (
            Cible.objects.select_for_update(of=("self",))
            .select_related("campagne")
            .get(pk=ligne.pk)
        )
        if not _peut_inviter(request.user, courante):
            messages.error(request, "Cette personne ne peut pas (ou plus) être invitée d'ici.")
            return redirect("campagnes:cible", pk=ligne.pk)
        courante.assure = ligne.assure
        envoyee = contacts.inviter(courante)
    if envoyee:
        messages.success(
            request,
            "Invitation envoyée avec le lien de prise de rendez-vous, valable "
            f"{courante.campagne.validite_jours} jours.",
        )
    else:
        messages.error(
            request,
            "Invitation non envoyée : pas de numéro de mobile ni d'adresse électronique "
            "utilisable (ou la personne refuse les messages, ou la campagne n'a pas de motif "
            "de rendez-vous). Appelez-la ou écrivez-lui.",
        )
    return redirect("campagnes:cible", pk=ligne.pk)


# --- The letters ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def courriers_campagne(request, pk: int):
    """A campaign's letters (issue 15, point 6): what would be printed, the rows without a
    known address; POST prints the batch (one PDF) and logs each letter."""
    user = request.user
    if not perms.can_manage(user):
        raise PermissionDenied
    try:
        campagne = perms.campagnes_visibles(user).select_related("organisme").get(pk=pk)
    except Campagne.DoesNotExist:
        raise Http404("campagne introuvable") from None
    tout = request.POST.get("tout") == "1"
    erreur = ""
    code = 200
    if request.method == "POST":
        try:
            pdf, nombre = courriers.imprimer(
                campagne, acting_user=user, y_compris_deja_ecrites=tout
            )
        except courriers.RegleCourrier as refus:
            erreur, code = f"{str(refus)[:1].upper()}{str(refus)[1:]}.", 409
        else:
            jour = timezone.localdate().isoformat()
            reponse = HttpResponse(pdf, content_type="application/pdf")
            reponse["Content-Disposition"] = (
                f'attachment; filename="lettres-{campagne.pk}-{jour}-{nombre}.pdf"'
            )
            return reponse
    raison = courriers.imprimable(campagne)
    return render(
        request,
        "campagnes/agent_courriers.html",
        {
            "campagne": campagne,
            "raison": raison,
            "lot": courriers.resume(campagne, y_compris_deja_ecrites=tout) if not raison else None,
            "tout": tout,
            "erreur": erreur,
        },
        status=code,
    )
