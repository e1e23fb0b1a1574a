"""The indicators of DESIGN §3 for a year and a scope (région/organisme, département, unit).

`calculer(annee, perimetre)` runs the grouped queries of `requetes` once and folds their few rows
into a `Bilan`: the figures of the whole scope and of each of its parts (the départements of an
organisme, the units of a département). Never per social worker (CNIL, deliberation 2005-038).
The figures here are exact; what a role may be shown is decided in `tableaux` (secrecy).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from parcours.dossiers.enums import MODES_DE_VISU, Axe, ModeEntretien
from parcours.dossiers.models import Mission
from parcours.organisation.models import LieuAccueil, Organisme, Unite
from parcours.statistiques import requetes
from parcours.territoire.models import Departement

JOURS_PAR_MOIS = 30.4375


def mediane(histogramme: Counter) -> float | None:
    """The median of a histogram (value → how many), halfway between the two middle values
    when their number is even; None when it is empty. Histograms add up exactly from units to
    départements and regions, so their medians are exact at every level."""
    n = sum(histogramme.values())
    if not n:
        return None
    ordonnes = sorted(histogramme.items())

    def au_rang(rang: int) -> int:  # the value at 0-based rank
        cumul = 0
        for valeur, k in ordonnes:
            cumul += k
            if rang < cumul:
                return valeur
        raise AssertionError("rang hors de l'histogramme")

    return (au_rang((n - 1) // 2) + au_rang(n // 2)) / 2


@dataclass(frozen=True)
class Perimetre:
    """What the figures cover: a whole organisme, one of its départements, or one unit.
    Without an organisme: every unit of the country (operator and benchmark use)."""

    organisme: Organisme | None
    departement: Departement | None = None
    unite: Unite | None = None

    @property
    def libelle(self) -> str:
        if self.unite is not None:
            return f"Unité {self.unite.nom}"
        if self.departement is not None:
            return f"{self.departement.nom} ({self.departement.code})"
        if self.organisme is not None:
            return self.organisme.nom
        return "France entière"

    @property
    def niveau_detail(self) -> str | None:
        """The level of the parts shown beside the whole."""
        if self.unite is not None:
            return None
        return "unite" if self.departement is not None else "departement"

    def unites(self) -> QuerySet[Unite]:
        qs = Unite.objects.all()
        if self.unite is not None:
            return qs.filter(pk=self.unite.pk)
        if self.organisme is not None:
            qs = qs.filter(organisme=self.organisme)
        if self.departement is not None:
            qs = qs.filter(departement=self.departement)
        return qs


@dataclass
class CompteAccompagnements:
    actifs: int = 0
    ouverts: int = 0
    clos: int = 0
    jours_clos: int = 0
    emploi: int = 0  # PDP closed back in a job (DESIGN §3)
    maintien: int = 0  # PDP closed in training or with France Travail

    def ajouter(self, autre: "CompteAccompagnements") -> None:
        for nom in self.__dataclass_fields__:
            setattr(self, nom, getattr(self, nom) + getattr(autre, nom))

    @property
    def duree_moyenne_mois(self) -> float | None:
        return self.jours_clos / self.clos / JOURS_PAR_MOIS if self.clos else None


@dataclass
class Chiffres:
    """The exact figures of one scope for one year."""

    entretiens: Counter = field(default_factory=Counter)  # (mission code | None, mode) → n
    accompagnements: dict[str, CompteAccompagnements] = field(default_factory=dict)
    assures_par_axe: Counter = field(default_factory=Counter)  # axe → persons
    signalements: Counter = field(default_factory=Counter)  # (source, statut) → n
    axe_de: dict[str, str] = field(default_factory=dict)  # mission code → axe

    # Interviews
    @property
    def entretiens_total(self) -> int:
        return sum(self.entretiens.values())

    def entretiens_de_mission(self, code: str | None) -> int:
        return sum(n for (m, _), n in self.entretiens.items() if m == code)

    @property
    def interventions_ponctuelles(self) -> int:
        return self.entretiens_de_mission(None)

    def entretiens_de_mode(self, *modes: str) -> int:
        return sum(n for (_, mode), n in self.entretiens.items() if mode in modes)

    @property
    def entretiens_de_visu(self) -> int:
        return self.entretiens_de_mode(*MODES_DE_VISU)

    @property
    def entretiens_telephone(self) -> int:
        return self.entretiens_de_mode(ModeEntretien.TELEPHONE)

    @property
    def entretiens_autres_modes(self) -> int:
        return self.entretiens_de_mode(ModeEntretien.VISIO, ModeEntretien.AUTRE)

    def entretiens_d_axe(self, axe: str) -> int:
        return sum(
            n for (m, _), n in self.entretiens.items() if m is not None and self.axe_de[m] == axe
        )

    # Accompaniments
    def accompagnements_de(self, code: str) -> CompteAccompagnements:
        return self.accompagnements.get(code) or CompteAccompagnements()

    @property
    def accompagnements_total(self) -> CompteAccompagnements:
        total = CompteAccompagnements()
        for compte in self.accompagnements.values():
            total.ajouter(compte)
        return total

    # Persons
    @property
    def assures_suivis(self) -> int:
        return sum(self.assures_par_axe.values())

    def ajouter(self, autre: "Chiffres") -> None:
        """Fold another scope's additive figures into this one (not the persons: a person
        followed in two units is one person)."""
        self.entretiens.update(autre.entretiens)
        self.signalements.update(autre.signalements)
        for code, compte in autre.accompagnements.items():
            self.accompagnements.setdefault(code, CompteAccompagnements()).ajouter(compte)


@dataclass(frozen=True)
class Partie:
    cle: str
    libelle: str


@dataclass
class Bilan:
    annee: int
    perimetre: Perimetre
    missions: list[Mission]
    ensemble: Chiffres
    parties: dict[Partie, Chiffres]
    lieux_accueil: int
    entretiens_par_mois: list[int] | None = None

    @property
    def axes(self) -> list[tuple[str, str]]:
        return [(a.value, a.label) for a in (Axe.EMPLOYABILITE, Axe.SANTE)]


def calculer(annee: int, perimetre: Perimetre, *, par_mois: bool = False) -> Bilan:
    """Every indicator of the year for the scope and its parts, in a few grouped queries."""
    unites = list(perimetre.unites().select_related("departement").order_by("code"))
    national = perimetre.organisme is None and perimetre.unite is None
    ids = None if national and perimetre.departement is None else [u.pk for u in unites]
    missions = list(Mission.objects.order_by("ordre", "code"))
    code_de = {m.pk: m.code for m in missions}
    axe_de = {m.code: m.axe for m in missions}

    niveau = perimetre.niveau_detail
    partie_de_unite: dict[int, Partie] = {}
    for u in unites:
        if niveau == "departement":
            partie_de_unite[u.pk] = Partie(u.departement_id, u.departement.nom)
        elif niveau == "unite":
            partie_de_unite[u.pk] = Partie(str(u.pk), u.nom)
    parties: dict[Partie, Chiffres] = {
        p: Chiffres(axe_de=axe_de)
        for p in sorted(
            set(partie_de_unite.values()),
            key=lambda p: p.cle if niveau == "departement" else p.libelle,
        )
    }
    par_unite: dict[int, Chiffres] = {}

    def chiffres_de(unite_id: int) -> Chiffres:
        if unite_id not in par_unite:
            par_unite[unite_id] = Chiffres(axe_de=axe_de)
        return par_unite[unite_id]

    for unite_id, mission_id, mode, n in requetes.executer(requetes.sql_entretiens(annee, ids)):
        chiffres_de(unite_id).entretiens[(code_de.get(mission_id), mode)] += n
    dialecte = requetes.dialecte()
    for unite_id, mission_id, *comptes in requetes.executer(
        requetes.sql_accompagnements(annee, ids, dialecte)
    ):
        compte = CompteAccompagnements(*(int(c or 0) for c in comptes))
        chiffres_de(unite_id).accompagnements[code_de[mission_id]] = compte
    for unite_id, source, statut, n in requetes.executer(requetes.sql_signalements(annee, ids)):
        if unite_id is not None:
            chiffres_de(unite_id).signalements[(source, statut)] += n

    ensemble = Chiffres(axe_de=axe_de)
    for unite_id, chiffres in par_unite.items():
        ensemble.ajouter(chiffres)
        if unite_id in partie_de_unite:
            parties[partie_de_unite[unite_id]].ajouter(chiffres)
    for _, axe, n in requetes.executer(requetes.sql_assures_par_axe(annee, ids, "ensemble")):
        ensemble.assures_par_axe[axe] += n
    if niveau is not None:
        partie_de_cle = {p.cle: p for p in parties}
        for cle, axe, n in requetes.executer(requetes.sql_assures_par_axe(annee, ids, niveau)):
            partie = partie_de_cle.get(str(cle))
            if partie is not None:
                parties[partie].assures_par_axe[axe] += n

    lieux = LieuAccueil.objects.actifs()
    if ids is not None:
        lieux = lieux.filter(unite_id__in=ids)
    bilan = Bilan(
        annee=annee,
        perimetre=perimetre,
        missions=missions,
        ensemble=ensemble,
        parties=parties,
        lieux_accueil=lieux.count(),
    )
    if par_mois:
        mois = [0] * 12
        for m, n in requetes.executer(requetes.sql_entretiens_par_mois(annee, ids)):
            mois[int(m) - 1] = n
        bilan.entretiens_par_mois = mois
    return bilan
