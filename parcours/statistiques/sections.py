"""The sections of a département's page of the annual report, after individual work.

The seed report's département page speaks of individual work only, and leaves two thirds of the
page empty (issue 12, defect 17). The service's other activities have their place there — the
collective actions, the outreach campaigns, the appointments at the reception places, the work
with partners (DESIGN §3) — and are filled by the apps that record them as they arrive
(`collectif`, `campagnes`, `rendezvous`: DESIGN §6 puts them under `statistiques`, which may
read them).

A section is declared once, in `SECTIONS_DEPARTEMENT`, with its title and the sentence it
prints while there is nothing to show. To fill it, give its `contenu`: a function of the
organisme, the year and whether to mask small counts, returning the content of each
département that has some, by code — computed for all départements at once, as the
indicators are. The templates (web page and PDF) and the workbook need no change: a section's
figures and tables are printed under its title, its tables also go to the XLSX and CSV files;
a département without content prints the sentence, never an invented figure.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from parcours.organisation.models import Organisme
from parcours.statistiques import detection, rendezvous
from parcours.statistiques.tableaux import Tableau, Valeur


@dataclass
class ContenuSection:
    """What a section shows for one département: key figures (a value and the words after
    it, « 12 » « actions collectives menées »), then tables. Counts carry their secrecy
    (`Valeur`), as every figure of the report does."""

    chiffres: list[tuple[Valeur, str]] = field(default_factory=list)
    tableaux: list[Tableau] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.chiffres or self.tableaux)


Fournisseur = Callable[[Organisme, int, bool], Mapping[str, ContenuSection]]


@dataclass(frozen=True)
class ModeleSection:
    cle: str
    titre: str
    # Printed while nothing is recorded: an honest sentence, no figure.
    vide: str
    # None while no app records this activity.
    contenu: Fournisseur | None = None


@dataclass
class Section:
    """A section as printed on one département's page."""

    cle: str
    titre: str
    vide: str
    contenu: ContenuSection | None = None

    @property
    def remplie(self) -> bool:
        return bool(self.contenu)


def _rendezvous(organisme: Organisme, annee: int, masquer: bool) -> dict[str, ContenuSection]:
    """Appointments at the reception places (statistiques.rendezvous)."""
    return {
        code: ContenuSection(chiffres, tableaux)
        for code, (chiffres, tableaux) in rendezvous.contenus_par_departement(
            organisme, annee, masquer
        ).items()
    }


def _detection(organisme: Organisme, annee: int, masquer: bool) -> dict[str, ContenuSection]:
    """Outreach campaigns, early detection (statistiques.detection)."""
    return {
        code: ContenuSection(chiffres, tableaux)
        for code, (chiffres, tableaux) in detection.contenus_par_departement(
            organisme, annee, masquer
        ).items()
    }


SECTIONS_DEPARTEMENT: tuple[ModeleSection, ...] = (
    ModeleSection(
        "collectif",
        "Actions collectives",
        "Aucune action collective n'est encore enregistrée dans Parcours pour ce département.",
    ),
    ModeleSection(
        "detection",
        "Offre de service / détection précoce",
        "Aucune campagne d'offre de service ou de détection précoce n'est encore enregistrée "
        "dans Parcours pour ce département.",
        _detection,
    ),
    ModeleSection(
        "rendezvous",
        "Rendez-vous aux lieux d'accueil",
        "Aucun rendez-vous aux lieux d'accueil n'est encore enregistré dans Parcours pour ce "
        "département.",
        _rendezvous,
    ),
    ModeleSection(
        "partenaires",
        "Travail avec les partenaires",
        "Le travail avec les partenaires n'est pas encore décompté par Parcours pour ce "
        "département.",
    ),
)


def sections_par_departement(
    organisme: Organisme,
    annee: int,
    masquer: bool,
    codes: list[str],
    modeles: tuple[ModeleSection, ...] | None = None,
) -> dict[str, list[Section]]:
    """The sections of each département's page (by code), in the order of `modeles`."""
    modeles = SECTIONS_DEPARTEMENT if modeles is None else modeles
    contenus = [(m, m.contenu(organisme, annee, masquer) if m.contenu else {}) for m in modeles]
    return {
        code: [
            Section(m.cle, m.titre, m.vide, contenu.get(code) or None) for m, contenu in contenus
        ]
        for code in codes
    }
