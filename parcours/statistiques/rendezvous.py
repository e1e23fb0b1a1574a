"""Appointments at the reception places in the statistics (issue 14, point 11; DESIGN §3).

For a year and a scope, broken down by place, unit and département — never per social worker
(CNIL, deliberation 2005-038):

- **rendez-vous pris**: appointments at a reception place whose start, in Paris time, falls in
  the year, except those cancelled by the service before the day (DESIGN §3). When the service
  cancelled is not recorded: every appointment `ANNULE_SERVICE` is taken as cancelled before
  the day and counts nowhere (neither booked, nor in a rate, a delay or the persons);
  **honorés**: those marked seen (`VU`);
- **taux d'absence** = absent ÷ (seen + excused + cancelled by the person + absent): an
  appointment still `PREVU` has no outcome yet and is in neither;
- **délai**: calendar days, in Paris time, from the request to the appointment's day. The
  request is the signalement's date when the appointment was booked from one (the person, or
  the partner, asked then: the wait starts there), else the day it was booked (`demande_le`).
  Mean and median over the appointments booked;
- **personnes à 15 / 30 minutes**: distinct persons with a booked appointment whose estimated drive
  time (`minutes_trajet`, set at booking) was 15 (30) minutes or less, over the distinct persons
  with an appointment of known drive time. A person whose every appointment has an unknown time
  (old data) is counted apart, « trajet inconnu ».

A figure belongs to the place's unit, hence to the unit's département and organisme, as every
figure of the statistics does. Appointments without a place are not counted here.

The database does the counting, whatever the volume, in two grouped statements read from the
statistics connection (the replica where one is configured): the appointments by place and by
delay (a histogram, which adds up exactly into units, départements and the whole scope, medians
included), and the distinct persons at each of the four levels in one `UNION ALL`. With the
scope's units and places, four queries. What a role may see is decided by the tables, with the
secrecy of `tableaux` (`_Grille`), as for every other table.

The annual report's JSON (DESIGN §5) takes its `rendez_vous` figures from these tables' total
rows (`pour_json`), masks included: the region's from the table by département (the first one
of the organisme's dashboard), each département's from its page's table of places (the key
figures that page prints).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from parcours.organisation.models import LieuAccueil, Organisme
from parcours.rendezvous.enums import StatutRendezVous
from parcours.rendezvous.models import RendezVous
from parcours.statistiques.indicateurs import Perimetre, mediane
from parcours.statistiques.requetes import connexion_statistiques
from parcours.statistiques.tableaux import Ligne, Tableau, Valeur, _Grille, _noter

JOURS = "jours"  # nature of a delay (one decimal, as durations)
MINUTES_PROCHE, MINUTES_ACCESSIBLE = 15, 30
# Not booked: cancelled by the service, taken as before the day (the time is not recorded).
STATUTS_NON_PRIS = (StatutRendezVous.ANNULE_SERVICE,)
# The no-show rate's base (DESIGN §3): seen + excused + cancelled by the person + absent.
STATUTS_ISSUE_CONNUE = (
    StatutRendezVous.VU,
    StatutRendezVous.EXCUSE,
    StatutRendezVous.ANNULE_PERSONNE,
    StatutRendezVous.ABSENT,
)


@dataclass
class CompteRendezVous:
    """The additive figures of a group of appointments."""

    pris: int = 0
    honores: int = 0
    absents: int = 0
    issue_connue: int = 0  # the no-show rate's base
    delais: Counter = field(default_factory=Counter)  # days → appointments

    def ajouter(self, autre: "CompteRendezVous") -> None:
        self.pris += autre.pris
        self.honores += autre.honores
        self.absents += autre.absents
        self.issue_connue += autre.issue_connue
        self.delais.update(autre.delais)

    @property
    def taux_absence(self) -> float | None:
        return 100 * self.absents / self.issue_connue if self.issue_connue else None

    @property
    def delai_moyen(self) -> float | None:
        n = sum(self.delais.values())
        return sum(jours * k for jours, k in self.delais.items()) / n if n else None

    @property
    def delai_median(self) -> float | None:
        return mediane(self.delais)


@dataclass
class Personnes:
    """Distinct persons with an appointment in a group (not additive: a person booked at two
    places is one person in their unit)."""

    toutes: int = 0
    trajet_connu: int = 0
    a_15_minutes: int = 0
    a_30_minutes: int = 0

    @property
    def trajet_inconnu(self) -> int:
        return self.toutes - self.trajet_connu


@dataclass
class Groupe:
    """One row: a place, a unit, a département or the whole scope."""

    cle: str
    libelle: str
    departement: str  # the code of its unit's département ("" for the whole scope)
    compte: CompteRendezVous = field(default_factory=CompteRendezVous)
    personnes: Personnes = field(default_factory=Personnes)


@dataclass
class BilanRendezVous:
    annee: int
    perimetre: Perimetre
    ensemble: Groupe
    departements: list[Groupe]
    unites: list[Groupe]
    lieux: list[Groupe]


def _annee(annee: int) -> tuple[datetime, datetime]:
    paris = timezone.get_default_timezone()
    return datetime(annee, 1, 1, tzinfo=paris), datetime(annee + 1, 1, 1, tzinfo=paris)


def calculer(annee: int, perimetre: Perimetre) -> BilanRendezVous:
    """The appointments of the year in the scope, by place, unit, département and in all."""
    unites = list(perimetre.unites().select_related("departement"))
    national = perimetre.organisme is None and perimetre.unite is None
    ids = None if national and perimetre.departement is None else [u.pk for u in unites]
    lieux = (
        LieuAccueil.objects.all() if ids is None else LieuAccueil.objects.filter(unite_id__in=ids)
    )
    lieux = list(lieux.only("nom", "code", "actif", "unite_id"))

    debut, fin = _annee(annee)
    rdv = (
        RendezVous.objects.using(connexion_statistiques().alias)
        .filter(debut__gte=debut, debut__lt=fin, lieu__isnull=False)
        .exclude(statut__in=STATUTS_NON_PRIS)
    )
    if ids is not None:
        rdv = rdv.filter(lieu__unite_id__in=ids)

    paris = timezone.get_default_timezone()
    demande = Coalesce("signalement__date", TruncDate("demande_le", tzinfo=paris))
    par_lieu: dict[int, CompteRendezVous] = {}
    for ligne in (
        rdv.annotate(delai=TruncDate("debut", tzinfo=paris) - demande)
        .values("lieu", "delai")
        .annotate(
            pris=Count("pk"),
            honores=Count("pk", filter=Q(statut=StatutRendezVous.VU)),
            absents=Count("pk", filter=Q(statut=StatutRendezVous.ABSENT)),
            issue_connue=Count("pk", filter=Q(statut__in=STATUTS_ISSUE_CONNUE)),
        )
        .order_by()
    ):
        compte = par_lieu.setdefault(ligne["lieu"], CompteRendezVous())
        compte.ajouter(
            CompteRendezVous(
                ligne["pris"],
                ligne["honores"],
                ligne["absents"],
                ligne["issue_connue"],
                Counter({ligne["delai"].days: ligne["pris"]}),
            )
        )

    def personnes(niveau: str, cle) -> QuerySet:
        return (
            rdv.annotate(niveau=Value(niveau), cle=cle)
            .values("niveau", "cle")
            .annotate(
                toutes=Count("assure", distinct=True),
                connues=Count("assure", distinct=True, filter=Q(minutes_trajet__isnull=False)),
                a_15=Count("assure", distinct=True, filter=Q(minutes_trajet__lte=MINUTES_PROCHE)),
                a_30=Count(
                    "assure", distinct=True, filter=Q(minutes_trajet__lte=MINUTES_ACCESSIBLE)
                ),
            )
            .order_by()
        )

    par_niveau: dict[tuple[str, str], Personnes] = {}
    for ligne in personnes("lieu", Cast("lieu", CharField())).union(
        personnes("unite", Cast("lieu__unite", CharField())),
        personnes("departement", F("lieu__unite__departement")),
        personnes("ensemble", Value("")),
        all=True,
    ):
        par_niveau[(ligne["niveau"], str(ligne["cle"]))] = Personnes(
            ligne["toutes"], ligne["connues"], ligne["a_15"], ligne["a_30"]
        )

    def groupe(niveau: str, cle, libelle: str, departement: str) -> Groupe:
        return Groupe(
            str(cle),
            libelle,
            departement,
            personnes=par_niveau.get((niveau, str(cle)), Personnes()),
        )

    unite_de = {u.pk: u for u in unites}
    g_unites = {
        u.pk: groupe("unite", u.pk, u.nom, u.departement_id)
        for u in sorted(unites, key=lambda u: (u.nom, u.code))
    }
    g_departements = {
        code: groupe("departement", code, f"{nom} ({code})", code)
        for code, nom in sorted({(u.departement_id, u.departement.nom) for u in unites})
    }
    ensemble = groupe("ensemble", "", perimetre.libelle, "")
    g_lieux = []
    for lieu in sorted(lieux, key=lambda x: (unite_de[x.unite_id].nom, x.nom, x.code)):
        compte = par_lieu.get(lieu.pk)
        if compte is None and not lieu.actif:
            continue  # a closed place without appointments this year
        unite = unite_de[lieu.unite_id]
        g = groupe("lieu", lieu.pk, lieu.nom, unite.departement_id)
        g.compte = compte or CompteRendezVous()
        g_lieux.append(g)
        for parent in (g_unites[unite.pk], g_departements[unite.departement_id], ensemble):
            parent.compte.ajouter(g.compte)
    return BilanRendezVous(
        annee,
        perimetre,
        ensemble,
        list(g_departements.values()),
        list(g_unites.values()),
        g_lieux,
    )


# Tables -------------------------------------------------------------------------------------

COLONNES = [
    "Rendez-vous pris",
    "dont honorés",
    "Absents",
    "Taux d'absence (%)",
    "Délai moyen (jours)",
    "Délai médian (jours)",
    "Personnes à 15 min ou moins (%)",
    "Personnes à 30 min ou moins (%)",
    "Personnes au trajet inconnu",
]
NOTE = (
    "Rendez-vous pris : hors rendez-vous annulés par le service. Taux d'absence : absents ÷ "
    "(vus + excusés + annulés par la personne + absents). Délai : jours entre la demande (le "
    "signalement dont le rendez-vous est issu, sinon sa prise) et le rendez-vous. Parts à 15 "
    "et 30 minutes de route : personnes distinctes, sur celles dont le temps de trajet est "
    "connu."
)
# Hidden cells: each row's other outcomes (excused, cancelled by the person, still planned),
# the no-show rate's base, all persons, those of known drive time, those within 15 and 30
# minutes.
CELLULES = ("P", "H", "A", "R", "B", "N", "K", "U", "15", "30")


def tableau(cle: str, titre: str, groupes: list[Groupe], total: Groupe, masquer: bool) -> Tableau:
    """Groups side by side with their total, as a role may see them (DESIGN §3 secrecy)."""
    g = _Grille(masquer)
    rangs = [(str(i), groupe) for i, groupe in enumerate(groupes)]
    for k, groupe in [*rangs, ("total", total)]:
        c, p = groupe.compte, groupe.personnes
        g[("P", k)], g[("H", k)], g[("A", k)] = c.pris, c.honores, c.absents
        g[("R", k)] = c.pris - c.honores - c.absents
        g[("B", k)] = c.issue_connue
        g[("N", k)], g[("K", k)], g[("U", k)] = p.toutes, p.trajet_connu, p.trajet_inconnu
        g[("15", k)], g[("30", k)] = p.a_15_minutes, p.a_30_minutes
        g.somme(("P", k), [("H", k), ("A", k), ("R", k)])
        g.somme(("N", k), [("K", k), ("U", k)])
    for col in CELLULES:
        # Persons are distinct per level, so their columns almost sum: treat them as sums too.
        g.somme((col, "total"), [(col, k) for k, _ in rangs])

    def valeurs(k: str, groupe: Groupe) -> list[Valeur]:
        c = groupe.compte
        return [
            g.compte(("P", k)),
            g.compte(("H", k)),
            g.compte(("A", k)),
            g.taux(("A", k), ("B", k)),
            g.derive(c.delai_moyen, JOURS, ("P", k)),
            g.derive(c.delai_median, JOURS, ("P", k)),
            g.taux(("15", k), ("K", k)),
            g.taux(("30", k), ("K", k)),
            g.compte(("U", k)),
        ]

    resultat = Tableau(cle, titre, list(COLONNES), note=NOTE)
    for k, groupe in rangs:
        resultat.lignes.append(Ligne(groupe.libelle, valeurs(k, groupe), code=groupe.cle))
    resultat.lignes.append(Ligne("Total", valeurs("total", total), True, "total"))
    return _noter(resultat)


def chiffres_cles(tableau: Tableau) -> list[tuple[Valeur, str]]:
    """The key figures of a scope, from its table's total row (so with the same secrecy)."""
    v = tableau.ligne("total").valeurs
    return [
        (v[0], "rendez-vous pris aux lieux d'accueil"),
        (v[1], "rendez-vous honorés"),
        (v[3], "d'absence aux rendez-vous (taux d'absence)"),
        (v[4], "jours de délai moyen entre la demande et le rendez-vous"),
        (v[5], "jours de délai médian entre la demande et le rendez-vous"),
        (v[6], "des personnes ont eu un rendez-vous à 15 minutes de route ou moins"),
        (v[7], "des personnes ont eu un rendez-vous à 30 minutes de route ou moins"),
        (v[8], "personnes au temps de trajet inconnu"),
    ]


TITRE_DEPARTEMENTS = "Rendez-vous par département"
TITRE_UNITES = "Rendez-vous par unité"
TITRE_LIEUX = "Rendez-vous par lieu d'accueil"


@dataclass
class SectionRendezVous:
    """The dashboard's section: key figures, then the tables (none without appointments)."""

    chiffres: list[tuple[Valeur, str]] = field(default_factory=list)
    tableaux: dict[str, Tableau] = field(default_factory=dict)


def section_tableau_de_bord(annee: int, perimetre: Perimetre, masquer: bool) -> SectionRendezVous:
    """The appointments of the dashboard's scope: by département (a whole organisme), by unit
    (a département or more), by place; nothing when none was booked in the year."""
    bilan = calculer(annee, perimetre)
    if not bilan.ensemble.compte.pris:
        return SectionRendezVous()
    tableaux: list[Tableau] = []
    if perimetre.niveau_detail == "departement":
        tableaux.append(
            tableau(
                "rdv_departements", TITRE_DEPARTEMENTS, bilan.departements, bilan.ensemble, masquer
            )
        )
    if perimetre.unite is None:
        tableaux.append(tableau("rdv_unites", TITRE_UNITES, bilan.unites, bilan.ensemble, masquer))
    lieux = tableau("rdv_lieux", TITRE_LIEUX, bilan.lieux, bilan.ensemble, masquer)
    tableaux.append(lieux)
    return SectionRendezVous(chiffres_cles(lieux), {t.cle: t for t in tableaux})


def tableau_region(organisme: Organisme, annee: int, masquer: bool) -> Tableau:
    """The organisme's départements side by side with its total: the region's figures of the
    annual report's JSON (the table the organisme's dashboard shows first)."""
    bilan = calculer(annee, Perimetre(organisme))
    return tableau(
        "rdv_departements", TITRE_DEPARTEMENTS, bilan.departements, bilan.ensemble, masquer
    )


# DESIGN §5: the JSON's « rendez_vous » of a scope, from a column of its table's total row.
COLONNES_JSON = {"pris": 0, "honores": 1, "taux_absence_pct": 3, "delai_median_jours": 5}


def pour_json(tableau: Tableau | None) -> dict[str, int | float | str | None]:
    """A scope's `rendez_vous` in the report's JSON: its table's total row as printed, masks
    included (counts as integers, the rate and the delay with one decimal). A scope without
    any appointment booked in the year has no table: nothing booked, no rate, no delay."""
    if tableau is None:
        return {"pris": 0, "honores": 0, "taux_absence_pct": None, "delai_median_jours": None}
    return {cle: tableau.valeur("total", col).pour_json() for cle, col in COLONNES_JSON.items()}


def _du_departement(groupes: Iterable[Groupe], code: str) -> list[Groupe]:
    return [g for g in groupes if g.departement == code]


def contenus_par_departement(
    organisme: Organisme, annee: int, masquer: bool
) -> dict[str, tuple[list[tuple[Valeur, str]], list[Tableau]]]:
    """The annual report's section of each département with appointments in the year: its key
    figures and its places (and its units, when it has several), by département code."""
    bilan = calculer(annee, Perimetre(organisme))
    contenus = {}
    for departement in bilan.departements:
        if not departement.compte.pris:
            continue
        code = departement.cle
        lieux = tableau(
            "rdv_lieux", TITRE_LIEUX, _du_departement(bilan.lieux, code), departement, masquer
        )
        tableaux = [lieux]
        unites = _du_departement(bilan.unites, code)
        if len(unites) > 1:
            tableaux.append(tableau("rdv_unites", TITRE_UNITES, unites, departement, masquer))
        contenus[code] = (chiffres_cles(lieux), tableaux)
    return contenus
