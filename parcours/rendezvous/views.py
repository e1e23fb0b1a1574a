"""Booking an appointment during a call (the 36 46 adviser, the social worker): from the
person's dossier, pick the motif, see the places nearest the person with their next free slots,
book in one click; the person's channels and consents are shown."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.messages import a_refuse, canaux_autorises
from parcours.organisation.models import LieuAccueil
from parcours.rendezvous import actions
from parcours.rendezvous.creneaux import PARIS, proposer
from parcours.rendezvous.models import Motif
from parcours.rendezvous.reservation import CreneauIndisponible


def _motifs():
    return Motif.objects.filter(actif=True, reservable_par_agents=True).order_by("libelle")


def prendre(request, pk: int):
    user = request.user
    if not perms.can_view_dossiers(user):
        raise PermissionDenied
    assure = perms.get_assure_for_user(user, pk, PartieDossier.DOSSIER)
    lieux = LieuAccueil.objects.actifs().filter(unite__organisme_id=user.organisme_id)
    lieux = lieux.select_related("commune", "unite")
    motif = None
    erreur = ""
    proposition = None
    if request.method == "POST":
        try:
            motif = _motifs().get(pk=int(request.POST["motif"]))
            lieu = lieux.get(pk=int(request.POST["lieu"]))
            agent_id = int(request.POST["agent"])
            debut = datetime.fromisoformat(request.POST["debut"])
        except (KeyError, ValueError, Motif.DoesNotExist, LieuAccueil.DoesNotExist):
            return HttpResponseBadRequest("créneau invalide")
        if timezone.is_naive(debut):
            return HttpResponseBadRequest("créneau invalide")
        try:
            rdv = actions.prendre(
                assure=assure,
                motif=motif,
                lieu=lieu,
                agent_id=agent_id,
                debut=debut,
                acting_user=user,
            )
        except CreneauIndisponible as refus:
            erreur = str(refus)
            proposition = refus.proposition
        else:
            quand = timezone.localtime(rdv.debut, PARIS)
            messages.success(
                request,
                f"Rendez-vous pris le {quand:%d/%m/%Y à %H:%M}, {lieu.nom}.",
            )
            return redirect("dossiers:dossier", pk=assure.pk)
    elif request.GET.get("motif", "").isdigit():
        motif = _motifs().filter(pk=int(request.GET["motif"])).first()
    propositions = []
    if motif is not None:
        propositions = proposer(
            motif, lieux, commune=assure.commune, organisme=user.organisme, nombre=5
        )
    return render(
        request,
        "rendezvous/prendre.html",
        {
            "assure": assure,
            "motifs": _motifs(),
            "motif": motif,
            "propositions": propositions,
            "canaux": canaux_autorises(assure),
            "refus": a_refuse(assure),
            "erreur": erreur,
            "proposition": proposition,
            "lieux_par_id": {lieu.pk: lieu for lieu in lieux} if proposition else {},
        },
        status=409 if erreur else 200,
    )
