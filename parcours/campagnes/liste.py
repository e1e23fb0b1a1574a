"""The cadre's work on a campaign before it is validated (issue 15, points 1–4): the campaign's
parameters, the target list uploaded and checked in the background, its rows corrected, excluded
or matched one by one, the priority's weights, and the validation.

A target list is a working document (DESIGN §5): every row is kept with what was typed, its
errors and its reason for exclusion; a corrected row is checked again alone, as the whole list
was (`reverifier`, with `analyse.analyser`), so that the screen, the `cibles` command and the
partners' API later give one answer. Nothing here sends anything: `valider` hands over to
parcours.campagnes.contacts.

The upload runs as a job of parcours.travaux (`ListeCibles`): the file is copied readable by its
owner only, read as a stream, checked in chunks with the progress written on the job's row, then
the campaign's list is replaced in one transaction and the file deleted. A job whose worker died
may run again (it writes nothing before its last transaction).
"""

import logging
import os
from collections import defaultdict
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from parcours.campagnes import analyse, contacts
from parcours.campagnes.enums import EtatCible, Exclusion, StatutCampagne
from parcours.campagnes.models import Campagne, Cible, ListeCibles
from parcours.dossiers.models import Assure
from parcours.imports.engine import dossier_imports
from parcours.lib.csvlecture import MESSAGE_ENCODAGE, LecteurCSV
from parcours.lib.fichiers import dossier_prive
from parcours.lib.verrou import verrouiller
from parcours.organisation.models import Agent
from parcours.travaux.execution import execution
from parcours.travaux.execution import lancer as lancer_tache
from parcours.travaux.genres import Genre

logger = logging.getLogger(__name__)

# Rows checked per call of analyse.analyser: the progress moves between two calls.
TAILLE_PAQUET = analyse.PAQUET
MESSAGE_DOUBLON = "le même NIR figure plus haut dans la liste"
MESSAGE_FIGEE = "cette campagne est validée : sa liste ne change plus"


class StatutListe(models.TextChoices):
    """Where the check of an uploaded list stands (`ListeCibles.statut`)."""

    EN_ATTENTE = "EN_ATTENTE", "en attente"
    EN_COURS = "EN_COURS", "en cours"
    TERMINEE = "TERMINEE", "vérifiée"
    ECHEC = "ECHEC", "échec"


STATUTS_EN_COURS = (StatutListe.EN_ATTENTE, StatutListe.EN_COURS)
EN_COURS = Q(statut__in=STATUTS_EN_COURS)


class ListeRefusee(Exception):
    """The file cannot be taken as a list (header, encoding…); the message is for the user."""


# The campaign --------------------------------------------------------------------------------

# What may still change once the list is validated: the rows are assigned and the invitations
# left with the other parameters.
CHAMPS_APRES_VALIDATION = ("nom", "date_fin", "texte_sms", "texte_courriel")


@transaction.atomic
def enregistrer_campagne(
    campagne: Campagne, champs: dict, *, acting_user: Agent, version: int | None
) -> Campagne:
    """Create (no pk yet) or modify a campaign with the form's `champs` (`unites` among them).
    A modification is refused with ConflitDeVersion if the campaign changed since the form was
    opened on `version`; once validated, only CHAMPS_APRES_VALIDATION change."""
    champs = dict(champs)
    unites = champs.pop("unites", None)
    if campagne.pk is None:
        courant = campagne
        courant.organisme_id = acting_user.organisme_id
        courant.cree_par = acting_user
    else:
        courant = verrouiller(Campagne, campagne.pk, version)
        courant.version += 1
    if courant.statut != StatutCampagne.PREPARATION:
        champs = {k: v for k, v in champs.items() if k in CHAMPS_APRES_VALIDATION}
        unites = None
    for champ, valeur in champs.items():
        setattr(courant, champ, valeur)
    courant._history_user = acting_user
    courant.save()
    if unites is not None:
        courant.unites.set(unites)
    return courant


# The rows, one by one ------------------------------------------------------------------------


CHAMPS_RESULTAT = (
    *analyse.COLONNES,
    "etat",
    "erreurs",
    "assure",
    "homonymes",
    "exclusion",
    "exclusion_detail",
    "score",
    "contributions",
    "minutes_lieu",
)


def valeurs_de(cible: Cible) -> dict[str, str]:
    """The row as the file gave it (or as last typed): {column: text}."""
    return {colonne: getattr(cible, colonne) for colonne in analyse.COLONNES}


def reverifier(cible: Cible, valeurs: dict[str, str], *, assure: Assure | None = None) -> Cible:
    """Check one row again, alone, with `valeurs` typed on screen: the result of
    `analyse.analyser` for that line is copied onto the stored row, which is saved (a row still
    in error keeps what was typed, with its new errors).

    `assure`: the person the cadre confirmed among the row's homonyms; the row is checked as
    that person's (exclusions, contributions), keeping the NIR the list gave.

    Duplicates are checked against the campaign's other rows: an earlier line of the same NIR
    (or confirmed as the same person) makes this one DOUBLON, as in the whole list. A later
    line already marked DOUBLON because of this one is left as it is."""
    campagne = cible.campagne
    valeurs = {c: (valeurs.get(c) or "") for c in analyse.COLONNES}
    a_analyser = {**valeurs, "nir": assure.nir} if assure is not None else valeurs
    (resultat,) = analyse.analyser(campagne, [(cible.ligne, a_analyser)])
    if assure is not None and resultat.etat != EtatCible.ERREUR:
        resultat.nir = cible.nir
        resultat.homonymes = []
    for champ in CHAMPS_RESULTAT:
        setattr(cible, champ, getattr(resultat, champ))
    if cible.etat != EtatCible.ERREUR:
        memes = Q(nir=cible.nir)
        if cible.assure_id is not None:
            memes |= Q(assure_id=cible.assure_id)
        premiere = (
            Cible.objects.filter(campagne_id=cible.campagne_id, ligne__lt=cible.ligne)
            .filter(memes)
            .exclude(etat=EtatCible.ERREUR)
            .exclude(pk=cible.pk)
            .order_by("ligne")
            .values_list("ligne", flat=True)
            .first()
        )
        if premiere is not None:
            cible.etat = EtatCible.EXCLUE
            cible.exclusion = Exclusion.DOUBLON
            cible.exclusion_detail = f"{MESSAGE_DOUBLON} (ligne {premiere})"
            cible.contributions = []
            cible.score = 0
    cible.version += 1
    cible.save(update_fields=[*CHAMPS_RESULTAT, "version"])
    return cible


def _verrouiller_cible(cible: Cible, version: int | None) -> Cible:
    """The row, locked, after a version check; RegleCampagne once its campaign is validated."""
    courant = verrouiller(Cible, cible.pk, version)
    courant.campagne = Campagne.objects.select_related("organisme").get(pk=courant.campagne_id)
    if courant.campagne.statut != StatutCampagne.PREPARATION:
        raise contacts.RegleCampagne(MESSAGE_FIGEE)
    return courant


@transaction.atomic
def corriger(cible: Cible, valeurs: dict[str, str], *, version: int | None) -> Cible:
    """The row's fields as corrected on screen, checked again alone. A person the cadre had
    confirmed among the row's homonyms stays confirmed while still proposed."""
    courant = _verrouiller_cible(cible, version)
    confirmee = courant.assure_id
    courant = reverifier(courant, valeurs)
    if confirmee is not None and confirmee in courant.homonymes:
        courant = reverifier(courant, valeurs, assure=Assure.objects.get(pk=confirmee))
    return courant


@transaction.atomic
def exclure(cible: Cible, motif: str, *, version: int | None) -> Cible:
    """A row the cadre excludes by hand, with the reason they typed."""
    motif = " ".join(motif.split())
    if not motif:
        raise contacts.RegleCampagne("indiquez pourquoi cette ligne est exclue")
    courant = _verrouiller_cible(cible, version)
    courant.etat = EtatCible.EXCLUE
    courant.exclusion = Exclusion.MANUELLE
    courant.exclusion_detail = motif[:200]
    courant.contributions = []
    courant.score = 0
    courant.version += 1
    courant.save(
        update_fields=["etat", "exclusion", "exclusion_detail", "contributions", "score", "version"]
    )
    return courant


@transaction.atomic
def decider_homonyme(cible: Cible, assure_id: int | None, *, version: int | None) -> Cible:
    """The cadre's answer on a homonym proposed for the row: « c'est la même personne »
    (`assure_id`, one of the row's homonyms; the row is then checked again as that person's:
    accompaniment in progress, refusal, recent contact…) or « c'est une autre personne »
    (None: nobody is proposed any more; the person will be recorded when contacted)."""
    courant = _verrouiller_cible(cible, version)
    if courant.etat != EtatCible.RETENUE or courant.assure_id is not None or not courant.homonymes:
        raise contacts.RegleCampagne("aucune personne n'est à confirmer sur cette ligne")
    if assure_id is None:
        courant.homonymes = []
        courant.version += 1
        courant.save(update_fields=["homonymes", "version"])
        return courant
    if assure_id not in courant.homonymes:
        raise contacts.RegleCampagne("choisissez une des personnes proposées")
    assure = Assure.objects.get(pk=assure_id)
    return reverifier(courant, valeurs_de(courant), assure=assure)


# The priority's weights and the validation ---------------------------------------------------


def reponderer(campagne: Campagne, poids: dict[str, int]) -> int:
    """New weights (0 to 10 each); refused once the campaign is closed."""
    if campagne.statut == StatutCampagne.CLOSE:
        raise contacts.RegleCampagne("cette campagne est close")
    return analyse.reponderer(campagne, poids)


def valider(campagne: Campagne, *, acting_user: Agent) -> int:
    """Validate the list (contacts.valider), not while a list is being checked nor when there
    is none; returns how many rows are to be contacted."""
    if ListeCibles.objects.filter(EN_COURS, campagne=campagne).exists():
        raise contacts.RegleCampagne(
            "une liste est en cours de vérification : attendez qu'elle soit terminée"
        )
    if not Cible.objects.filter(campagne=campagne).exists():
        raise contacts.RegleCampagne("déposez d'abord la liste des personnes à contacter")
    return contacts.valider(campagne, acting_user=acting_user)


# Figures of the campaign ---------------------------------------------------------------------

A_CONFIRMER = Q(etat=EtatCible.RETENUE, assure__isnull=True) & ~Q(homonymes=[])


def comptes(campagne: Campagne) -> dict[str, int]:
    """Rows by state, and the retained ones whose person is to be confirmed: one query."""
    return Cible.objects.filter(campagne=campagne).aggregate(
        lignes=Count("id"),
        erreurs=Count("id", filter=Q(etat=EtatCible.ERREUR)),
        exclues=Count("id", filter=Q(etat=EtatCible.EXCLUE)),
        retenues=Count("id", filter=Q(etat=EtatCible.RETENUE)),
        a_confirmer=Count("id", filter=A_CONFIRMER),
    )


def comptes_des_campagnes(campagnes: QuerySet[Campagne]) -> QuerySet[Campagne]:
    """The campaigns with their rows' figures (`lignes`, `erreurs`, `a_confirmer`, `exclues`,
    `retenues`), in one query."""
    return campagnes.annotate(
        lignes=Count("cibles"),
        erreurs=Count("cibles", filter=Q(cibles__etat=EtatCible.ERREUR)),
        a_confirmer=Count(
            "cibles",
            filter=Q(cibles__etat=EtatCible.RETENUE, cibles__assure__isnull=True)
            & ~Q(cibles__homonymes=[]),
        ),
        exclues=Count("cibles", filter=Q(cibles__etat=EtatCible.EXCLUE)),
        retenues=Count("cibles", filter=Q(cibles__etat=EtatCible.RETENUE)),
    )


def comptes_par_exclusion(campagne: Campagne) -> list[tuple[str, str, int]]:
    """(code, label, rows) of each reason for exclusion present, in the enum's order."""
    nombres = dict(
        Cible.objects.filter(campagne=campagne, etat=EtatCible.EXCLUE)
        .order_by()
        .values_list("exclusion")
        .annotate(n=Count("id"))
    )
    return [
        (code, libelle, nombres[code]) for code, libelle in Exclusion.choices if code in nombres
    ]


def derniere_liste(campagne: Campagne) -> ListeCibles | None:
    return ListeCibles.objects.filter(campagne=campagne).order_by("-cree_le", "-pk").first()


# The upload, in the background ---------------------------------------------------------------


def _dossier() -> Path:
    """Where uploaded lists wait, apart from the history imports' files (their nightly
    cleaning deletes what is not an import under way)."""
    return dossier_prive(dossier_imports() / "cibles")


def deposer(liste: ListeCibles, fichier: UploadedFile) -> None:
    """Copy the upload, chunk by chunk, readable by its owner only."""
    chemin = _dossier() / f"{liste.pk}.csv"
    descripteur = os.open(chemin, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descripteur, "wb") as sortie:
        for morceau in fichier.chunks():
            sortie.write(morceau)
    liste.fichier = str(chemin)
    liste.save(update_fields=["fichier"])


@transaction.atomic
def televerser(campagne: Campagne, fichier: UploadedFile, *, acting_user: Agent) -> ListeCibles:
    """Record the upload and queue its check (run at once where settings say so: tests)."""
    courant = Campagne.objects.select_for_update().get(pk=campagne.pk)
    if courant.statut != StatutCampagne.PREPARATION:
        raise contacts.RegleCampagne(MESSAGE_FIGEE)
    if ListeCibles.objects.filter(EN_COURS, campagne=courant).exists():
        raise contacts.RegleCampagne(
            "une liste est déjà en cours de vérification : attendez qu'elle soit terminée"
        )
    liste = ListeCibles.objects.create(
        campagne=courant, nom_fichier=(fichier.name or "cibles.csv")[:255], auteur=acting_user
    )
    deposer(liste, fichier)
    lancer_tache(liste, verifier_liste)
    return liste


def _etape(liste_id: int, etape: str, progression: int, **champs) -> None:
    ListeCibles.objects.filter(pk=liste_id).update(
        etape=etape[:100], progression=progression, **champs
    )


def _effacer(liste: ListeCibles) -> None:
    if liste.fichier:
        Path(liste.fichier).unlink(missing_ok=True)
    ListeCibles.objects.filter(pk=liste.pk).update(fichier="")


@task()
def verifier_liste(liste_id: int) -> None:
    """The task: check one uploaded list and make it the campaign's."""
    with execution(ListeCibles, liste_id):
        liste = ListeCibles.objects.select_related("campagne__organisme").get(pk=liste_id)
        try:
            _verifier(liste)
        except (ListeRefusee, contacts.RegleCampagne) as erreur:
            _etape(
                liste_id,
                "Fichier refusé : la liste n'a pas été remplacée",
                0,
                statut=StatutListe.ECHEC,
                erreur=str(erreur),
                termine_le=timezone.now(),
            )
        except Exception as erreur:
            # The class only: the exception's text may quote a value of the file.
            logger.error("liste de cibles %s interrompue : %s", liste_id, type(erreur).__name__)
            _etape(
                liste_id,
                "Interrompue par une erreur inattendue : la liste n'a pas été remplacée",
                0,
                statut=StatutListe.ECHEC,
                erreur="erreur inattendue pendant la vérification ; déposez à nouveau le fichier",
                termine_le=timezone.now(),
            )
        finally:
            _effacer(liste)


def _illisibles(erreurs, campagne: Campagne) -> list[Cible]:
    """The rows the reader could not split (wrong number of values, NUL, cell too long): rows
    in error, with nothing read, to be typed again or excluded on screen."""
    par_ligne: dict[int, list[dict]] = defaultdict(list)
    for erreur in erreurs:
        par_ligne[erreur.ligne].append({"colonne": erreur.colonne or "", "motif": erreur.message})
    return [
        Cible(campagne=campagne, ligne=ligne, etat=EtatCible.ERREUR, erreurs=motifs)
        for ligne, motifs in sorted(par_ligne.items())
    ]


def _verifier(liste: ListeCibles) -> None:
    campagne = liste.campagne
    _etape(liste.pk, "Lecture du fichier", 0, statut=StatutListe.EN_COURS)
    chemin = Path(liste.fichier)
    try:
        flux = chemin.open("rb")
    except OSError:
        raise ListeRefusee("le fichier déposé est introuvable : déposez-le à nouveau") from None
    with flux:
        taille = max(chemin.stat().st_size, 1)
        lecteur = LecteurCSV(flux, analyse.COLONNES)
        manquantes = [c for c in analyse.COLONNES if c not in lecteur.colonnes]
        if lecteur.colonnes and manquantes:
            raise ListeRefusee(
                f"colonnes manquantes dans l'en-tête : {', '.join(manquantes)} (attendues : "
                f"{';'.join(analyse.COLONNES)})"
            )
        if lecteur.erreurs:
            raise ListeRefusee("; ".join(str(e) for e in lecteur.erreurs))
        ctx = analyse.contexte(campagne)
        cibles: list[Cible] = []
        vus: set[str] = set()
        paquet: list[tuple[int, dict[str, str]]] = []

        def analyser_paquet() -> None:
            # analyse.analyser finds the duplicates inside one call; across calls, here.
            nouvelles = analyse.analyser(campagne, paquet, ctx=ctx)
            for cible in nouvelles:
                if cible.etat == EtatCible.ERREUR:
                    continue
                if cible.nir in vus and cible.exclusion != Exclusion.DOUBLON:
                    cible.etat = EtatCible.EXCLUE
                    cible.exclusion = Exclusion.DOUBLON
                    cible.exclusion_detail = MESSAGE_DOUBLON
                    cible.contributions = []
                    cible.score = 0
                vus.add(cible.nir)
            cibles.extend(nouvelles)
            paquet.clear()
            _etape(
                liste.pk,
                "Vérification des lignes",
                min(90, int(90 * lecteur.position() / taille)),
                lignes=len(cibles),
            )

        for numero, valeurs in lecteur:
            paquet.append((numero, valeurs))
            if len(paquet) >= TAILLE_PAQUET:
                analyser_paquet()
        if paquet:
            analyser_paquet()
    # Reading stopped before the end of the file: never a list cut short.
    fatales = [
        e
        for e in lecteur.erreurs
        if e.message == MESSAGE_ENCODAGE or e.message.startswith("ligne illisible")
    ]
    if fatales:
        raise ListeRefusee("; ".join(str(e) for e in fatales))
    cibles.extend(_illisibles([e for e in lecteur.erreurs if e.ligne is not None], campagne))
    _etape(liste.pk, "Enregistrement de la liste", 95, lignes=len(cibles))
    with transaction.atomic():
        courant = Campagne.objects.select_for_update().get(pk=campagne.pk)
        if courant.statut != StatutCampagne.PREPARATION:
            raise contacts.RegleCampagne(
                "la campagne a été validée pendant la vérification : sa liste ne change plus"
            )
        analyse.remplacer(courant, cibles)
        fin = "Liste vérifiée"
        if lecteur.avertissements:
            fin = f"{fin} ; {'; '.join(lecteur.avertissements)}"
        _etape(
            liste.pk,
            fin,
            100,
            statut=StatutListe.TERMINEE,
            lignes=len(cibles),
            termine_le=timezone.now(),
        )


def abandonner(liste: ListeCibles, message: str) -> None:
    """A check whose worker died, for good: failed, its file deleted (nothing was written)."""
    _etape(
        liste.pk, message, 0, statut=StatutListe.ECHEC, erreur=message, termine_le=timezone.now()
    )
    _effacer(liste)


def relancer(liste: ListeCibles) -> None:
    """A check whose worker died, put back in the queue: it wrote nothing yet."""
    _etape(liste.pk, "En attente (reprise)", 0, statut=StatutListe.EN_ATTENTE, lignes=0)


def genre() -> Genre:
    """The job kind of the upload, for the workers (registered in CampagnesConfig.ready())."""
    return Genre(
        modele=ListeCibles,
        tache=verifier_liste,
        en_cours=EN_COURS,
        abandonner=abandonner,
        relancer=relancer,
    )
