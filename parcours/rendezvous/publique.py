"""The public pages a person reaches from a link sent by the service, without an account:
choosing their appointment (self-booking), cancelling it, taking an earlier slot that freed up.

What they never do: name the person (a forwarded link shows a date and a place, nothing more),
put anything personal in a URL, say whether a token exists beyond « not valid », or let one
client hammer them (parcours.rendezvous.debit). Every page is sent with `no-store`."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parcours.organisation.models import LieuAccueil
from parcours.rendezvous import actions, attente, liens
from parcours.rendezvous.creneaux import PARIS, proposer
from parcours.rendezvous.debit import limite
from parcours.rendezvous.enums import OrigineRendezVous, StatutAttente, StatutRendezVous
from parcours.rendezvous.models import LienReservation, RendezVous
from parcours.rendezvous.reservation import CreneauIndisponible


def _motifs(lien: LienReservation):
    return lien.motifs.filter(actif=True, reservable_par_la_personne=True).order_by("libelle")


def _lieux(lien: LienReservation):
    lieux = lien.lieux.filter(actif=True)
    if not lieux.exists():
        lieux = LieuAccueil.objects.actifs().filter(unite__organisme_id=lien.organisme_id)
    return lieux.select_related("commune", "unite")


def _invalide(request, message: str, status: int = 404):
    return render(request, "rendezvous/public_invalide.html", {"message": message}, status=status)


def _rdv_en_cours(lien: LienReservation) -> RendezVous | None:
    if lien.rendez_vous_id is None:
        return None
    rdv = RendezVous.objects.select_related("lieu__commune", "motif").get(pk=lien.rendez_vous_id)
    return rdv


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@limite()
def lien(request, jeton: str):
    """Choose a slot, see it, cancel it."""
    try:
        lien = liens.trouver(jeton)
    except liens.LienInvalide as erreur:
        return _invalide(request, str(erreur), 404 if "valable" in str(erreur) else 410)
    rdv = _rdv_en_cours(lien)
    expire = lien.expire_le <= timezone.now()
    if request.method == "POST":
        if request.POST.get("action") == "annuler":
            return _annuler(request, jeton, lien)
        return _reserver(request, jeton)
    if rdv is not None and rdv.statut not in (
        StatutRendezVous.PREVU,
        StatutRendezVous.ANNULE_PERSONNE,
        StatutRendezVous.ANNULE_SERVICE,
    ):
        return _invalide(request, "Ce rendez-vous a eu lieu : ce lien a servi.", 410)
    if rdv is not None and rdv.statut == StatutRendezVous.PREVU:
        return render(request, "rendezvous/public_rendez_vous.html", {"rdv": rdv, "jeton": jeton})
    if expire:
        return _invalide(request, "Ce lien a expiré.", 410)
    return _choisir(request, lien, rdv_annule=rdv)


def _choisir(request, lien: LienReservation, *, rdv_annule=None, erreur="", proposition=None):
    motifs = list(_motifs(lien))
    motif = motifs[0] if len(motifs) == 1 else None
    choix = request.GET.get("motif") or request.POST.get("motif") or ""
    if choix.isdigit():
        motif = next((m for m in motifs if m.pk == int(choix)), motif)
    propositions = []
    if motif is not None:
        propositions = proposer(
            motif,
            _lieux(lien),
            commune=lien.assure.commune,
            organisme=lien.organisme,
            nombre=5,
            par_lieu=4,
            agents=actions.agents_permis(motif, lien.assure),
        )
    return render(
        request,
        "rendezvous/public_choisir.html",
        {
            "motifs": motifs,
            "motif": motif,
            "propositions": propositions,
            "rdv_annule": rdv_annule,
            "expire_le": lien.expire_le,
            "erreur": erreur,
            "proposition": proposition,
        },
        status=409 if erreur else 200,
    )


def _reserver(request, jeton: str):
    try:
        motif_id = int(request.POST["motif"])
        lieu_id = int(request.POST["lieu"])
        agent_id = int(request.POST["agent"])
        debut = datetime.fromisoformat(request.POST["debut"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("créneau invalide")
    if timezone.is_naive(debut):
        return HttpResponseBadRequest("créneau invalide")
    with transaction.atomic():
        # One booking at a time per link: a replayed form finds the appointment already taken.
        try:
            lien = liens.trouver(jeton, verrouiller=True)
        except liens.LienInvalide as erreur:
            return _invalide(request, str(erreur), 410)
        rdv = _rdv_en_cours(lien)
        if rdv is not None and rdv.statut == StatutRendezVous.PREVU:
            messages.info(request, "Votre rendez-vous était déjà pris : le voici.")
            return redirect("rendezvous:lien", jeton=jeton)
        if lien.expire_le <= timezone.now():
            return _invalide(request, "Ce lien a expiré.", 410)
        motif = _motifs(lien).filter(pk=motif_id).first()
        lieu = _lieux(lien).filter(pk=lieu_id).first()
        if motif is None or lieu is None:
            return HttpResponseBadRequest("créneau invalide")
        try:
            rdv = actions.prendre(
                assure=lien.assure,
                motif=motif,
                lieu=lieu,
                agent_id=agent_id,
                debut=debut,
                acting_user=None,
                origine=OrigineRendezVous.LIEN,
            )
        except (CreneauIndisponible, actions.RegleRendezVous) as refus:
            erreur = str(refus)
            if isinstance(refus, actions.RegleRendezVous):
                erreur = "Ce créneau n'est pas proposé. Choisissez-en un autre."
            proposition = getattr(refus, "proposition", None)
            return _choisir(request, lien, erreur=erreur, proposition=proposition)
        LienReservation.objects.filter(pk=lien.pk).update(rendez_vous=rdv)
        for suite in liens.APRES_RESERVATION:
            suite(lien, rdv)
    quand = timezone.localtime(rdv.debut, PARIS)
    messages.success(request, f"C'est noté : rendez-vous le {quand:%d/%m/%Y à %H:%M}.")
    return redirect("rendezvous:lien", jeton=jeton)


def _annuler(request, jeton: str, lien: LienReservation):
    rdv = _rdv_en_cours(lien)
    if rdv is None or rdv.statut != StatutRendezVous.PREVU:
        messages.info(request, "Ce rendez-vous était déjà annulé.")
        return redirect("rendezvous:lien", jeton=jeton)
    try:
        actions.annuler(rdv, acting_user=None, par_la_personne=True)
    except actions.RegleRendezVous as erreur:
        return _invalide(request, f"Ce rendez-vous ne peut pas être annulé : {erreur}.", 409)
    messages.success(request, "Votre rendez-vous est annulé. Vous pouvez en choisir un autre.")
    return redirect("rendezvous:lien", jeton=jeton)


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@limite()
def plus_tot(request, jeton: str):
    """A freed slot proposed to a person on the waiting list: take it, first come first
    served."""
    try:
        proposition = attente.trouver(jeton)
    except attente.PropositionInvalide as erreur:
        return _invalide(request, str(erreur))
    demande = proposition.demande
    erreur = ""
    if request.method == "POST" and proposition.rendez_vous_id is None:
        try:
            actions.accepter_proposition(proposition)
        except attente.PropositionInvalide as refus:
            erreur = str(refus)
        else:
            messages.success(request, "C'est noté : ce rendez-vous est à vous.")
            return redirect("rendezvous:plus_tot", jeton=jeton)
        proposition.refresh_from_db()
        demande.refresh_from_db()
    etat = "ouverte"
    if proposition.rendez_vous_id is not None:
        etat = "acceptee"
    elif demande.statut != StatutAttente.EN_ATTENTE:
        etat = "close"
    elif proposition.expire_le <= timezone.now():
        etat = "expiree"
    return render(
        request,
        "rendezvous/public_plus_tot.html",
        {
            "proposition": proposition,
            "lieu": proposition.lieu,
            "ancien": demande.rendez_vous,
            "etat": etat,
            "erreur": erreur,
            "motif": demande.motif,
        },
        status=409 if erreur else 200,
    )
