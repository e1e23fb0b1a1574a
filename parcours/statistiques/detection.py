"""Early detection — the outreach campaigns — in the statistics (issue 15, point 8; DESIGN §3
« Outreach funnel »).

The funnel of a campaign, person by person — a person counts once per campaign, whatever the
number of rows with their NIR in the list:

- **ciblées**: the persons of the list as imported (rows with the same NIR are one person; a
  row without a NIR counts alone). Rows with an error count here and nowhere else;
- **retenues**: not excluded (`RETENUE`): neither excluded nor still in error nor a homonym
  to confirm;
- **contactées**: retained, with at least one attempt of any kind — an invitation or its
  reminder (SMS, e-mail), a letter, a call whatever its outcome. The expiry of an invitation
  is logged as a `Tentative` but is no attempt;
- **jointes**: contacted and reached once: a call answered (`JOINT`, `REFUS`, `ACCEPTE`), or an
  acceptance through the link (a `Tentative` `ACCEPTE`, whatever its channel);
- **acceptantes**: reached and accepting (`suivi` `ACCEPTE`, or an acceptance logged);
- **rendez-vous honorés**: accepting, with an appointment marked seen (`VU`) booked from the
  row — the appointment booked through the link (`Cible.rendez_vous`) or any appointment
  booked from the row's signalement;
- **accompagnements ouverts**: accepting, whose signalement (the campaign's) opened an
  accompaniment (`Signalement.accompagnement`). An accompaniment may open without an
  appointment at a reception place (an interview by phone, at home): it is counted all the
  same, so this stage is nested in the acceptances, not in the honoured appointments.

Each stage is nested in the previous one (up to the acceptances), so no rate exceeds 100 %.
Rates are over the previous stage — **taux de contact** = contactées ÷ retenues, **taux
d'acceptation** = acceptantes ÷ jointes — except **assiduité brute** = rendez-vous honorés ÷
**invitées**, the retained persons who were offered an appointment: an invitation (its link),
a letter, or a call that reached them (the adviser offers it on every call that gets through).

**Délais** (medians, calendar days in Paris time) from the list — the day the cadre validated
it, when contacting may begin — to the first attempt (over the persons contacted), and to the
first interview (over the accepting persons who had one): the day of the first honoured
appointment of the row, or of the first interview (not cancelled) of the accompaniment opened
from its signalement, whichever came first.

**The year.** The statistics of year Y are the funnels of the campaigns whose list was
validated in Y (Paris time), followed to this day — their contacts, appointments and
accompaniments may fall in Y + 1. A campaign still in preparation is in no year: its list is a
working document, still corrected and excluded on screen.

**Scopes.** A person belongs to the unit of their row (the unit sector routing gave the
retained row); a row that no routing reached (excluded, in error) belongs to the campaign's
unit when the campaign concerns only one, else to no unit (« sans unité »). Their département
is their unit's, else their commune's when it is one of the organisme's territory, else none
(« hors territoire ou commune inconnue »): those count in the organisme's total only. The month
is that of the first attempt. Per campaign, unit, département, month — never per worker.

The database counts: one statement gives, for each campaign, unit, commune's département and
pair of first-contact and first-interview days, how many persons reached each stage. The rows'
attempts, honoured appointments and opened accompaniments are grouped once and joined (not
looked up row by row); a window function keeps the person's first row for the unit, in order
retained, homonym, excluded, in error. The stages and the delays (histograms, exact medians
at every level) add up from these cells in Python. With the campaigns and the units, three
queries whatever the volume (100,000 rows: about 1.5 s on SQLite, 0.8 s on PostgreSQL), read
from the statistics connection (the replica where one is configured). What a role may see is
decided by the tables, with the secrecy of `tableaux` (`_Grille`).

The annual report's JSON (DESIGN §5) takes its `detection_precoce` from these tables' total
rows (`pour_json`), masks included: the region's from the table by département, each
département's from its page's table of campaigns.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from parcours.campagnes.enums import RESULTATS_JOINTS, EtatCible, ResultatTentative, SuiviCible
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.dossiers.models import Signalement
from parcours.organisation.models import Organisme, Unite
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import RendezVous
from parcours.statistiques.indicateurs import Perimetre, mediane
from parcours.statistiques.requetes import connexion_statistiques
from parcours.statistiques.tableaux import MOIS_LIBELLES, Ligne, Tableau, Valeur, _Grille, _noter
from parcours.territoire.models import Commune

# Table names from the models (a model that changes its table changes the statement too).
CIBLES = Cible._meta.db_table
COMMUNES = Commune._meta.db_table

JOURS = "jours"  # nature of a delay (one decimal: a median may fall between two days)
# Logged with the attempts, but no attempt: the invitation ran out unanswered.
PAS_UNE_TENTATIVE = (ResultatTentative.EXPIRATION,)
# An appointment was offered: an invitation or its reminder, a letter, a call that got through.
OFFRES = (
    ResultatTentative.INVITATION,
    ResultatTentative.RELANCE,
    ResultatTentative.COURRIER,
    *RESULTATS_JOINTS,
)
# The row that gives a person their unit and commune: retained first, then homonym to
# confirm, excluded, in error; then the first in the file.
ORDRE_DES_ETATS = (EtatCible.RETENUE, EtatCible.HOMONYME, EtatCible.EXCLUE, EtatCible.ERREUR)


@dataclass
class Entonnoir:
    """The additive figures of a group of persons (each counted once per campaign)."""

    ciblees: int = 0
    retenues: int = 0
    contactees: int = 0
    jointes: int = 0
    acceptantes: int = 0
    invitees: int = 0  # retained persons offered an appointment: assiduité brute's base
    rdv_honores: int = 0
    accompagnements_ouverts: int = 0
    delais_contact: Counter = field(default_factory=Counter)  # days → persons
    delais_entretien: Counter = field(default_factory=Counter)

    def ajouter(self, autre: "Entonnoir") -> None:
        for nom in self.__dataclass_fields__:
            if nom.startswith("delais_"):
                getattr(self, nom).update(getattr(autre, nom))
            else:
                setattr(self, nom, getattr(self, nom) + getattr(autre, nom))

    @property
    def avec_entretien(self) -> int:
        """Accepting persons with a first interview: the base of its median."""
        return sum(self.delais_entretien.values())

    @property
    def delai_contact_median(self) -> float | None:
        return mediane(self.delais_contact)

    @property
    def delai_entretien_median(self) -> float | None:
        return mediane(self.delais_entretien)


# A cell: campaign, unit (None: none), département ("": none), month of first contact ("": none).
Cle = tuple[int, int | None, str, str]


@dataclass
class Groupe:
    """One row: a campaign, a unit, a département, a month, or the whole scope."""

    cle: str
    libelle: str
    entonnoir: Entonnoir = field(default_factory=Entonnoir)


SANS = {
    "unite": "Sans unité (lignes non retenues, campagne de plusieurs unités)",
    "departement": "Hors territoire ou commune inconnue",
    "mois": "Pas encore contactées",
}


@dataclass
class BilanDetection:
    annee: int
    perimetre: Perimetre
    cellules: dict[Cle, Entonnoir]
    campagnes: dict[int, Campagne]
    unites: dict[int, Unite]
    departements: dict[str, str]  # the territory: code → name

    def ensemble(self, departement: str | None = None) -> Groupe:
        total = Groupe("total", "Total")
        for (_, _, dep, _), entonnoir in self.cellules.items():
            if departement is None or dep == departement:
                total.entonnoir.ajouter(entonnoir)
        return total

    def groupes(self, niveau: str, departement: str | None = None) -> list[Groupe]:
        """The rows of a level, in reading order; the persons of no unit, département or
        month last, when there are some."""
        rang = {"campagne": 0, "unite": 1, "departement": 2, "mois": 3}[niveau]
        par_cle: dict = {}
        for cle, entonnoir in self.cellules.items():
            if departement is not None and cle[2] != departement:
                continue
            par_cle.setdefault(cle[rang], Entonnoir()).ajouter(entonnoir)
        groupes = []
        for cle in sorted(par_cle, key=lambda c: self._ordre(niveau, c)):
            groupes.append(Groupe(str(cle or ""), self._libelle(niveau, cle), par_cle[cle]))
        return groupes

    def _ordre(self, niveau: str, cle) -> tuple:
        if cle in (None, ""):
            return (1,)
        if niveau == "campagne":
            campagne = self.campagnes[cle]
            return (0, campagne.valide_le, campagne.nom, cle)
        if niveau == "unite":
            unite = self.unites.get(cle)
            return (0, unite.nom if unite else "", cle)
        return (0, cle)

    def _libelle(self, niveau: str, cle) -> str:
        if cle in (None, ""):
            return SANS[niveau]
        if niveau == "campagne":
            return self.campagnes[cle].nom
        if niveau == "unite":
            unite = self.unites.get(cle)
            return unite.nom if unite else str(cle)
        if niveau == "departement":
            return f"{self.departements[cle]} ({cle})"
        annee, mois = cle.split("-")
        return f"{MOIS_LIBELLES[int(mois) - 1].capitalize()} {annee}"


def _annee(annee: int) -> tuple[datetime, datetime]:
    paris = timezone.get_default_timezone()
    return datetime(annee, 1, 1, tzinfo=paris), datetime(annee + 1, 1, 1, tzinfo=paris)


def _drapeau(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _jour(valeur) -> date | None:
    """A day as the database gives it back through a plain cursor (SQLite: text)."""
    if valeur is None or isinstance(valeur, date):
        return valeur
    return date.fromisoformat(str(valeur)[:10])


def _plus_tot(*jours: str) -> str:
    """SQL: the earliest of nullable days (NULL only when all are)."""
    premier, *autres = jours
    for jour in autres:
        premier = f"CASE WHEN {jour} IS NULL OR {premier} <= {jour} THEN {premier} ELSE {jour} END"
    return premier


def _sql_cellules(campagnes: list[int], alias: str) -> tuple[str, list]:
    """The statement behind every figure: per campaign, unit of the person's first row,
    commune's département of that row, first-contact day and first-interview day, how many
    persons reached each stage.

    Each row's attempts, honoured appointments and opened accompaniment are grouped once
    (joined, not looked up row by row); those parts are the ORM's, for the Paris days on both
    databases. The rows, then the persons, then the cells are plain SQL around them."""
    paris = timezone.get_default_timezone()

    def sql(qs) -> tuple[str, list]:
        texte, params = qs.order_by().query.get_compiler(using=alias).as_sql()
        return texte, list(params)

    tentatives = sql(
        Tentative.objects.filter(cible__campagne_id__in=campagnes)
        .values("cible_id")
        .annotate(
            contact=Max(_drapeau(~Q(resultat__in=PAS_UNE_TENTATIVE))),
            joint=Max(_drapeau(Q(resultat__in=RESULTATS_JOINTS))),
            accepte=Max(_drapeau(Q(resultat=ResultatTentative.ACCEPTE))),
            offre=Max(_drapeau(Q(resultat__in=OFFRES))),
            jour=TruncDate(Min("quand", filter=~Q(resultat__in=PAS_UNE_TENTATIVE)), tzinfo=paris),
        )
    )
    vus = RendezVous.objects.filter(statut=StatutRendezVous.VU)
    par_lien = sql(  # the appointment the person booked through the link
        vus.filter(cibles__campagne_id__in=campagnes)
        .values("id")
        .annotate(jour=TruncDate(Min("debut"), tzinfo=paris))
    )
    par_signalement = sql(  # any appointment booked from the row's signalement
        vus.filter(signalement__cibles__campagne_id__in=campagnes)
        .values("signalement_id")
        .annotate(jour=TruncDate(Min("debut"), tzinfo=paris))
    )
    ouverts = sql(
        Signalement.objects.filter(cibles__campagne_id__in=campagnes, accompagnement__isnull=False)
        .values("id")
        .annotate(
            jour=Min(
                "accompagnement__entretiens__date",
                filter=Q(accompagnement__entretiens__annule=False),
            )
        )
    )

    params: list = []

    def inclure(requete: tuple[str, list]) -> str:
        params.extend(requete[1])
        return requete[0]

    def valeur(v) -> str:
        params.append(str(v))
        return "%s"

    # The person: the NIR as typed, spaces aside (a row in error keeps what was typed); a row
    # without one is a person of its own.
    nir = "REPLACE(UPPER(c.nir), ' ', '')"
    personne = f"CASE WHEN {nir} <> '' THEN {nir} ELSE '#' || CAST(c.id AS VARCHAR(20)) END"
    selection = (
        f"SELECT c.campagne_id AS campagne, {personne} AS personne, c.unite_id AS unite, "
        "co.departement_id AS dep_commune, "
        f"ROW_NUMBER() OVER (PARTITION BY c.campagne_id, {personne} ORDER BY CASE "
    )
    selection += " ".join(
        f"WHEN c.etat = {valeur(etat)} THEN {i}" for i, etat in enumerate(ORDRE_DES_ETATS)
    )
    selection += (
        f" ELSE {len(ORDRE_DES_ETATS)} END, c.ligne, c.id) AS rang, "
        f"CASE WHEN c.etat = {valeur(EtatCible.RETENUE)} THEN 1 ELSE 0 END AS r, "
        "COALESCE(t.contact, 0) AS c, COALESCE(t.joint, 0) AS j, "
        f"CASE WHEN t.accepte = 1 OR c.suivi = {valeur(SuiviCible.ACCEPTE)} THEN 1 ELSE 0 END "
        "AS a, "
        "CASE WHEN t.offre = 1 OR c.invitee_le IS NOT NULL THEN 1 ELSE 0 END AS i, "
        "CASE WHEN rl.jour IS NOT NULL OR rs.jour IS NOT NULL THEN 1 ELSE 0 END AS h, "
        "CASE WHEN s.id IS NOT NULL THEN 1 ELSE 0 END AS o, "
        "t.jour AS d_contact, "
        f"{_plus_tot('rl.jour', 'rs.jour', 's.jour')} AS d_entretien "
        f"FROM {CIBLES} c "
        f"LEFT JOIN {COMMUNES} co ON co.code = c.commune "
        f"LEFT JOIN ({inclure(tentatives)}) t ON t.cible_id = c.id "
        f"LEFT JOIN ({inclure(par_lien)}) rl ON rl.id = c.rendez_vous_id "
        f"LEFT JOIN ({inclure(par_signalement)}) rs ON rs.signalement_id = c.signalement_id "
        f"LEFT JOIN ({inclure(ouverts)}) s ON s.id = c.signalement_id "
        f"WHERE c.campagne_id IN ({', '.join(valeur(pk) for pk in campagnes)})"
    )
    personnes = (
        "SELECT l.campagne, l.personne, "
        "MAX(CASE WHEN l.rang = 1 THEN l.unite END) AS unite, "
        "MAX(CASE WHEN l.rang = 1 THEN l.dep_commune END) AS dep_commune, "
        "MAX(l.r) AS r, MAX(l.c) AS c, MAX(l.j) AS j, MAX(l.a) AS a, MAX(l.i) AS i, "
        "MAX(l.h) AS h, MAX(l.o) AS o, MIN(l.d_contact) AS d_contact, "
        "MIN(l.d_entretien) AS d_entretien "
        f"FROM ({selection}) l GROUP BY l.campagne, l.personne"
    )
    cellules = (
        "SELECT p.campagne, p.unite, p.dep_commune, "
        "CASE WHEN p.r * p.c = 1 THEN p.d_contact END, "
        "CASE WHEN p.r * p.c * p.j * p.a = 1 THEN p.d_entretien END, "
        "COUNT(*), SUM(p.r), SUM(p.r * p.c), SUM(p.r * p.c * p.j), SUM(p.r * p.c * p.j * p.a), "
        "SUM(p.r * p.i), SUM(p.r * p.c * p.j * p.a * p.h), SUM(p.r * p.c * p.j * p.a * p.o) "
        f"FROM ({personnes}) p GROUP BY 1, 2, 3, 4, 5"
    )
    return cellules, params


def calculer(annee: int, perimetre: Perimetre) -> BilanDetection:
    """The funnels of the campaigns validated in the year, in the scope, by campaign, unit,
    département and month of first contact."""
    connexion = connexion_statistiques()
    organisme = perimetre.organisme
    unites = Unite.objects.using(connexion.alias).select_related("departement")
    if organisme is not None:
        unites = unites.filter(organisme=organisme)
    unites = {u.pk: u for u in unites}
    territoire = {u.departement_id: u.departement.nom for u in unites.values()}
    debut, fin = _annee(annee)
    campagnes = Campagne.objects.using(connexion.alias).filter(
        valide_le__gte=debut, valide_le__lt=fin
    )
    if organisme is not None:
        campagnes = campagnes.filter(organisme=organisme)
    campagnes = {
        c.pk: c
        for c in campagnes.annotate(n_unites=Count("unites"), seule_unite=Max("unites")).only(
            "nom", "code", "valide_le", "organisme_id"
        )
    }

    resultats = []
    if campagnes:
        with connexion.cursor() as curseur:
            curseur.execute(*_sql_cellules(sorted(campagnes), connexion.alias))
            resultats = curseur.fetchall()
    cellules: dict[Cle, Entonnoir] = {}
    for campagne_id, unite_id, dep_commune, contact, entretien, *comptes in resultats:
        campagne = campagnes[campagne_id]
        if unite_id is None and campagne.n_unites == 1:
            unite_id = campagne.seule_unite  # a row no routing reached: the campaign's unit
        unite = unites.get(unite_id)
        departement = unite.departement_id if unite else dep_commune
        departement = departement if departement in territoire else ""
        if perimetre.unite is not None and unite_id != perimetre.unite.pk:
            continue
        if perimetre.departement is not None and departement != perimetre.departement.code:
            continue
        contact, entretien = _jour(contact), _jour(entretien)
        cle = (campagne_id, unite_id, departement, f"{contact:%Y-%m}" if contact else "")
        liste = timezone.localtime(campagne.valide_le).date()
        entonnoir = Entonnoir(*(int(n or 0) for n in comptes))
        if contact is not None:
            entonnoir.delais_contact[(contact - liste).days] += entonnoir.contactees
        if entretien is not None:
            entonnoir.delais_entretien[(entretien - liste).days] += entonnoir.acceptantes
        cellules.setdefault(cle, Entonnoir()).ajouter(entonnoir)
    return BilanDetection(annee, perimetre, cellules, campagnes, unites, territoire)


# Tables -------------------------------------------------------------------------------------

# The columns, by code: the funnel's counts, then its rates and delays.
COLONNES = {
    "C": "Personnes ciblées",
    "R": "Retenues",
    "K": "Contactées",
    "taux_contact": "Taux de contact (%)",
    "J": "Jointes",
    "A": "Acceptantes",
    "taux_acceptation": "Taux d'acceptation (%)",
    "I": "Invitées",
    "H": "Rendez-vous honorés",
    "assiduite": "Assiduité brute (%)",
    "O": "Accompagnements ouverts",
    "delai_contact": "Délai médian jusqu'au premier contact (jours)",
    "delai_entretien": "Délai médian jusqu'au premier entretien (jours)",
}
# The report's A4 page holds the funnel in two tables: its counts, then its rates and delays.
COMPTES = ("C", "R", "K", "J", "A", "I", "H", "O")
TAUX = ("taux_contact", "taux_acceptation", "assiduite", "delai_contact", "delai_entretien")
NOTE_COMPTES = (
    "Campagnes dont la liste a été validée dans l'année, suivies jusqu'à aujourd'hui ; une "
    "personne compte une fois par campagne. Retenues : non exclues. Contactées : au moins une "
    "tentative (invitation, lettre, appel). Jointes : un appel abouti ou une acceptation par le "
    "lien. Invitées : un rendez-vous proposé (invitation, lettre ou appel abouti). "
    "Accompagnements ouverts depuis le signalement de la campagne."
)
NOTE_TAUX = (
    "Taux de contact : contactées ÷ retenues ; taux d'acceptation : acceptantes ÷ jointes ; "
    "assiduité brute : rendez-vous honorés ÷ invitées. Délais : jours entre la validation de la "
    "liste et le premier contact (personnes contactées), le premier entretien (personnes ayant "
    "accepté)."
)
# The grid's counts: C ciblées, R retenues, K contactées, J jointes, A acceptantes, I invitées,
# H honorés, O ouverts, E acceptantes with a first interview (the median's base, not shown).
CELLULES = ("C", "R", "K", "J", "A", "I", "H", "O", "E")


def tableau(cle: str, titre: str, groupes: list[Groupe], total: Groupe, masquer: bool) -> Tableau:
    """Groups side by side with their total, every column, as a role may see them (DESIGN §3
    secrecy): the groups part the persons, so each column's total is the sum of its rows."""
    g = _Grille(masquer)
    rangs = [(str(i), groupe) for i, groupe in enumerate(groupes)]
    for k, groupe in [*rangs, ("total", total)]:
        e = groupe.entonnoir
        g[("C", k)], g[("R", k)], g[("K", k)] = e.ciblees, e.retenues, e.contactees
        g[("J", k)], g[("A", k)], g[("I", k)] = e.jointes, e.acceptantes, e.invitees
        g[("H", k)], g[("O", k)] = e.rdv_honores, e.accompagnements_ouverts
        g[("E", k)] = e.avec_entretien
    for col in CELLULES:
        g.somme((col, "total"), [(col, k) for k, _ in rangs])

    def valeurs(k: str, groupe: Groupe) -> list[Valeur]:
        e = groupe.entonnoir
        par_code = {code: g.compte((code, k)) for code in COMPTES}
        par_code |= {
            "taux_contact": g.taux(("K", k), ("R", k)),
            "taux_acceptation": g.taux(("A", k), ("J", k)),
            "assiduite": g.taux(("H", k), ("I", k)),
            "delai_contact": g.derive(e.delai_contact_median, JOURS, ("K", k)),
            "delai_entretien": g.derive(e.delai_entretien_median, JOURS, ("E", k)),
        }
        return [par_code[code] for code in COLONNES]

    resultat = Tableau(cle, titre, list(COLONNES.values()), note=f"{NOTE_COMPTES} {NOTE_TAUX}")
    for k, groupe in rangs:
        resultat.lignes.append(Ligne(groupe.libelle, valeurs(k, groupe), code=groupe.cle))
    resultat.lignes.append(Ligne("Total", valeurs("total", total), True, "total"))
    return _noter(resultat)


def extraire(tableau: Tableau, cle: str, titre: str, codes: tuple[str, ...], note: str) -> Tableau:
    """Some columns of a table (same rows, same secrecy: the masks were decided on the whole)."""
    rangs = [tableau.colonnes.index(COLONNES[code]) for code in codes]
    resultat = Tableau(cle, titre, [COLONNES[code] for code in codes], note=note)
    for ligne in tableau.lignes:
        valeurs = [ligne.valeurs[i] for i in rangs]
        resultat.lignes.append(Ligne(ligne.libelle, valeurs, ligne.total, ligne.code))
    return _noter(resultat)


def _colonne(tableau: Tableau, code: str) -> Valeur:
    return tableau.valeur("total", tableau.colonnes.index(COLONNES[code]))


def chiffres_cles(tableau: Tableau) -> list[tuple[Valeur, str]]:
    """The key figures of a scope, from its (whole) table's total row, with its secrecy."""
    return [
        (_colonne(tableau, code), libelle)
        for code, libelle in (
            ("C", "personnes ciblées par les campagnes d'offre de service"),
            ("R", "retenues après vérification de la liste"),
            ("K", "contactées"),
            ("taux_contact", "des personnes retenues contactées (taux de contact)"),
            ("J", "jointes"),
            ("A", "ont accepté un rendez-vous"),
            ("taux_acceptation", "des personnes jointes ont accepté (taux d'acceptation)"),
            ("H", "rendez-vous honorés"),
            ("assiduite", "des personnes invitées sont venues (assiduité brute)"),
            ("O", "accompagnements ouverts"),
            ("delai_contact", "jours de délai médian entre la liste et le premier contact"),
            ("delai_entretien", "jours de délai médian entre la liste et le premier entretien"),
        )
    ]


TITRE_CAMPAGNES = "Détection précoce par campagne"
TITRE_TAUX = "Détection précoce : taux et délais par campagne"
TITRE_DEPARTEMENTS = "Détection précoce par département"
TITRE_UNITES = "Détection précoce par unité"
TITRE_MOIS = "Détection précoce par mois du premier contact"


@dataclass
class SectionDetection:
    """The dashboard's section: key figures, then the tables (none without a campaign)."""

    chiffres: list[tuple[Valeur, str]] = field(default_factory=list)
    tableaux: dict[str, Tableau] = field(default_factory=dict)


def section_tableau_de_bord(annee: int, perimetre: Perimetre, masquer: bool) -> SectionDetection:
    """The campaigns of the dashboard's scope validated in the year: by département (a whole
    organisme), by unit (a département or more), by campaign, by month of first contact,
    each with every column (the screen scrolls); nothing when no list was validated."""
    bilan = calculer(annee, perimetre)
    total = bilan.ensemble()
    if not total.entonnoir.ciblees:
        return SectionDetection()
    tableaux: list[Tableau] = []
    if perimetre.niveau_detail == "departement":
        tableaux.append(
            tableau(
                "detection_departements",
                TITRE_DEPARTEMENTS,
                bilan.groupes("departement"),
                total,
                masquer,
            )
        )
    if perimetre.unite is None:
        tableaux.append(
            tableau("detection_unites", TITRE_UNITES, bilan.groupes("unite"), total, masquer)
        )
    campagnes = tableau(
        "detection_campagnes", TITRE_CAMPAGNES, bilan.groupes("campagne"), total, masquer
    )
    tableaux.append(campagnes)
    tableaux.append(tableau("detection_mois", TITRE_MOIS, bilan.groupes("mois"), total, masquer))
    return SectionDetection(chiffres_cles(campagnes), {t.cle: t for t in tableaux})


def tableau_region(organisme: Organisme, annee: int, masquer: bool) -> Tableau:
    """The organisme's départements side by side with its total: the region's figures of the
    annual report's JSON (the table the organisme's dashboard shows first)."""
    bilan = calculer(annee, Perimetre(organisme))
    return tableau(
        "detection_departements",
        TITRE_DEPARTEMENTS,
        bilan.groupes("departement"),
        bilan.ensemble(),
        masquer,
    )


# DESIGN §5: the JSON's « detection_precoce » of a scope, from a column of its table's total row.
COLONNES_JSON = {
    "ciblees": "C",
    "retenues": "R",
    "contactees": "K",
    "jointes": "J",
    "acceptantes": "A",
    "rdv_honores": "H",
    "accompagnements_ouverts": "O",
}


def pour_json(tableau: Tableau | None) -> dict[str, int | str | None]:
    """A scope's `detection_precoce` in the report's JSON: its table's total row as printed,
    masks included (counts as integers). A scope without any campaign has no table: zeros."""
    if tableau is None:
        return dict.fromkeys(COLONNES_JSON, 0)
    return {cle: _colonne(tableau, code).pour_json() for cle, code in COLONNES_JSON.items()}


def contenus_par_departement(
    organisme: Organisme, annee: int, masquer: bool
) -> dict[str, tuple[list[tuple[Valeur, str]], list[Tableau]]]:
    """The annual report's section of each département with persons targeted by a campaign
    validated in the year: its key figures, its campaigns' funnels (counts, then rates and
    delays: the A4 page has no room for the thirteen columns side by side), and its units'
    counts when it has several, by département code."""
    bilan = calculer(annee, Perimetre(organisme))
    contenus = {}
    for code in sorted(bilan.departements):
        total = bilan.ensemble(code)
        if not total.entonnoir.ciblees:
            continue
        campagnes = tableau(
            "detection_campagnes",
            TITRE_CAMPAGNES,
            bilan.groupes("campagne", code),
            total,
            masquer,
        )
        tableaux = [
            extraire(campagnes, "detection_campagnes", TITRE_CAMPAGNES, COMPTES, NOTE_COMPTES),
            extraire(campagnes, "detection_taux", TITRE_TAUX, TAUX, NOTE_TAUX),
        ]
        unites = bilan.groupes("unite", code)
        if len(unites) > 1:
            par_unite = tableau("detection_unites", TITRE_UNITES, unites, total, masquer)
            tableaux.append(
                extraire(par_unite, "detection_unites", TITRE_UNITES, COMPTES, NOTE_COMPTES)
            )
        contenus[code] = (chiffres_cles(campagnes), tableaux)
    return contenus
