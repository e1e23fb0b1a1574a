"""Working a validated campaign: who contacts whom (sector routing), the invitations with the
self-booking link, the reminders and the expiry (scheduled), the phone calls of the 36 46, and
the conversion — « accepte » becomes a signalement of source « liste de ciblage » routed as
usual, and an appointment (booked on the call, or by the person through the link).

Every attempt is a `Tentative`: who, when, which channel, what outcome.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.dossiers import actions as dossiers
from parcours.dossiers.enums import SourceSignalement
from parcours.dossiers.models import Assure
from parcours.lib.csvlecture import lire_date
from parcours.messagerie.envois import envoyer
from parcours.messagerie.models import Canal, Opposition
from parcours.organisation.models import Agent
from parcours.rendezvous import liens
from parcours.rendezvous.models import LienReservation
from parcours.territoire.models import Commune

# A reminder goes only if the invitation stays valid this long after it (issue 15).
VALIDITE_RESTANTE_MIN = timedelta(days=2)
PAR_LOT = 500


class RegleCampagne(Exception):
    """A rule of the campaigns refused; the message is for the user."""


# Validation and assignment ------------------------------------------------------------------


def a_regler(campagne: Campagne) -> dict[str, int]:
    """What still blocks the validation: rows with errors, homonyms not decided."""
    cibles = Cible.objects.filter(campagne=campagne)
    return {
        "erreurs": cibles.filter(etat=EtatCible.ERREUR).count(),
        "homonymes": cibles.filter(etat=EtatCible.RETENUE, assure__isnull=True)
        .exclude(homonymes=[])
        .count(),
    }


@transaction.atomic
def valider(campagne: Campagne, *, acting_user: Agent) -> int:
    """The cadre validates the list: the retained rows are assigned by sector routing and the
    invitations leave (scheduled task). Returns how many rows are to be contacted."""
    courant = Campagne.objects.select_for_update().get(pk=campagne.pk)
    if courant.statut != StatutCampagne.PREPARATION:
        raise RegleCampagne("cette campagne est déjà validée")
    reste = a_regler(courant)
    if reste["erreurs"]:
        raise RegleCampagne(
            f"{reste['erreurs']} ligne(s) avec erreur : corrigez-les ou excluez-les d'abord"
        )
    if reste["homonymes"]:
        raise RegleCampagne(
            f"{reste['homonymes']} ligne(s) avec une personne de même nom et date de naissance "
            "à confirmer d'abord"
        )
    courant.statut = StatutCampagne.VALIDEE
    courant.valide_par = acting_user
    courant.valide_le = timezone.now()
    courant.version += 1
    courant.save(update_fields=["statut", "valide_par", "valide_le", "version"])
    nombre = assigner(courant)
    transaction.on_commit(lambda: envoyer_invitations.enqueue(courant.pk))
    return nombre


def assigner(campagne: Campagne) -> int:
    """Each retained row goes where a signalement from its commune would (sector routing):
    the sector's worker, else the unit's list."""
    par_commune: dict[str, dossiers.Routage] = {}
    a_sauver = []
    for cible in Cible.objects.filter(campagne=campagne, etat=EtatCible.RETENUE).only(
        "id", "commune", "agent", "unite"
    ):
        if cible.commune not in par_commune:
            par_commune[cible.commune] = dossiers.router(
                cible.commune, emetteur=campagne.valide_par
            )
        routage = par_commune[cible.commune]
        cible.agent = routage.agent
        cible.unite = routage.unite
        a_sauver.append(cible)
    Cible.objects.bulk_update(a_sauver, ["agent", "unite"], batch_size=2_000)
    return len(a_sauver)


# The person ---------------------------------------------------------------------------------


def identite(cible: Cible) -> dict:
    """The identity the list gave, as the dossiers' intake takes it (the sex from the NIR)."""
    return {
        "nir": cible.nir,
        "nom": cible.nom,
        "prenom": cible.prenom,
        "date_naissance": lire_date(cible.date_naissance),
        "sexe": "F" if cible.nir[:1] in ("2", "8") else "M",
        "commune": Commune.objects.filter(code=cible.commune).first(),
        "adresse": "",
        "telephone": cible.telephone,
        "email": cible.email,
    }


def personne(cible: Cible, *, acting_user: Agent) -> Assure:
    """The person of the row: matched at the check, known since, or recorded now (when the
    service contacts them)."""
    if cible.assure_id is not None:
        return cible.assure
    assure = Assure.objects.filter(nir=cible.nir).first()
    if assure is None:
        assure = dossiers.creer_assure(acting_user=acting_user, **identite(cible))
    Cible.objects.filter(pk=cible.pk).update(assure=assure)
    cible.assure = assure
    return assure


def _canaux(cible: Cible, campagne: Campagne) -> list[tuple[str, str]]:
    """The campaign's message channels the row can be reached by: the list's own phone (a
    mobile) and e-mail; nothing to a person who refused the service's messages."""
    if cible.assure_id and Opposition.objects.filter(personne_id=cible.assure_id).exists():
        return []
    canaux = []
    if CanalContact.SMS in campagne.canaux and cible.telephone.startswith(("+336", "+337")):
        canaux.append((Canal.SMS, cible.telephone))
    if CanalContact.COURRIEL in campagne.canaux and cible.email:
        canaux.append((Canal.COURRIEL, cible.email))
    return canaux


# Invitations, reminders, expiry -------------------------------------------------------------


def inviter(cible: Cible, *, maintenant: datetime | None = None) -> bool:
    """Send the invitation with a self-booking link valid the campaign's days; False when the
    row has no message channel (phone or letter then)."""
    campagne = cible.campagne
    canaux = _canaux(cible, campagne)
    if not canaux or campagne.motif_rendez_vous is None:
        return False
    maintenant = maintenant or timezone.now()
    auteur = campagne.valide_par
    assure = personne(cible, acting_user=auteur)
    lien, adresse = liens.creer(
        assure,
        motifs=[campagne.motif_rendez_vous],
        organisme=campagne.organisme,
        acting_user=auteur,
        origine=f"campagne:{cible.pk}",
        validite=timedelta(days=campagne.validite_jours),
    )
    _envoyer(cible, lien, adresse, canaux, "invitation_campagne")
    cible.lien = lien
    cible.invitee_le = maintenant
    cible.expire_le = lien.expire_le
    if cible.suivi == SuiviCible.A_CONTACTER:
        cible.suivi = SuiviCible.INVITEE
    cible.premier_contact_le = cible.premier_contact_le or maintenant
    cible.save(update_fields=["lien", "invitee_le", "expire_le", "suivi", "premier_contact_le"])
    for canal, _ in canaux:
        Tentative.objects.create(
            cible=cible, canal=_CANAL_CONTACT[canal], resultat=ResultatTentative.INVITATION
        )
    return True


_CANAL_CONTACT = {Canal.SMS: CanalContact.SMS, Canal.COURRIEL: CanalContact.COURRIEL}


def _envoyer(cible: Cible, lien: LienReservation, adresse: str, canaux, modele: str) -> None:
    campagne = cible.campagne
    contexte = {
        "lien": adresse,
        "expire_le": timezone.localtime(lien.expire_le).strftime("%d/%m"),
    }
    for canal, adresse_canal in canaux:
        envoyer(
            canal=canal,
            modele=modele,
            adresse=adresse_canal,
            contexte={**contexte, "texte": _texte(campagne, canal)},
            personne_id=cible.assure_id,
            unite_id=cible.unite_id,
            organisme_id=campagne.organisme_id,
            reference=f"campagne:{cible.pk}",
            perime_le=lien.expire_le,
        )


def _texte(campagne: Campagne, canal: str) -> str:
    return (campagne.texte_sms if canal == Canal.SMS else campagne.texte_courriel).strip()


@task()
def envoyer_invitations(campagne_id: int) -> int:
    """After the validation: the invitations of every row reachable by SMS or e-mail."""
    campagne = Campagne.objects.select_related("organisme", "motif_rendez_vous", "valide_par").get(
        pk=campagne_id
    )
    envoyees = 0
    cibles = Cible.objects.filter(
        campagne=campagne,
        etat=EtatCible.RETENUE,
        suivi=SuiviCible.A_CONTACTER,
        invitee_le__isnull=True,
    ).select_related("assure")
    for cible in cibles.iterator(chunk_size=PAR_LOT):
        cible.campagne = campagne
        with transaction.atomic():
            envoyees += inviter(cible)
    return envoyees


def doit_relancer(cible: Cible, maintenant: datetime) -> bool:
    """A reminder after the campaign's delay, only while the invitation stays valid at least
    two more days (issue 15: « valid exactly 2 more days » still gets it)."""
    if cible.invitee_le is None or cible.relancee_le is not None or cible.expire_le is None:
        return False
    if cible.suivi != SuiviCible.INVITEE:
        return False
    echeance = cible.invitee_le + timedelta(days=cible.campagne.relance_jours)
    return maintenant >= echeance and cible.expire_le - maintenant >= VALIDITE_RESTANTE_MIN


@task()
def relancer_et_expirer() -> dict[str, int]:
    """The schedule (every hour): reminders due, invitations expired."""
    maintenant = timezone.now()
    relancees = 0
    candidates = Cible.objects.filter(
        suivi=SuiviCible.INVITEE,
        relancee_le__isnull=True,
        expire_le__gt=maintenant + VALIDITE_RESTANTE_MIN,
        campagne__statut=StatutCampagne.VALIDEE,
    ).select_related("campagne", "lien", "assure")
    for cible in candidates.iterator(chunk_size=PAR_LOT):
        if not doit_relancer(cible, maintenant):
            continue
        canaux = _canaux(cible, cible.campagne)
        if not canaux or cible.lien is None:
            continue
        with transaction.atomic():
            # The first link's token is not kept (only its hash): the reminder carries a
            # second link to the same choice, expiring with the first.
            lien, adresse = liens.creer(
                cible.assure,
                motifs=list(cible.lien.motifs.all()),
                organisme=cible.campagne.organisme,
                acting_user=cible.campagne.valide_par,
                origine=f"campagne:{cible.pk}",
                validite=cible.expire_le - maintenant,
            )
            _envoyer(cible, lien, adresse, canaux, "relance_campagne")
            Cible.objects.filter(pk=cible.pk).update(relancee_le=maintenant)
            for canal, _ in canaux:
                Tentative.objects.create(
                    cible=cible, canal=_CANAL_CONTACT[canal], resultat=ResultatTentative.RELANCE
                )
        relancees += 1
    expirees = 0
    for cible in Cible.objects.filter(suivi=SuiviCible.INVITEE, expire_le__lte=maintenant).only(
        "id"
    ):
        with transaction.atomic():
            if Cible.objects.filter(pk=cible.pk, suivi=SuiviCible.INVITEE).update(
                suivi=SuiviCible.EXPIREE
            ):
                Tentative.objects.create(
                    cible=cible,
                    canal=CanalContact.SMS,
                    resultat=ResultatTentative.EXPIRATION,
                )
                expirees += 1
    return {"relancees": relancees, "expirees": expirees}


# Calls and conversion -----------------------------------------------------------------------

SUIVI_APRES_APPEL = {
    ResultatTentative.JOINT: SuiviCible.JOINTE,
    ResultatTentative.MESSAGE_LAISSE: None,
    ResultatTentative.INJOIGNABLE: None,
    ResultatTentative.FAUX_NUMERO: SuiviCible.INJOIGNABLE,
    ResultatTentative.REFUS: SuiviCible.REFUS,
    ResultatTentative.ACCEPTE: SuiviCible.ACCEPTE,
}


@transaction.atomic
def appeler(cible: Cible, resultat: str, *, acting_user: Agent) -> Tentative:
    """The outcome of a call of the 36 46; « accepte » records the signalement (the appointment
    is then booked from it)."""
    if resultat not in SUIVI_APRES_APPEL:
        raise RegleCampagne("choisissez le résultat de l'appel")
    courant = (
        Cible.objects.select_for_update(of=("self",)).select_related("campagne").get(pk=cible.pk)
    )
    if courant.etat != EtatCible.RETENUE or courant.campagne.statut != StatutCampagne.VALIDEE:
        raise RegleCampagne("cette personne n'est pas à contacter")
    if courant.suivi in (SuiviCible.ACCEPTE, SuiviCible.REFUS):
        raise RegleCampagne(f"la personne a déjà répondu : {courant.get_suivi_display()}")
    tentative = Tentative.objects.create(
        cible=courant, agent=acting_user, canal=CanalContact.TELEPHONE, resultat=resultat
    )
    maintenant = timezone.now()
    champs = {"premier_contact_le": courant.premier_contact_le or maintenant}
    if (suivi := SUIVI_APRES_APPEL[resultat]) is not None:
        champs["suivi"] = suivi
    if resultat == ResultatTentative.ACCEPTE:
        champs["signalement"] = convertir(courant, acting_user=acting_user)
    for champ, valeur in champs.items():
        setattr(courant, champ, valeur)
    courant.version += 1
    courant.save(update_fields=[*champs, "version"])
    cible.__dict__.update(courant.__dict__)
    return tentative


def convertir(cible: Cible, *, acting_user: Agent):
    """« Accepte »: a signalement of source « liste de ciblage », routed as any other; the
    person is the row's (known, or recorded now)."""
    if cible.signalement_id is not None:
        return cible.signalement
    campagne = cible.campagne
    assure = personne(cible, acting_user=acting_user)
    return dossiers.enregistrer_signalement(
        assure,
        acting_user=acting_user,
        date=timezone.localdate(),
        source=SourceSignalement.LISTE_CIBLEE,
        source_precision=campagne.nom[:200],
        motif=f"Campagne « {campagne.nom} » : la personne accepte un rendez-vous.",
        mission=campagne.mission,
        commune_id=cible.commune or None,
    )


def apres_reservation_par_lien(lien: LienReservation, rdv) -> None:
    """A person invited by a campaign booked through the link: accepted, converted, and the
    appointment keeps the signalement (registered with parcours.rendezvous.liens)."""
    if not lien.origine.startswith("campagne:"):
        return
    cible = (
        Cible.objects.select_for_update(of=("self",))
        .select_related("campagne__valide_par", "assure")
        .filter(pk=int(lien.origine.split(":", 1)[1]))
        .first()
    )
    if cible is None or cible.campagne.valide_par is None:
        return
    signalement = convertir(cible, acting_user=cible.campagne.valide_par)
    Cible.objects.filter(pk=cible.pk).update(
        suivi=SuiviCible.ACCEPTE, signalement=signalement, rendez_vous=rdv
    )
    Tentative.objects.create(
        cible=cible, canal=CanalContact.SMS, resultat=ResultatTentative.ACCEPTE
    )
    type(rdv).objects.filter(pk=rdv.pk, signalement__isnull=True).update(signalement=signalement)


def a_contacter(agent: Agent):
    """An agent's work list, by decreasing priority: their rows, and their unit's unassigned
    ones, still waiting for an answer."""
    return (
        Cible.objects.filter(
            campagne__statut=StatutCampagne.VALIDEE,
            etat=EtatCible.RETENUE,
            suivi__in=(SuiviCible.A_CONTACTER, SuiviCible.INVITEE, SuiviCible.JOINTE),
        )
        .filter(Q(agent=agent) | Q(agent__isnull=True, unite_id=agent.unite_id))
        .order_by("-score", "ligne", "pk")
    )
