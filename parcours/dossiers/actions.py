"""Operations on dossiers: each one checks the business rules, writes in one transaction, and
records who did it. Views call these; they never change dossiers themselves.

Rules come from DESIGN §1–§3: a closing needs an outcome, dates stay consistent, no interview is
dated in the future, a triage that sends a person elsewhere says where or why. A save that starts
from a stale version is refused (`ConflitDeVersion`, from parcours.lib.verrou and re-exported
here for the views and tests), so two people editing one record never overwrite each other.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from parcours.dossiers.enums import (
    STATUTS_AVEC_MOTIF,
    IssueAccompagnement,
    ModeEntretien,
    SourceSignalement,
    StatutSignalement,
)
from parcours.dossiers.models import (
    Accompagnement,
    Action,
    Assure,
    Entretien,
    Mission,
    Objectif,
    Orientation,
    Signalement,
)
from parcours.dossiers.models.assures import CHAMPS_IDENTITE, identite_en_texte
from parcours.dossiers.perms import assures_visible_to
from parcours.dossiers.sources import source_du_partenaire
from parcours.lib.dates import probleme_date_activite, probleme_date_naissance
from parcours.lib.texte import normaliser
from parcours.lib.verrou import ConflitDeVersion as ConflitDeVersion  # re-exported, see above
from parcours.lib.verrou import verrouiller
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Partenaire, Secteur, Unite


class RegleMetier(ValidationError):
    """A business rule refused the operation; the message (per field) is for the user."""


def nouvelle_ref(prefixe: str) -> str:
    """A reference for a record created in the product (imports bring their own)."""
    return f"{prefixe}-{uuid.uuid4().hex[:16].upper()}"


def _sauver(objet: Model, acting_user: Agent | None, **options) -> None:
    """Save, naming the author in the change history even outside a request (a command, a
    background task): DESIGN §1, the author of every change."""
    objet._history_user = acting_user
    objet.save(**options)


# Persons -------------------------------------------------------------------------------------


def doublons_possibles(*, nir: str, nom: str, prenom: str, date_naissance: date):
    """Persons that may be the one being created: same NIR, or same name and birth date."""
    recherche = normaliser(f"{nom} {prenom}")
    return Assure.objects.filter(nir=nir) | Assure.objects.filter(
        recherche=recherche, date_naissance=date_naissance
    )


def _verifier_naissance(jour: date | None) -> None:
    if jour is not None and (probleme := probleme_date_naissance(jour, timezone.localdate())):
        raise RegleMetier({"date_naissance": probleme})


@transaction.atomic
def creer_assure(*, acting_user: Agent, **champs) -> Assure:
    if Assure.objects.filter(nir=champs["nir"]).exists():
        raise RegleMetier({"nir": "une personne porte déjà ce NIR"})
    _verifier_naissance(champs.get("date_naissance"))
    assure = Assure(**champs)
    assure.recherche = normaliser(f"{assure.nom} {assure.prenom}")
    _sauver(assure, acting_user)
    return assure


@transaction.atomic
def modifier_assure(assure: Assure, *, acting_user: Agent, version: int, **champs) -> Assure:
    courant = verrouiller(Assure, assure.pk, version)
    _verifier_naissance(champs.get("date_naissance"))
    if "nir" in champs and champs["nir"] != courant.nir:
        if Assure.objects.filter(nir=champs["nir"]).exclude(pk=courant.pk).exists():
            raise RegleMetier({"nir": "une autre personne porte déjà ce NIR"})
    consentement = (courant.consentement_sms, courant.consentement_courriel)
    for champ, valeur in champs.items():
        setattr(courant, champ, valeur)
    if (courant.consentement_sms, courant.consentement_courriel) != consentement:
        courant.consentement_le = timezone.localdate()
    courant.recherche = normaliser(f"{courant.nom} {courant.prenom}")
    courant.version += 1
    _sauver(courant, acting_user)
    return courant


# Signalements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Routage:
    unite: Unite | None
    agent: Agent | None


def router(commune_id: str | None, *, emetteur: Agent | None = None) -> Routage:
    """The unit — and the social worker, where a sector names one — covering a commune.

    An agent's own sector wins over a unit's sector; with no sector, a unit of the commune's
    département; with none, the unit of the person who recorded the signalement.
    """
    if commune_id:
        secteurs = (
            Secteur.objects.filter(communes=commune_id)
            .select_related("unite", "agent")
            .order_by(F("agent_id").asc(nulls_last=True), "id")
        )
        if emetteur is not None and emetteur.organisme_id is not None:
            secteurs = secteurs.filter(unite__organisme_id=emetteur.organisme_id)
        for secteur in secteurs:
            if secteur.agent is None:
                return Routage(secteur.unite, None)
            if secteur.agent.is_active and secteur.agent.role == Role.ASS:
                return Routage(secteur.unite, secteur.agent)
        unites = Unite.objects.filter(departement__communes=commune_id).order_by("code")
        if emetteur is not None and emetteur.organisme_id is not None:
            unites = unites.filter(organisme_id=emetteur.organisme_id)
        unite = unites.first()
        if unite is not None:
            return Routage(unite, None)
    if emetteur is not None and emetteur.unite_id is not None:
        return Routage(emetteur.unite, None)
    return Routage(None, None)


@transaction.atomic
def enregistrer_signalement(
    assure: Assure,
    *,
    acting_user: Agent,
    date: date,
    source: str,
    motif: str,
    source_precision: str = "",
    mission: Mission | None = None,
    commentaire: str = "",
    identite_declaree: dict | None = None,
    identite_a_verifier: bool = False,
    commune_id: str | None = None,
) -> Signalement:
    """Record a signalement and route it; `commune_id` (the one the sender gave) routes it
    before the person's stored commune.

    A partner sends in its own name, today: its structure's source and today's date replace
    whatever was posted (the form does not offer them)."""
    partenaire = None
    if acting_user.role == Role.PARTENAIRE:
        source, source_precision, partenaire = source_du_partenaire(acting_user)
        date = timezone.localdate()
    if date > timezone.localdate():
        raise RegleMetier({"date": "la date de réception ne peut pas être dans le futur"})
    if probleme := probleme_date_activite(date, timezone.localdate()):
        raise RegleMetier({"date": probleme})
    if source == SourceSignalement.AUTRE and not source_precision:
        raise RegleMetier({"source_precision": "précisez la source"})
    routage = router(commune_id or assure.commune_id, emetteur=acting_user)
    signalement = Signalement(
        ref=nouvelle_ref("S"),
        assure=assure,
        date=date,
        source=source,
        source_precision=source_precision,
        motif=motif,
        mission=mission,
        commentaire=commentaire,
        emetteur=acting_user,
        partenaire=partenaire,
        unite=routage.unite,
        agent=routage.agent,
        identite_declaree=identite_declaree or {},
        identite_a_verifier=identite_a_verifier,
    )
    _sauver(signalement, acting_user)
    return signalement


class HomonymesPossibles(Exception):
    """Persons of the same name and birth date, with another NIR, that the user may see: the
    user confirms it is another person, or corrects the NIR."""

    def __init__(self, homonymes: list[Assure]):
        self.homonymes = homonymes
        super().__init__("homonymes possibles")


def _identite_en_clair(identite: dict) -> dict:
    """The identity typed by the sender, as kept on the signalement (JSON)."""
    commune = identite.get("commune")
    return {**identite_en_texte(identite), "commune_nom": commune.nom if commune else ""}


def identite_differe(assure: Assure, identite: dict) -> bool:
    """Whether a typed identity names someone else than the stored one (name, first name, birth
    date; accents, case and punctuation aside)."""
    return (
        normaliser(assure.nom) != normaliser(identite["nom"])
        or normaliser(assure.prenom) != normaliser(identite["prenom"])
        or assure.date_naissance != identite["date_naissance"]
    )


@transaction.atomic
def recevoir_signalement(
    *,
    acting_user: Agent,
    identite: dict,
    confirmer_nouvelle_personne: bool = False,
    **demande,
) -> Signalement:
    """A signalement with the person's identity as typed (intake by the 36 46, a social worker,
    a partner): the person is found by NIR, or created.

    What the sender learns is only what they typed (DESIGN §1: nobody learns whether a person is
    known to the service). A NIR already known under another identity keeps its stored identity;
    the signalement is attached to it and marked « identité à vérifier » for the receiving unit.
    Homonyms (same name and birth date, another NIR) are shown only when the user's unit holds
    their dossier; otherwise the new person's signalement is marked for checking, silently.
    """
    identite = {c: identite.get(c) for c in CHAMPS_IDENTITE}
    for champ in ("adresse", "telephone", "email"):
        identite[champ] = identite[champ] or ""
    declaree = _identite_en_clair(identite)
    commune = identite["commune"]
    assure = Assure.objects.select_for_update().filter(nir=identite["nir"]).first()
    if assure is not None:
        a_verifier = identite_differe(assure, identite)
    else:
        homonymes = list(
            doublons_possibles(
                nir=identite["nir"],
                nom=identite["nom"],
                prenom=identite["prenom"],
                date_naissance=identite["date_naissance"],
            )
        )
        visibles = []
        if homonymes and acting_user.unite_id is not None:
            ids = set(
                assures_visible_to(acting_user)
                .filter(pk__in=[h.pk for h in homonymes])
                .values_list("pk", flat=True)
            )
            visibles = [h for h in homonymes if h.pk in ids]
        if visibles and not confirmer_nouvelle_personne:
            raise HomonymesPossibles(visibles)
        a_verifier = bool(homonymes)
        assure = creer_assure(acting_user=acting_user, **identite)
    return enregistrer_signalement(
        assure,
        acting_user=acting_user,
        identite_declaree=declaree,
        identite_a_verifier=a_verifier,
        commune_id=commune.code if commune else None,
        **demande,
    )


@transaction.atomic
def trier_signalement(
    signalement: Signalement,
    *,
    acting_user: Agent,
    statut: str,
    motif_decision: str = "",
    mission: Mission | None = None,
    referent: Agent | None = None,
    mode: str | None = None,
    lieu_accueil: LieuAccueil | None = None,
) -> Signalement:
    """End the triage: open an accompaniment, record a one-off intervention, or send away.

    Defaults: the signalement's mission, its social worker (else the user) as referent, a
    one-off intervention by telephone."""
    courant = Signalement.objects.select_for_update().get(pk=signalement.pk)
    if courant.statut != StatutSignalement.A_TRAITER:
        raise RegleMetier(f"ce signalement a déjà été traité ({courant.get_statut_display()})")
    if statut not in StatutSignalement.values or statut == StatutSignalement.A_TRAITER:
        raise RegleMetier({"statut": "choisissez la suite donnée au signalement"})
    if statut in STATUTS_AVEC_MOTIF and not motif_decision.strip():
        quoi = "vers quel service" if statut == StatutSignalement.ORIENTE_AILLEURS else "pourquoi"
        raise RegleMetier({"motif_decision": f"précisez {quoi}"})
    aujourd_hui = timezone.localdate()
    unite = courant.unite or acting_user.unite
    if statut == StatutSignalement.ACCOMPAGNEMENT_OUVERT:
        mission = mission or courant.mission
        if mission is None:
            raise RegleMetier({"mission": "choisissez la mission de l'accompagnement"})
        courant.accompagnement = ouvrir_accompagnement(
            courant.assure,
            acting_user=acting_user,
            mission=mission,
            referent=referent or courant.agent or acting_user,
            date_debut=aujourd_hui,
        )
    elif statut == StatutSignalement.INTERVENTION_PONCTUELLE:
        courant.entretien = enregistrer_entretien(
            courant.assure,
            acting_user=acting_user,
            accompagnement=None,
            date=aujourd_hui,
            mode=mode or ModeEntretien.TELEPHONE,
            lieu_accueil=lieu_accueil,
            unite=unite,
        )
    elif statut == StatutSignalement.ORIENTE_AILLEURS:
        orientation = Orientation(
            assure=courant.assure,
            date=aujourd_hui,
            partenaire=motif_decision[:200],
            motif=f"Suite au signalement du {courant.date:%d/%m/%Y} : {courant.motif}",
            auteur=acting_user,
        )
        _sauver(orientation, acting_user)
    courant.statut = statut
    courant.motif_decision = motif_decision
    courant.decide_par = acting_user
    courant.decide_le = timezone.now()
    _sauver(courant, acting_user)
    return courant


# Accompaniments ------------------------------------------------------------------------------


@transaction.atomic
def ouvrir_accompagnement(
    assure: Assure,
    *,
    acting_user: Agent,
    mission: Mission,
    referent: Agent,
    date_debut: date,
) -> Accompagnement:
    if date_debut > timezone.localdate():
        raise RegleMetier({"date_debut": "la date d'ouverture ne peut pas être dans le futur"})
    if probleme := probleme_date_activite(date_debut, timezone.localdate()):
        raise RegleMetier({"date_debut": probleme})
    if referent.role not in (Role.ASS, Role.CADRE) or referent.unite_id is None:
        raise RegleMetier({"referent": "le référent doit être un·e assistant·e de service social"})
    accompagnement = Accompagnement(
        ref=nouvelle_ref("A"),
        assure=assure,
        mission=mission,
        date_debut=date_debut,
        referent=referent,
        unite_id=referent.unite_id,
    )
    _sauver(accompagnement, acting_user)
    return accompagnement


@transaction.atomic
def modifier_accompagnement(
    accompagnement: Accompagnement,
    *,
    acting_user: Agent,
    version: int,
    mission: Mission,
    referent: Agent,
    date_debut: date,
) -> Accompagnement:
    courant = verrouiller(Accompagnement, accompagnement.pk, version)
    if probleme := probleme_date_activite(date_debut, timezone.localdate()):
        raise RegleMetier({"date_debut": probleme})
    if courant.date_fin is not None and date_debut > courant.date_fin:
        raise RegleMetier({"date_debut": "l'ouverture doit précéder la clôture"})
    premier = courant.entretiens.realises().order_by("date").values_list("date", flat=True).first()
    if premier is not None and date_debut > premier:
        raise RegleMetier(
            {"date_debut": f"un entretien de l'accompagnement date du {premier:%d/%m/%Y}"}
        )
    courant.mission = mission
    courant.referent = referent
    courant.unite_id = referent.unite_id
    courant.date_debut = date_debut
    courant.version += 1
    _sauver(courant, acting_user)
    return courant


@transaction.atomic
def cloturer_accompagnement(
    accompagnement: Accompagnement,
    *,
    acting_user: Agent,
    version: int,
    date_fin: date | None,
    issue: str,
    issue_precision: str = "",
    malgre_actions_en_retard: bool = False,
) -> Accompagnement:
    """Close with an outcome. Overdue actions of the plan are not closed silently: the user
    is told which, and closes anyway only by saying so (`malgre_actions_en_retard`)."""
    courant = verrouiller(Accompagnement, accompagnement.pk, version)
    erreurs = {}
    if courant.date_fin is not None:
        raise RegleMetier("cet accompagnement est déjà clos")
    en_retard = list(
        courant.actions.filter(faite=False, echeance__lt=timezone.localdate())
        .order_by("echeance")
        .values_list("libelle", flat=True)
    )
    if en_retard and not malgre_actions_en_retard:
        erreurs["malgre_actions_en_retard"] = (
            f"{len(en_retard)} action{'s' if len(en_retard) > 1 else ''} du plan d'aide "
            f"{'sont' if len(en_retard) > 1 else 'est'} en retard ({', '.join(en_retard[:3])}"
            f"{'…' if len(en_retard) > 3 else ''}) : marquez-les faites, ou cochez cette case "
            "pour clore malgré tout"
        )
    if not issue:
        erreurs["issue"] = "la clôture exige une issue"
    elif issue not in IssueAccompagnement.values:
        erreurs["issue"] = "issue inconnue"
    elif issue == IssueAccompagnement.AUTRE and not issue_precision.strip():
        erreurs["issue_precision"] = "précisez l'issue"
    if date_fin is None:
        erreurs["date_fin"] = "indiquez la date de clôture"
    elif date_fin > timezone.localdate():
        erreurs["date_fin"] = "la date de clôture ne peut pas être dans le futur"
    elif date_fin < courant.date_debut:
        erreurs["date_fin"] = (
            f"la clôture ne peut précéder l'ouverture ({courant.date_debut:%d/%m/%Y})"
        )
    else:
        dernier = (
            courant.entretiens.realises().order_by("-date").values_list("date", flat=True).first()
        )
        if dernier is not None and dernier > date_fin:
            erreurs["date_fin"] = f"un entretien a eu lieu après, le {dernier:%d/%m/%Y}"
    if erreurs:
        raise RegleMetier(erreurs)
    courant.date_fin = date_fin
    courant.issue = issue
    courant.issue_precision = issue_precision
    courant.version += 1
    _sauver(courant, acting_user)
    return courant


@transaction.atomic
def rouvrir_accompagnement(
    accompagnement: Accompagnement, *, acting_user: Agent, version: int
) -> Accompagnement:
    """Reopen a closed accompaniment: its closing date and outcome are cleared."""
    courant = verrouiller(Accompagnement, accompagnement.pk, version)
    if courant.date_fin is None:
        raise RegleMetier("cet accompagnement n'est pas clos : il n'y a rien à rouvrir")
    courant.date_fin = None
    courant.issue = ""
    courant.issue_precision = ""
    courant.version += 1
    _sauver(courant, acting_user)
    return courant


# Interviews ----------------------------------------------------------------------------------


def _controler_entretien(
    *,
    auteur: Agent,
    accompagnement: Accompagnement | None,
    assure: Assure,
    date: date,
    mode: str,
    lieu_accueil: LieuAccueil | None,
    second_agent: Agent | None,
    partenaire: Partenaire | None,
) -> dict[str, str]:
    """The rules of an interview, recorded or corrected: per field, what is wrong."""
    erreurs = {}
    if date > timezone.localdate():
        erreurs["date"] = "un entretien ne peut pas être daté dans le futur"
    elif probleme := probleme_date_activite(date, timezone.localdate()):
        erreurs["date"] = probleme
    if accompagnement is not None:
        if accompagnement.assure_id != assure.pk:
            erreurs["accompagnement"] = "cet accompagnement concerne une autre personne"
        elif date < accompagnement.date_debut:
            erreurs["date"] = (
                f"l'accompagnement a été ouvert le {accompagnement.date_debut:%d/%m/%Y}"
            )
        elif accompagnement.date_fin is not None and date > accompagnement.date_fin:
            erreurs["date"] = f"l'accompagnement a été clos le {accompagnement.date_fin:%d/%m/%Y}"
    if mode == ModeEntretien.LIEU_ACCUEIL and lieu_accueil is None:
        erreurs["lieu_accueil"] = "indiquez le lieu d'accueil"
    if second_agent is not None and second_agent.pk == auteur.pk:
        erreurs["second_agent"] = "le second agent doit être une autre personne"
    elif second_agent is not None and second_agent.organisme_id != auteur.organisme_id:
        erreurs["second_agent"] = "le second agent doit être de votre organisme"
    if partenaire is not None and partenaire.organisme_id != auteur.organisme_id:
        erreurs["partenaire"] = "cette structure n'est pas dans l'annuaire de votre organisme"
    return erreurs


@transaction.atomic
def enregistrer_entretien(
    assure: Assure,
    *,
    acting_user: Agent,
    accompagnement: Accompagnement | None,
    date: date,
    mode: str,
    lieu_accueil: LieuAccueil | None = None,
    duree_minutes: int | None = None,
    second_agent: Agent | None = None,
    partenaire: Partenaire | None = None,
    partenaire_present: str = "",
    notes: str = "",
    unite: Unite | None = None,
) -> Entretien:
    erreurs = _controler_entretien(
        auteur=acting_user,
        accompagnement=accompagnement,
        assure=assure,
        date=date,
        mode=mode,
        lieu_accueil=lieu_accueil,
        second_agent=second_agent,
        partenaire=partenaire,
    )
    if erreurs:
        raise RegleMetier(erreurs)
    if accompagnement is not None:
        unite_id = accompagnement.unite_id
    else:
        unite_id = (unite.pk if unite else None) or acting_user.unite_id
    entretien = Entretien(
        ref=nouvelle_ref("E"),
        assure=assure,
        accompagnement=accompagnement,
        date=date,
        mode=mode,
        lieu_accueil=lieu_accueil if mode == ModeEntretien.LIEU_ACCUEIL else None,
        duree_minutes=duree_minutes,
        agent=acting_user,
        second_agent=second_agent,
        partenaire=partenaire,
        partenaire_present=partenaire_present,
        notes=notes,
        unite_id=unite_id,
    )
    _sauver(entretien, acting_user)
    return entretien


def peut_corriger_entretien(user: Agent, entretien: Entretien) -> bool:
    """Its author, or the manager of its unit; never an interview of another unit."""
    if entretien.unite_id != user.unite_id or entretien.annule:
        return False
    return entretien.agent_id == user.pk or user.role == Role.CADRE


CHAMPS_CORRIGEABLES = (
    "date",
    "mode",
    "lieu_accueil",
    "duree_minutes",
    "second_agent",
    "partenaire",
    "partenaire_present",
    "notes",
)


@transaction.atomic
def corriger_entretien(
    entretien: Entretien, *, acting_user: Agent, version: int, motif: str, **champs
) -> Entretien:
    """Correct an interview (a wrong colleague, date, place…): its author or the unit's
    manager; the change history keeps the previous version, who corrected it and why."""
    courant = verrouiller(Entretien, entretien.pk, version)
    if not peut_corriger_entretien(acting_user, courant):
        raise RegleMetier("seul l'auteur de l'entretien ou le·la cadre de l'unité peut le corriger")
    if not motif.strip():
        raise RegleMetier({"motif": "indiquez pourquoi vous corrigez l'entretien"})
    inconnus = set(champs) - set(CHAMPS_CORRIGEABLES)
    if inconnus:
        raise ValueError(f"champs non corrigeables : {sorted(inconnus)}")
    valeurs = {c: champs.get(c, getattr(courant, c)) for c in CHAMPS_CORRIGEABLES}
    erreurs = _controler_entretien(
        auteur=courant.agent,
        accompagnement=courant.accompagnement,
        assure=courant.assure,
        date=valeurs["date"],
        mode=valeurs["mode"],
        lieu_accueil=valeurs["lieu_accueil"],
        second_agent=valeurs["second_agent"],
        partenaire=valeurs["partenaire"],
    )
    if erreurs:
        raise RegleMetier(erreurs)
    if valeurs["mode"] != ModeEntretien.LIEU_ACCUEIL:
        valeurs["lieu_accueil"] = None
    for champ, valeur in valeurs.items():
        setattr(courant, champ, valeur)
    courant.version += 1
    courant._change_reason = f"correction : {motif.strip()}"[:100]
    _sauver(courant, acting_user)
    return courant


@transaction.atomic
def annuler_entretien(
    entretien: Entretien, *, acting_user: Agent, version: int, motif: str
) -> Entretien:
    """Cancel an interview recorded by mistake: it stays in the dossier, marked « annulé » with
    its reason, and leaves every count (statistics count only interviews not cancelled)."""
    courant = verrouiller(Entretien, entretien.pk, version)
    if courant.annule:
        raise RegleMetier("cet entretien est déjà annulé")
    if not peut_corriger_entretien(acting_user, courant):
        raise RegleMetier("seul l'auteur de l'entretien ou le·la cadre de l'unité peut l'annuler")
    if not motif.strip():
        raise RegleMetier({"motif_annulation": "indiquez pourquoi l'entretien est annulé"})
    courant.annule = True
    courant.motif_annulation = motif.strip()[:300]
    courant.version += 1
    courant._change_reason = "annulation"
    _sauver(courant, acting_user)
    return courant


@transaction.atomic
def ajouter_objectif(
    accompagnement: Accompagnement, *, acting_user: Agent, libelle: str
) -> Objectif:
    objectif = Objectif(accompagnement=accompagnement, libelle=libelle)
    _sauver(objectif, acting_user)
    return objectif


@transaction.atomic
def ajouter_action(
    accompagnement: Accompagnement,
    *,
    acting_user: Agent,
    libelle: str,
    objectif: Objectif | None = None,
    partenaire: str = "",
    echeance: date | None = None,
) -> Action:
    if objectif is not None and objectif.accompagnement_id != accompagnement.pk:
        raise RegleMetier({"objectif": "cet objectif appartient à un autre accompagnement"})
    action = Action(
        accompagnement=accompagnement,
        objectif=objectif,
        libelle=libelle,
        partenaire=partenaire,
        echeance=echeance,
    )
    _sauver(action, acting_user)
    return action


@transaction.atomic
def marquer_action(action: Action, *, acting_user: Agent, faite: bool) -> Action:
    action.faite = faite
    _sauver(action, acting_user, update_fields=["faite"])
    return action


@transaction.atomic
def marquer_objectif(objectif: Objectif, *, acting_user: Agent, atteint: bool) -> Objectif:
    objectif.atteint = atteint
    _sauver(objectif, acting_user, update_fields=["atteint"])
    return objectif


@transaction.atomic
def orienter(
    assure: Assure,
    *,
    acting_user: Agent,
    accompagnement: Accompagnement | None,
    date: date,
    partenaire: str,
    motif: str,
) -> Orientation:
    if probleme := probleme_date_activite(date, timezone.localdate()):
        raise RegleMetier({"date": probleme})
    orientation = Orientation(
        assure=assure,
        accompagnement=accompagnement,
        date=date,
        partenaire=partenaire,
        motif=motif,
        auteur=acting_user,
    )
    _sauver(orientation, acting_user)
    return orientation


@transaction.atomic
def enregistrer_reponse(
    orientation: Orientation, *, acting_user: Agent, reponse: str, date_reponse: date
) -> Orientation:
    if date_reponse < orientation.date:
        raise RegleMetier({"date_reponse": "la réponse ne peut précéder l'orientation"})
    if date_reponse > timezone.localdate():
        raise RegleMetier({"date_reponse": "la date ne peut pas être dans le futur"})
    orientation.reponse = reponse
    orientation.date_reponse = date_reponse
    _sauver(orientation, acting_user, update_fields=["reponse", "date_reponse"])
    return orientation
