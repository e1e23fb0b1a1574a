"""Checking a target list (cibles.csv, DESIGN §5): each row checked, matched to the persons the
service knows, excluded with its reason or retained with a priority that explains itself.

One code for every way a list arrives — the page's upload, the `cibles` command, the partners'
API later: `analyser()` takes rows (line number, {column: text}) and gives unsaved `Cible`
objects; `remplacer()` writes them as the campaign's list. Nothing here sends anything.

It reads in bulk, a few queries per 2,000 rows whatever the list's size: the NIRs known, the
homonyms (same name and birth date, another NIR: proposed, never merged), the accompaniments in
progress, the recent contacts of other campaigns, the refusals. The priority is a sum of named
contributions (DESIGN: never a hidden model), each shown on the row with its points; the
campaign's weights say how many points each is worth.

100,000 rows against a million persons take a few seconds (bench/campagnes.py): what does not
change from row to row is read once, the persons come with what excludes them in one query, the
homonyms are looked up pair by pair in the index of names and birth dates, the rows are built
without `Model.__init__` and written by the imports' bulk path, the garbage collector paused.
"""

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from dateutil.relativedelta import relativedelta
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef
from django.db.models.base import ModelState
from django.utils import timezone

from parcours.campagnes.enums import EtatCible, Exclusion, SourceCampagne
from parcours.campagnes.models import Campagne, Cible
from parcours.dossiers.models import Accompagnement, Assure
from parcours.imports.engine import Insertion
from parcours.lib.csvlecture import lire_date
from parcours.lib.nir import NirInvalide, normaliser_nir
from parcours.lib.sphere import distances_km
from parcours.lib.telephone import TelephoneInvalide, normaliser_telephone
from parcours.lib.texte import normaliser
from parcours.messagerie.models import Opposition
from parcours.observatoire.calculs import dernier_calcul
from parcours.organisation.models import LieuAccueil
from parcours.organisation.proximite import minutes_estimees
from parcours.territoire.models import Commune

COLONNES = (
    "nir",
    "nom",
    "prenom",
    "date_naissance",
    "commune",
    "telephone",
    "email",
    "date_debut_arret",
    "motif",
)
PAQUET = 2_000  # keys per query
# A canton is « fragile » for the priority from this many significant criteria (of 5).
CRITERES_FRAGILE = 3
ARRET_LONG_JOURS = 180
LOIN_MINUTES = 30
MOTIFS = frozenset(SourceCampagne.values)


@dataclass
class Contexte:
    """What the checks need to know beyond the rows, read once per analysis."""

    campagne: Campagne
    aujourd_hui: date
    departements: set[str]  # the organisme's territory (DESIGN §4)
    lieux: np.ndarray  # latitudes, longitudes of its open places
    k: float
    v: float
    fragilite: dict[str, int]  # pseudo-canton → composite


def contexte(campagne: Campagne, aujourd_hui: date | None = None) -> Contexte:
    organisme = campagne.organisme
    departements = set(organisme.departements().values_list("code", flat=True))
    lieux = np.array(
        list(
            LieuAccueil.objects.actifs()
            .filter(unite__organisme=organisme)
            .values_list("latitude", "longitude")
        ),
        dtype=float,
    ).reshape(-1, 2)
    fragilite = {}
    calcul = dernier_calcul(organisme)
    if calcul is not None:
        territoires = ((calcul.resultats or {}).get("fragilite") or {}).get("territoires") or {}
        fragilite = {
            code: t["composite"]
            for code, t in territoires.items()
            if t.get("composite") is not None
        }
    return Contexte(
        campagne=campagne,
        aujourd_hui=aujourd_hui or timezone.localdate(),
        departements=departements,
        lieux=lieux,
        k=organisme.detour_k,
        v=organisme.vitesse_kmh,
        fragilite=fragilite,
    )


@contextmanager
def _ramasse_miettes_en_pause() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a list is built: each of its full passes
    walks every object alive, and building 100,000 rows (with their Cible, their checked values)
    sets off enough of them to take a third of the time. What is built here holds no cycle:
    nothing is left for it to find when it resumes."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


def _paquets(valeurs: list, taille: int = PAQUET) -> Iterator[list]:
    for debut in range(0, len(valeurs), taille):
        yield valeurs[debut : debut + taille]


# One row ------------------------------------------------------------------------------------


def verifier(
    valeurs: dict[str, str], communes: dict[str, tuple], *, aujourd_hui: date | None = None
) -> tuple[dict, list]:
    """The row's clean values and its errors [(column, reason)], in French. `aujourd_hui`:
    today's date, read once by a caller that checks many rows."""
    propre: dict = {}
    erreurs: list[tuple[str, str]] = []
    try:
        propre["nir"] = normaliser_nir(valeurs.get("nir", "").strip())
    except NirInvalide as erreur:
        erreurs.append(("nir", str(erreur)))
    for colonne in ("nom", "prenom"):
        texte = " ".join(valeurs.get(colonne, "").split())
        if not texte:
            erreurs.append((colonne, f"{'nom' if colonne == 'nom' else 'prénom'} manquant"))
        elif len(texte) > 100:
            erreurs.append((colonne, "100 caractères au plus"))
        propre[colonne] = texte
    for colonne, obligatoire in (("date_naissance", True), ("date_debut_arret", False)):
        texte = valeurs.get(colonne, "").strip()
        if not texte:
            propre[colonne] = None
            if obligatoire:
                erreurs.append((colonne, "date de naissance manquante"))
            continue
        try:
            propre[colonne] = lire_date(texte)
        except ValueError as erreur:
            erreurs.append((colonne, str(erreur)))
    code = valeurs.get("commune", "").strip().upper()
    if not code:
        erreurs.append(("commune", "commune manquante (code INSEE)"))
    elif code not in communes:
        erreurs.append(("commune", f"commune inconnue : {code} (code INSEE attendu)"))
    propre["commune"] = code
    telephone = valeurs.get("telephone", "").strip()
    propre["telephone"] = ""
    if telephone:
        try:
            propre["telephone"] = normaliser_telephone(telephone)
        except TelephoneInvalide as erreur:
            erreurs.append(("telephone", str(erreur)))
    email = valeurs.get("email", "").strip()
    if email and ("@" not in email or " " in email or len(email) > 254):
        erreurs.append(("email", "adresse électronique invalide"))
    propre["email"] = email
    motif = valeurs.get("motif", "").strip().upper()
    if motif and motif not in MOTIFS:
        erreurs.append(
            ("motif", f"motif inconnu : {motif} (attendu : {', '.join(SourceCampagne.values)})")
        )
    propre["motif"] = motif
    naissance = propre.get("date_naissance")
    if naissance and naissance > (aujourd_hui or timezone.localdate()):
        erreurs.append(("date_naissance", "la date de naissance est dans le futur"))
    return propre, erreurs


# The whole list -----------------------------------------------------------------------------


def _communes(codes: set[str]) -> dict[str, tuple]:
    """code → (département, pseudo-canton, latitude, longitude)."""
    trouvees = {}
    for paquet in _paquets(sorted(codes)):
        for code, dep, pc, lat, lon in Commune.objects.filter(code__in=paquet).values_list(
            "code", "departement_id", "pseudo_canton_id", "latitude", "longitude"
        ):
            trouvees[code] = (dep, pc, lat, lon)
    return trouvees


CHAMPS_ASSURE = (
    "id",
    "nir",
    "recherche",
    "date_naissance",
    "date_deces",
    "refus_campagnes",
    "complementaire",
    "arret_travail_depuis",
)


def _assures_par_nir(nirs: list[str], campagne: Campagne, depuis: datetime) -> dict[str, dict]:
    """The known persons of these NIRs, each with what may exclude them: an accompaniment in
    progress (`en_cours`), a first contact by another campaign since `depuis` (`contacte`), a
    refusal of the service's messages (`oppose`) — asked in the same query, person by person
    through their indexes, rather than by lists of ids afterwards."""
    requete = Assure.objects.order_by().annotate(
        en_cours=Exists(
            Accompagnement.objects.filter(assure=OuterRef("pk"), date_fin__isnull=True)
        ),
        contacte=Exists(
            Cible.objects.filter(assure=OuterRef("pk"), premier_contact_le__gte=depuis).exclude(
                campagne=campagne
            )
        ),
        oppose=Exists(Opposition.objects.filter(personne_id=OuterRef("pk"))),
    )
    trouves = {}
    for paquet in _paquets(nirs):
        for ligne in requete.filter(nir__in=paquet).values(
            *CHAMPS_ASSURE, "en_cours", "contacte", "oppose"
        ):
            trouves[ligne["nir"]] = ligne
    return trouves


def _homonymes(inconnus: list[tuple[str, date]]) -> dict[tuple[str, date], list[int]]:
    """(normalised « nom prénom », birth date) → the known persons of that name and date, by
    increasing id.

    The pairs are joined to the persons in the index of names and birth dates
    (`assure_recherche`): a list's unknown persons are born on nearly every day of fifty
    years, so asking by birth date alone, or by name alone, reads most of a million persons.
    The ORM has no « (a, b) IN pairs », hence the SQL: the pairs as a VALUES list (its columns
    are column1, column2), or on PostgreSQL as two arrays — two parameters instead of 4,000,
    half the time."""
    connexion = connections[router.db_for_read(Assure)]
    nom = connexion.ops.quote_name
    pk, recherche, naissance = (
        nom(Assure._meta.get_field(f).column) for f in ("id", "recherche", "date_naissance")
    )
    jointure = (
        f"JOIN {nom(Assure._meta.db_table)} AS a "
        f"ON a.{recherche} = v.column1 AND a.{naissance} = v.column2"
    )
    trouves: dict[tuple[str, date], list[int]] = defaultdict(list)
    with connexion.cursor() as curseur:
        for paquet in _paquets(inconnus):
            if connexion.vendor == "postgresql":
                paires = "unnest(%s::text[], %s::date[]) AS v(column1, column2)"
                valeurs = [[r for r, _ in paquet], [d for _, d in paquet]]
            else:
                paires = f"(VALUES {', '.join(['(%s, %s)'] * len(paquet))}) AS v"
                valeurs = [
                    v for r, d in paquet for v in (r, connexion.ops.adapt_datefield_value(d))
                ]
            curseur.execute(
                f"SELECT a.{pk}, a.{recherche}, a.{naissance} FROM {paires} {jointure}", valeurs
            )
            for id_, nom_, date_ in curseur.fetchall():
                trouves[(nom_, date_)].append(id_)
    for ids in trouves.values():
        ids.sort()
    return trouves


def _minutes(ctx: Contexte, communes: dict[str, tuple]) -> dict[str, int]:
    """Per commune, the estimated drive to the organisme's nearest open place (DESIGN §4)."""
    if not len(ctx.lieux) or not communes:
        return {}
    codes = list(communes)
    lat = np.array([communes[c][2] for c in codes])[:, None]
    lon = np.array([communes[c][3] for c in codes])[:, None]
    d_km = distances_km(lat, lon, ctx.lieux[None, :, 0], ctx.lieux[None, :, 1]).min(axis=1)
    minutes = minutes_estimees(d_km, ctx.k, ctx.v)
    return {code: round(float(m)) for code, m in zip(codes, minutes, strict=True)}


# A new Cible's values as `Cible()` sets them; the JSON lists are made anew for each row.
_DEFAUTS_CIBLE = {f.attname: f.get_default() for f in Cible._meta.concrete_fields}
_LISTES_CIBLE = [
    (f.attname, f.default)
    for f in Cible._meta.concrete_fields
    if f.has_default() and callable(f.default)
]
_CAMPAGNE = Cible._meta.get_field("campagne")


def _cible(campagne: Campagne, valeurs: dict) -> Cible:
    """An unsaved row of the campaign with these field values (attnames), the others their
    defaults: what `Cible(campagne=campagne, **valeurs)` gives, without `Model.__init__`, which
    passes every field through its descriptor and took a fifth of the check of a 100,000-row
    list. It sends no pre_init nor post_init signal: nothing listens to a Cible's."""
    cible = Cible.__new__(Cible)
    champs = cible.__dict__
    champs.update(_DEFAUTS_CIBLE)
    for nom, fabrique in _LISTES_CIBLE:
        champs[nom] = fabrique()
    champs.update(valeurs)
    cible._state = ModelState()
    _CAMPAGNE.set_cached_value(cible, campagne)
    return cible


@_ramasse_miettes_en_pause()
def analyser(
    campagne: Campagne, lignes: Iterable[tuple[int, dict[str, str]]], *, ctx: Contexte | None = None
) -> list[Cible]:
    """The rows as unsaved `Cible`s: errors, matching, exclusions and priority."""
    ctx = ctx or contexte(campagne)
    lignes = list(lignes)
    communes = _communes({v.get("commune", "").strip().upper() for _, v in lignes} - {""})
    aujourd_hui = timezone.localdate()
    cibles: list[Cible] = []
    propres: list[dict | None] = []
    for numero, valeurs in lignes:
        propre, erreurs = verifier(valeurs, communes, aujourd_hui=aujourd_hui)
        champs = {c: (valeurs.get(c) or "").strip()[: _LONGUEURS[c]] for c in COLONNES}
        champs["campagne_id"] = campagne.pk
        champs["ligne"] = numero
        if erreurs:
            champs["etat"] = EtatCible.ERREUR
            champs["erreurs"] = [{"colonne": c, "motif": m} for c, m in erreurs]
            propres.append(None)
        else:
            champs["etat"] = EtatCible.RETENUE
            champs["nir"] = propre["nir"]
            champs["telephone"] = propre["telephone"]
            champs["commune"] = propre["commune"]
            propres.append(propre)
        cibles.append(_cible(campagne, champs))
    valides = [(c, p) for c, p in zip(cibles, propres, strict=True) if p is not None]
    depuis = timezone.now() - relativedelta(months=campagne.recontact_mois)
    connus = _assures_par_nir(sorted({p["nir"] for _, p in valides}), campagne, depuis)
    for _, p in valides:
        if p["nir"] not in connus:
            p["recherche"] = normaliser(f"{p['nom']} {p['prenom']}")
    inconnus = sorted(
        {(p["recherche"], p["date_naissance"]) for _, p in valides if "recherche" in p}
    )
    homonymes = _homonymes(inconnus)
    en_cours = {a["id"] for a in connus.values() if a["en_cours"]}
    contactes = {a["id"] for a in connus.values() if a["contacte"]}
    opposes = {a["id"] for a in connus.values() if a["oppose"]}
    minutes = _minutes(ctx, communes)
    poids = campagne.poids_effectifs()
    vus: set[str] = set()
    for cible, propre in valides:
        assure = connus.get(propre["nir"])
        if assure is not None:
            cible.assure_id = assure["id"]
        else:
            cible.homonymes = homonymes.get((propre["recherche"], propre["date_naissance"]), [])
        dep, pc, _, _ = communes[propre["commune"]]
        cible.minutes_lieu = minutes.get(propre["commune"])
        exclusion = _exclusion(propre, assure, dep, ctx, vus, en_cours, contactes, opposes)
        vus.add(propre["nir"])
        if exclusion is not None:
            cible.etat = EtatCible.EXCLUE
            cible.exclusion, cible.exclusion_detail = exclusion
            continue
        cible.contributions = contributions(propre, assure, pc, cible.minutes_lieu, ctx)
        cible.score = score(cible.contributions, poids)
    return cibles


_LONGUEURS = {f.name: f.max_length for f in Cible._meta.fields if f.name in COLONNES}
# The JSON fields whose default is an empty list (errors, homonyms, contributions).
_LISTES_JSON = [
    f.attname
    for f in Cible._meta.concrete_fields
    if isinstance(f, models.JSONField) and f.default is list
]


def _exclusion(propre, assure, departement, ctx, vus, en_cours, contactes, opposes):
    """The first reason not to contact this row, with its detail, or None."""
    if propre["nir"] in vus:
        return Exclusion.DOUBLON, "le même NIR figure plus haut dans la liste"
    if departement not in ctx.departements:
        return Exclusion.HORS_TERRITOIRE, f"département {departement}"
    if assure is None:
        return None
    if assure["date_deces"] is not None:
        return Exclusion.DECEDE, f"le {assure['date_deces']:%d/%m/%Y}"
    if assure["refus_campagnes"] or assure["id"] in opposes:
        return Exclusion.OPPOSITION, ""
    if assure["id"] in en_cours:
        return Exclusion.ACCOMPAGNEMENT_ACTIF, ""
    if assure["id"] in contactes:
        return Exclusion.CONTACTE_RECEMMENT, f"dans les {ctx.campagne.recontact_mois} derniers mois"
    return None


def contributions(propre, assure, pseudo_canton, minutes, ctx: Contexte) -> list[list[str]]:
    """The named parts of the priority, [code, explanation], for the facts that hold."""
    parts = []
    arret = propre.get("date_debut_arret") or (assure or {}).get("arret_travail_depuis")
    if arret is not None and (ctx.aujourd_hui - arret).days > ARRET_LONG_JOURS:
        parts.append(["arret_180", f"arrêt de plus de 180 jours (depuis le {arret:%d/%m/%Y})"])
    composite = ctx.fragilite.get(pseudo_canton or "")
    if composite is not None and composite >= CRITERES_FRAGILE:
        parts.append(
            ["canton_fragile", f"canton fragile ({composite} critères sur 5, observatoire)"]
        )
    if minutes is not None and minutes > LOIN_MINUTES:
        parts.append(["loin", f"à plus de 30 minutes d'un lieu d'accueil (environ {minutes} min)"])
    if assure is not None and assure["complementaire"] == "NON":
        parts.append(["sans_complementaire", "sans complémentaire santé"])
    return parts


def score(parts: list[list[str]], poids: dict[str, int]) -> int:
    return sum(poids.get(code, 0) for code, _ in parts)


LIBELLES_CONTRIBUTIONS = {
    "arret_180": "arrêt de plus de 180 jours",
    "canton_fragile": "canton fragile (observatoire)",
    "loin": "à plus de 30 minutes d'un lieu d'accueil",
    "sans_complementaire": "sans complémentaire santé (si connu)",
}


# Writing ------------------------------------------------------------------------------------


@transaction.atomic
@_ramasse_miettes_en_pause()
def remplacer(campagne: Campagne, cibles: list[Cible]) -> None:
    """The campaign's list becomes these rows (a list in preparation is a working document).

    Written by the imports' bulk path (one prepared INSERT, COPY on PostgreSQL): bulk_create
    compiles every value of every row, most of the time of a 100,000-row list. An empty JSON
    list is left out of its row: the bulk path writes the field's default, converted once,
    instead of serialising it again for each row. The rows then get their ids, as from
    bulk_create: in the order written.

    The former rows go through the ORM's delete (their attempts cascade), which loads each row
    first: only its id is loaded, which halves the deletion of a 100,000-row list."""
    Cible.objects.filter(campagne=campagne).only("pk").delete()
    if not cibles:
        return
    ecrire = Insertion(Cible)
    lignes = []
    for cible in cibles:
        ligne = dict(vars(cible))
        for champ in _LISTES_JSON:
            if ligne[champ] == []:
                del ligne[champ]
        lignes.append(ligne)
    ecrire(lignes)
    ids = Cible.objects.filter(campagne=campagne).order_by("pk").values_list("pk", flat=True)
    for cible, pk in zip(cibles, ids, strict=True):
        cible.pk = pk
        cible._state.adding = False
        cible._state.db = ecrire.connexion.alias


@transaction.atomic
def reponderer(campagne: Campagne, poids: dict[str, int]) -> int:
    """New weights: every retained row's score is recomputed (the ordering follows)."""
    campagne.poids = {code: int(poids.get(code, 0)) for code in LIBELLES_CONTRIBUTIONS}
    campagne.save(update_fields=["poids"])
    effectifs = campagne.poids_effectifs()
    a_changer = []
    for cible in Cible.objects.filter(campagne=campagne, etat=EtatCible.RETENUE).only(
        "id", "contributions", "score"
    ):
        nouveau = score(cible.contributions, effectifs)
        if nouveau != cible.score:
            cible.score = nouveau
            a_changer.append(cible)
    Cible.objects.bulk_update(a_changer, ["score"], batch_size=2_000)
    return len(a_changer)


def ordre(campagne: Campagne) -> list[str]:
    """The retained rows' NIRs by decreasing priority (then by line)."""
    return list(
        Cible.objects.filter(campagne=campagne, etat=EtatCible.RETENUE)
        .order_by("-score", "ligne")
        .values_list("nir", flat=True)
    )


def resume(campagne: Campagne, cibles: list[Cible]) -> dict:
    """DESIGN §5's JSON of the `cibles` command, for rows just analysed."""
    exclusions: dict[str, int] = defaultdict(int)
    for c in cibles:
        if c.etat == EtatCible.EXCLUE:
            exclusions[c.exclusion] += 1
    retenues = sorted(
        (c for c in cibles if c.etat == EtatCible.RETENUE), key=lambda c: (-c.score, c.ligne)
    )
    return {
        "campagne": campagne.code,
        "lignes": len(cibles),
        "erreurs": [
            {"ligne": c.ligne, "colonne": e["colonne"], "motif": e["motif"]}
            for c in cibles
            if c.etat == EtatCible.ERREUR
            for e in c.erreurs
        ],
        "exclusions": dict(exclusions),
        "retenues": len(retenues),
        "ordre": [c.nir for c in retenues],
    }
