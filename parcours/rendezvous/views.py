"""Booking an appointment during a call (the 36 46 adviser, the social worker): from the
person's dossier or a signalement, pick the motif, see the places nearest the person with their
next free slots, book in one click — alone, with a colleague, with a partner present; the
person's channels and consents are shown. When nothing suits: send the person a link to choose
later, or put them on the waiting list."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.enums import PartieDossier
from parcours.dossiers.messages import a_refuse, canaux_autorises
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, ContactPartenaire, LieuAccueil, Partenaire
from parcours.rendezvous import actions, attente, liens
from parcours.rendezvous.creneaux import PARIS, absences_de, proposer
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import Motif, Participation, RendezVous
from parcours.rendezvous.reservation import CreneauIndisponible


def _motifs():
    return Motif.objects.filter(actif=True, reservable_par_agents=True).order_by("libelle")


def _entier(valeur) -> int | None:
    valeur = str(valeur or "")
    return int(valeur) if valeur.isdigit() else None


def _collegues(user):
    """The colleagues who may join an appointment: the agents of the user's unit."""
    return (
        Agent.objects.filter(
            unite_id=user.unite_id, is_active=True, role__in=(Role.ASS, Role.CSAM, Role.CADRE)
        )
        .exclude(pk=user.pk)
        .order_by("nom", "prenom")
    )


def _contacts(user):
    """The partner persons of the directory who may be present."""
    return (
        ContactPartenaire.objects.filter(
            partenaire__in=Partenaire.objects.actifs().de_l_organisme(user.organisme_id)
        )
        .select_related("partenaire")
        .order_by("partenaire__nom", "nom")
    )


def _libre(agent_id: int, debut: datetime, fin: datetime, occupes, absences) -> bool:
    return not any(d < fin and debut < f for d, f in occupes + absences.get(agent_id, []))


def prendre(request, pk: int):
    user = request.user
    if not perms.can_view_dossiers(user):
        raise PermissionDenied
    assure = perms.get_assure_for_user(user, pk, PartieDossier.DOSSIER)
    lieux = LieuAccueil.objects.actifs().filter(unite__organisme_id=user.organisme_id)
    lieux = lieux.select_related("commune", "unite")
    donnees = request.POST if request.method == "POST" else request.GET
    # The signalement being handled, if any (the delay is counted from it).
    signalement = None
    if (sig_id := _entier(donnees.get("signalement"))) is not None:
        signalement = perms.signalements_visible_to(user).filter(pk=sig_id, assure=assure).first()
    collegue = None
    if (collegue_id := _entier(donnees.get("collegue"))) is not None:
        collegue = _collegues(user).filter(pk=collegue_id).first()
    contact = None
    if (contact_id := _entier(donnees.get("contact"))) is not None:
        contact = _contacts(user).filter(pk=contact_id).first()
    motif = None
    if (motif_id := _entier(donnees.get("motif"))) is not None:
        motif = _motifs().filter(pk=motif_id).first()
    erreur = ""
    proposition = None
    action = request.POST.get("action", "reserver")
    if request.method == "POST" and motif is None:
        return HttpResponseBadRequest("motif invalide")
    if request.method == "POST" and action == "lien":
        return _envoyer_lien(request, user, assure, motif)
    if request.method == "POST" and action == "attente":
        return _mettre_en_attente(request, user, assure, motif, lieux)
    if request.method == "POST":
        try:
            lieu = lieux.get(pk=int(request.POST["lieu"]))
            agent_id = int(request.POST["agent"])
            debut = datetime.fromisoformat(request.POST["debut"])
        except (KeyError, ValueError, LieuAccueil.DoesNotExist):
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
                autres_agents=(collegue.pk,) if collegue else (),
                signalement=signalement,
                contact_partenaire=contact,
            )
        except CreneauIndisponible as refus:
            erreur = str(refus)
            proposition = refus.proposition
        except actions.RegleRendezVous as refus:
            erreur = str(refus).capitalize() + "."
        else:
            quand = timezone.localtime(rdv.debut, PARIS)
            messages.success(
                request,
                f"Rendez-vous pris le {quand:%d/%m/%Y à %H:%M}, {lieu.nom}.",
            )
            if signalement is not None:
                return redirect("dossiers:signalement", pk=signalement.pk)
            return redirect("dossiers:dossier", pk=assure.pk)
    propositions = []
    permis = None
    if motif is not None:
        permis = actions.agents_permis(motif, assure)
        propositions = proposer(
            motif, lieux, commune=assure.commune, organisme=user.organisme, nombre=5, agents=permis
        )
        if collegue is not None:
            propositions = _avec_collegue(propositions, collegue.pk)
    a_avancer = None
    if motif is not None:
        a_avancer = (
            RendezVous.objects.filter(
                assure=assure, motif=motif, statut=StatutRendezVous.PREVU, debut__gt=timezone.now()
            )
            .order_by("debut")
            .first()
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
            "signalement": signalement,
            "collegues": _collegues(user),
            "collegue": collegue,
            "contacts": _contacts(user),
            "contact": contact,
            "referent_seulement": permis is not None,
            "sans_referent": permis == [],
            "a_avancer": a_avancer,
        },
        status=409 if erreur else 200,
    )


def _avec_collegue(propositions, collegue_id: int):
    """Keep the slots where the colleague is free too (no appointment, no absence)."""
    if not propositions:
        return propositions
    tous = [c for p in propositions for c in p.creneaux]
    debut, fin = min(c.debut for c in tous), max(c.fin for c in tous)
    occupes = list(
        Participation.objects.filter(
            agent_id=collegue_id, debut__lt=fin, fin__gt=debut
        ).values_list("debut", "fin")
    )
    absences = absences_de([collegue_id], debut, fin)
    resultat = []
    for p in propositions:
        creneaux = [c for c in p.creneaux if _libre(collegue_id, c.debut, c.fin, occupes, absences)]
        if creneaux:
            resultat.append(type(p)(p.lieu, creneaux))
    return resultat


def _envoyer_lien(request, user, assure, motif):
    if not motif.reservable_par_la_personne:
        messages.error(request, "Ce motif ne se réserve pas par la personne elle-même.")
        return redirect("rendezvous:prendre", pk=assure.pk)
    if not canaux_autorises(assure):
        messages.error(
            request,
            "La personne n'a accepté ni les SMS ni les courriels : le lien ne peut pas lui être "
            "envoyé.",
        )
        return redirect("rendezvous:prendre", pk=assure.pk)
    lien, adresse = liens.creer(assure, motifs=[motif], organisme=user.organisme, acting_user=user)
    liens.envoyer_lien(lien, adresse, acting_user=user)
    messages.success(
        request,
        f"Lien envoyé : la personne peut choisir son rendez-vous jusqu'au "
        f"{timezone.localtime(lien.expire_le, PARIS):%d/%m/%Y}.",
    )
    return redirect("dossiers:dossier", pk=assure.pk)


def _mettre_en_attente(request, user, assure, motif, lieux):
    choisis = [i for i in (_entier(v) for v in request.POST.getlist("lieux")) if i is not None]
    rdv = None
    if (rdv_id := _entier(request.POST.get("rendez_vous"))) is not None:
        rdv = RendezVous.objects.filter(pk=rdv_id, assure=assure).first()
    try:
        attente.inscrire(
            assure,
            motif=motif,
            lieux=lieux.filter(pk__in=choisis),
            rendez_vous=rdv,
            acting_user=user,
        )
    except attente.RegleAttente as refus:
        messages.error(request, f"Liste d'attente : {refus}.")
        return redirect(f"{request.path}?motif={motif.pk}")
    messages.success(
        request,
        "Inscrit·e sur la liste d'attente : si un créneau plus tôt se libère, la personne le "
        "recevra par SMS ou courriel et pourra l'accepter.",
    )
    return redirect("dossiers:dossier", pk=assure.pk)
