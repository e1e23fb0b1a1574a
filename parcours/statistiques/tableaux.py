"""The tables of the dashboard and of the report, as a given role may see them.

Every output (page, PDF, XLSX, CSV, JSON) is drawn from these tables, so a figure carries the
same secrecy everywhere. For the `cadre` view nothing is masked; for every other role the rules
of `secret` apply table by table (DESIGN §3).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.text import capfirst

from parcours.dossiers.enums import Axe, ModeEntretien, SourceSignalement, StatutSignalement
from parcours.lib.nombres import ESPACE_FINE, arrondi, format_compte
from parcours.lib.secret import TEXTE_MASQUE, Etat, Somme, etat_derive, proteger
from parcours.statistiques.indicateurs import JOURS_PAR_MOIS, Bilan, Chiffres

COMPTE, POURCENTAGE, MOIS = "compte", "pct", "mois"
AXES = (Axe.EMPLOYABILITE, Axe.SANTE)
MOIS_LIBELLES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# The abbreviations of the Imprimerie nationale's rules (« avr. », not « avri. »).
MOIS_ABREGES = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


@dataclass(frozen=True)
class Valeur:
    """One cell: its exact value and whether the reader may see it."""

    nombre: float | None
    nature: str = COMPTE
    etat: Etat = Etat.VISIBLE

    @property
    def masque(self) -> bool:
        return self.etat != Etat.VISIBLE

    @property
    def publie(self) -> float | None:
        return None if self.masque else self.nombre

    @property
    def texte(self) -> str:
        """As printed on screen and in the PDF: counts exact, shares to the unit."""
        if self.masque:
            return TEXTE_MASQUE[self.etat]
        if self.nombre is None:
            return "—"
        if self.nature == COMPTE:
            return format_compte(int(self.nombre))
        if self.nature == POURCENTAGE:
            return f"{arrondi(self.nombre):.0f}{ESPACE_FINE}%"
        return f"{arrondi(self.nombre, 1):.1f}".replace(".", ",")

    @property
    def texte_arrondi(self) -> str:
        """Durations to the month, as the seed report prints them."""
        if self.nature == MOIS and not self.masque and self.nombre is not None:
            return f"{arrondi(self.nombre):.0f}"
        return self.texte

    def pour_json(self) -> int | float | str | None:
        """Counts as integers, shares and durations with one decimal, masks as text."""
        if self.masque:
            return TEXTE_MASQUE[self.etat]
        if self.nombre is None:
            return None
        if self.nature == COMPTE:
            return int(self.nombre)
        return arrondi(self.nombre, 1)

    pour_tableur = pour_json


def _pct(numerateur: int, denominateur: int) -> float | None:
    return 100 * numerateur / denominateur if denominateur else None


@dataclass
class Ligne:
    libelle: str
    valeurs: list[Valeur]
    total: bool = False
    code: str = ""


@dataclass
class Tableau:
    cle: str
    titre: str
    colonnes: list[str]
    lignes: list[Ligne] = field(default_factory=list)
    note: str = ""

    @property
    def masque(self) -> bool:
        return any(v.masque for ligne in self.lignes for v in ligne.valeurs)

    def ligne(self, code: str) -> Ligne:
        return next(ligne for ligne in self.lignes if ligne.code == code)

    def valeur(self, code: str, colonne: int = 0) -> Valeur:
        return self.ligne(code).valeurs[colonne]


class _Grille:
    """Counts of one table, the sums it publishes, and their secrecy."""

    def __init__(self, masquer: bool) -> None:
        self.masquer = masquer
        self.comptes: dict[Hashable, int] = {}
        self.sommes: list[Somme] = []
        self._etats: dict[Hashable, Etat] | None = None

    def __setitem__(self, cle: Hashable, n: int) -> None:
        self.comptes[cle] = n

    def somme(self, total: Hashable, parties: Iterable[Hashable]) -> None:
        self.sommes.append(Somme(total, tuple(parties)))

    def etat(self, cle: Hashable) -> Etat:
        if not self.masquer:
            return Etat.VISIBLE
        if self._etats is None:
            self._etats = proteger(self.comptes, self.sommes)
        return self._etats[cle]

    def compte(self, cle: Hashable) -> Valeur:
        return Valeur(self.comptes[cle], COMPTE, self.etat(cle))

    def taux(self, numerateur: Hashable, denominateur: Hashable) -> Valeur:
        etat = etat_derive(self.etat(numerateur), self.etat(denominateur))
        return Valeur(_pct(self.comptes[numerateur], self.comptes[denominateur]), POURCENTAGE, etat)

    def derive(self, nombre: float | None, nature: str, *bases: Hashable) -> Valeur:
        return Valeur(nombre, nature, etat_derive(*(self.etat(b) for b in bases)))


NOTE_SECRET = (
    "« < 11 » : moins de 11 personnes ou entretiens (secret statistique) ; « secret » : valeur "
    "masquée pour qu'une petite valeur ne puisse être retrouvée par différence."
)


def _noter(tableau: Tableau) -> Tableau:
    if tableau.masque:
        tableau.note = (tableau.note + " " + NOTE_SECRET).strip()
    return tableau


def tableau_missions(bilan: Bilan, chiffres: Chiffres, masquer: bool) -> Tableau:
    """Interviews and accompaniments by mission (the seed's regional figures)."""
    g = _Grille(masquer)
    codes = [m.code for m in bilan.missions]
    for code in codes:
        compte = chiffres.accompagnements_de(code)
        g[("E", code)] = chiffres.entretiens_de_mission(code)
        g[("A", code)], g[("C", code)] = compte.actifs, compte.clos
    total = chiffres.accompagnements_total
    g[("E", "ponctuelles")] = chiffres.interventions_ponctuelles
    g[("E", "total")] = chiffres.entretiens_total
    g[("A", "total")], g[("C", "total")] = total.actifs, total.clos
    g.somme(("E", "total"), [("E", c) for c in [*codes, "ponctuelles"]])
    g.somme(("A", "total"), [("A", c) for c in codes])
    g.somme(("C", "total"), [("C", c) for c in codes])
    tableau = Tableau(
        "missions",
        "Activité par mission",
        [
            "Entretiens réalisés",
            "Accompagnements actifs",
            "Part des accompagnements (%)",
            "Accompagnements clos dans l'année",
            "Durée moyenne d'un accompagnement clos (mois)",
        ],
    )
    for mission in bilan.missions:
        c = mission.code
        compte = chiffres.accompagnements_de(c)
        tableau.lignes.append(
            Ligne(
                mission.libelle,
                [
                    g.compte(("E", c)),
                    g.compte(("A", c)),
                    g.taux(("A", c), ("A", "total")),
                    g.compte(("C", c)),
                    g.derive(compte.duree_moyenne_mois, MOIS, ("C", c)),
                ],
                code=c,
            )
        )
    vide = Valeur(None)
    tableau.lignes.append(
        Ligne(
            "Interventions ponctuelles (sans accompagnement)",
            [g.compte(("E", "ponctuelles")), vide, vide, vide, vide],
            code="ponctuelles",
        )
    )
    tableau.lignes.append(
        Ligne(
            "Total",
            [
                g.compte(("E", "total")),
                g.compte(("A", "total")),
                g.taux(("A", "total"), ("A", "total")),
                g.compte(("C", "total")),
                g.derive(total.duree_moyenne_mois, MOIS, ("C", "total")),
            ],
            total=True,
            code="total",
        )
    )
    return _noter(tableau)


def tableau_axes(bilan: Bilan, chiffres: Chiffres, masquer: bool) -> Tableau:
    """The seed's regional figures: by axis, interviews, share of accompaniments, duration."""
    g = _Grille(masquer)
    durees = {}
    for axe in AXES:
        codes = [m.code for m in bilan.missions if m.axe == axe]
        actifs = sum(chiffres.accompagnements_de(c).actifs for c in codes)
        clos = sum(chiffres.accompagnements_de(c).clos for c in codes)
        jours = sum(chiffres.accompagnements_de(c).jours_clos for c in codes)
        g[("E", axe.value)] = chiffres.entretiens_d_axe(axe)
        g[("A", axe.value)], g[("C", axe.value)] = actifs, clos
        durees[axe] = jours / clos / JOURS_PAR_MOIS if clos else None
    g[("E", "ponctuelles")] = chiffres.interventions_ponctuelles
    g[("E", "total")] = chiffres.entretiens_total
    g[("A", "total")] = chiffres.accompagnements_total.actifs
    g[("C", "total")] = chiffres.accompagnements_total.clos
    g.somme(("E", "total"), [("E", a.value) for a in AXES] + [("E", "ponctuelles")])
    g.somme(("A", "total"), [("A", a.value) for a in AXES])
    g.somme(("C", "total"), [("C", a.value) for a in AXES])
    tableau = Tableau(
        "axes",
        "Les chiffres par axe d'intervention",
        [
            "Entretiens réalisés",
            "Part des accompagnements (%)",
            "Durée moyenne d'un accompagnement individuel (mois)",
        ],
    )
    for axe in AXES:
        tableau.lignes.append(
            Ligne(
                capfirst(axe.label),
                [
                    g.compte(("E", axe.value)),
                    g.taux(("A", axe.value), ("A", "total")),
                    g.derive(durees[axe], MOIS, ("C", axe.value)),
                ],
                code=axe.value,
            )
        )
    vide = Valeur(None)
    tableau.lignes += [
        Ligne(
            "Interventions ponctuelles (sans accompagnement)",
            [g.compte(("E", "ponctuelles")), vide, vide],
            code="ponctuelles",
        ),
        Ligne(
            "Total",
            [
                g.compte(("E", "total")),
                g.taux(("A", "total"), ("A", "total")),
                g.derive(chiffres.accompagnements_total.duree_moyenne_mois, MOIS, ("C", "total")),
            ],
            True,
            "total",
        ),
    ]
    return _noter(tableau)


def _repartition(
    cle: str, titre: str, lignes: list[tuple[str, str, int]], total: tuple[str, int], masquer: bool
) -> Tableau:
    """A split of a total into parts: count and share of each."""
    g = _Grille(masquer)
    for code, _, n in lignes:
        g[code] = n
    g["total"] = total[1]
    g.somme("total", [code for code, _, _ in lignes])
    tableau = Tableau(cle, titre, ["Nombre", "Part (%)"])
    for code, libelle, _ in lignes:
        tableau.lignes.append(Ligne(libelle, [g.compte(code), g.taux(code, "total")], code=code))
    tableau.lignes.append(
        Ligne(total[0], [g.compte("total"), g.taux("total", "total")], total=True, code="total")
    )
    return _noter(tableau)


def tableau_pdp(chiffres: Chiffres, masquer: bool) -> Tableau:
    pdp = chiffres.accompagnements_de("PDP")
    return _repartition(
        "pdp",
        "Prévention de la désinsertion professionnelle : issues des accompagnements clos",
        [
            ("emploi", "Ont retrouvé un poste de travail", pdp.emploi),
            (
                "maintien",
                "Se maintiennent dans le marché de l'emploi (formation, France Travail)",
                pdp.maintien,
            ),
            ("autres", "Autres issues", pdp.clos - pdp.emploi - pdp.maintien),
        ],
        ("Accompagnements PDP clos dans l'année", pdp.clos),
        masquer,
    )


def tableau_modes(chiffres: Chiffres, masquer: bool) -> Tableau:
    """Interviews by mode, with the « de visu » subtotal (reception place + home visit)."""
    g = _Grille(masquer)
    modes = list(ModeEntretien)
    for mode in modes:
        g[mode.value] = chiffres.entretiens_de_mode(mode)
    g["de_visu"] = chiffres.entretiens_de_visu
    g["total"] = chiffres.entretiens_total
    g.somme("total", [m.value for m in modes])
    g.somme("de_visu", [ModeEntretien.LIEU_ACCUEIL.value, ModeEntretien.DOMICILE.value])
    g.somme(
        "total",
        ["de_visu", *(m.value for m in modes if m.value not in ("LIEU_ACCUEIL", "DOMICILE"))],
    )
    tableau = Tableau("modes", "Entretiens par mode", ["Nombre", "Part (%)"])
    libelles = {
        "de_visu": "Entretiens de visu (lieux d'accueil, visites à domicile)",
        ModeEntretien.LIEU_ACCUEIL.value: "dont au lieu d'accueil",
        ModeEntretien.DOMICILE.value: "dont en visite à domicile",
        ModeEntretien.TELEPHONE.value: "Entretiens téléphoniques",
        ModeEntretien.VISIO.value: "Entretiens en visioconférence",
        ModeEntretien.AUTRE.value: "Entretiens en un autre lieu (chez un partenaire…)",
    }
    for code in ["de_visu", "LIEU_ACCUEIL", "DOMICILE", "TELEPHONE", "VISIO", "AUTRE"]:
        tableau.lignes.append(
            Ligne(libelles[code], [g.compte(code), g.taux(code, "total")], code=code)
        )
    tableau.lignes.append(
        Ligne("Total des entretiens", [g.compte("total"), g.taux("total", "total")], True, "total")
    )
    return _noter(tableau)


def tableau_axes_entretiens(chiffres: Chiffres, masquer: bool) -> Tableau:
    """Interviews by axis, over those attached to an accompaniment (DESIGN §3)."""
    g = _Grille(masquer)
    for axe in AXES:
        g[axe.value] = chiffres.entretiens_d_axe(axe)
    g["rattaches"] = sum(chiffres.entretiens_d_axe(axe) for axe in AXES)
    g["ponctuelles"] = chiffres.interventions_ponctuelles
    g["total"] = chiffres.entretiens_total
    g.somme("rattaches", [axe.value for axe in AXES])
    g.somme("total", ["rattaches", "ponctuelles"])
    tableau = Tableau(
        "axes_entretiens",
        "Répartition des entretiens par axe d'intervention",
        ["Nombre", "Part des entretiens d'accompagnement (%)"],
        note="Les interventions ponctuelles n'ont pas d'axe : elles sont comptées à part.",
    )
    for axe in AXES:
        tableau.lignes.append(
            Ligne(
                capfirst(axe.label),
                [g.compte(axe.value), g.taux(axe.value, "rattaches")],
                code=axe.value,
            )
        )
    vide = Valeur(None)
    tableau.lignes += [
        Ligne(
            "Entretiens d'accompagnement",
            [g.compte("rattaches"), g.taux("rattaches", "rattaches")],
            code="rattaches",
        ),
        Ligne("Interventions ponctuelles", [g.compte("ponctuelles"), vide], code="ponctuelles"),
        Ligne("Total des entretiens", [g.compte("total"), vide], True, "total"),
    ]
    return _noter(tableau)


def tableau_assures_axes(chiffres: Chiffres, masquer: bool) -> Tableau:
    """Persons followed, each once, under the axis of their latest active accompaniment."""
    return _repartition(
        "assures_axes",
        "Répartition des bénéficiaires par axe d'intervention",
        [(axe.value, capfirst(axe.label), chiffres.assures_par_axe[axe.value]) for axe in AXES],
        ("Assurés suivis", chiffres.assures_suivis),
        masquer,
    )


def tableau_signalements(chiffres: Chiffres, masquer: bool) -> Tableau:
    """Signalements received in the year, by source and by triage."""
    g = _Grille(masquer)
    sources, statuts = list(SourceSignalement), list(StatutSignalement)
    for s in sources:
        for t in statuts:
            g[(s.value, t.value)] = chiffres.signalements[(s.value, t.value)]
        g[(s.value, "total")] = sum(chiffres.signalements[(s.value, t.value)] for t in statuts)
        g.somme((s.value, "total"), [(s.value, t.value) for t in statuts])
    for t in statuts:
        g[("total", t.value)] = sum(chiffres.signalements[(s.value, t.value)] for s in sources)
        g.somme(("total", t.value), [(s.value, t.value) for s in sources])
    g[("total", "total")] = sum(chiffres.signalements.values())
    g.somme(("total", "total"), [("total", t.value) for t in statuts])
    g.somme(("total", "total"), [(s.value, "total") for s in sources])
    tableau = Tableau(
        "signalements",
        "Signalements reçus, par source et par suite donnée",
        [capfirst(t.label) for t in statuts] + ["Total"],
    )
    for s in [*sources, None]:
        code = s.value if s else "total"
        tableau.lignes.append(
            Ligne(
                capfirst(s.label) if s else "Total",
                [g.compte((code, t.value)) for t in statuts] + [g.compte((code, "total"))],
                total=s is None,
                code=code,
            )
        )
    return _noter(tableau)


def tableau_parties(bilan: Bilan, masquer: bool) -> Tableau | None:
    """The scope's départements (or units) side by side."""
    if not bilan.parties:
        return None
    g = _Grille(masquer)
    colonnes = ("S", "E", "V", "T", "A")
    parties = list(bilan.parties.items())
    for cle, chiffres in [*((p.cle, c) for p, c in parties), ("total", bilan.ensemble)]:
        g[("S", cle)] = chiffres.assures_suivis
        g[("E", cle)] = chiffres.entretiens_total
        g[("V", cle)] = chiffres.entretiens_de_visu
        g[("T", cle)] = chiffres.entretiens_telephone
        g[("X", cle)] = chiffres.entretiens_autres_modes  # not shown: an unknown of each row
        g[("A", cle)] = chiffres.accompagnements_total.actifs
        g.somme(("E", cle), [("V", cle), ("T", cle), ("X", cle)])
    for col in colonnes:
        # Persons are distinct per level, so the column almost sums: treat it as a sum too.
        g.somme((col, "total"), [(col, p.cle) for p, _ in parties])
    niveau = "Département" if bilan.perimetre.niveau_detail == "departement" else "Unité"
    tableau = Tableau(
        "parties",
        f"Activité par {niveau.lower()}",
        [
            "Assurés suivis",
            "Entretiens réalisés",
            "dont de visu",
            "dont téléphoniques",
            "Accompagnements actifs",
        ],
    )
    for partie, _ in parties:
        libelle = f"{partie.libelle} ({partie.cle})" if niveau == "Département" else partie.libelle
        tableau.lignes.append(
            Ligne(libelle, [g.compte((col, partie.cle)) for col in colonnes], code=partie.cle)
        )
    tableau.lignes.append(
        Ligne("Total", [g.compte((col, "total")) for col in colonnes], True, "total")
    )
    return _noter(tableau)


def tableau_mois(bilan: Bilan, masquer: bool) -> Tableau | None:
    if bilan.entretiens_par_mois is None:
        return None
    g = _Grille(masquer)
    for i, n in enumerate(bilan.entretiens_par_mois):
        g[i] = n
    g["total"] = sum(bilan.entretiens_par_mois)
    g.somme("total", range(12))
    tableau = Tableau("mois", "Entretiens réalisés par mois", ["Entretiens réalisés"])
    for i, libelle in enumerate(MOIS_LIBELLES):
        tableau.lignes.append(Ligne(libelle.capitalize(), [g.compte(i)], code=str(i + 1)))
    tableau.lignes.append(Ligne("Total", [g.compte("total")], True, "total"))
    return _noter(tableau)


def tableaux_du_perimetre(chiffres: Chiffres, masquer: bool) -> dict[str, Tableau]:
    """The tables every scope has: persons, interviews by mode and by axis, PDP outcomes."""
    return {
        t.cle: t
        for t in (
            tableau_assures_axes(chiffres, masquer),
            tableau_modes(chiffres, masquer),
            tableau_axes_entretiens(chiffres, masquer),
            tableau_pdp(chiffres, masquer),
        )
    }


def tableaux(bilan: Bilan, masquer: bool) -> dict[str, Tableau]:
    """Every table of the dashboard, in the order shown."""
    resultat = {"missions": tableau_missions(bilan, bilan.ensemble, masquer)}
    resultat.update(tableaux_du_perimetre(bilan.ensemble, masquer))
    for tableau in (
        tableau_mois(bilan, masquer),
        tableau_parties(bilan, masquer),
        tableau_signalements(bilan.ensemble, masquer),
    ):
        if tableau is not None:
            resultat[tableau.cle] = tableau
    return resultat


def en_dict(tableau: Tableau) -> dict:
    """A table as JSON, to keep it with a generated report (exact values and their masks)."""
    return {
        "cle": tableau.cle,
        "titre": tableau.titre,
        "colonnes": tableau.colonnes,
        "note": tableau.note,
        "lignes": [
            {
                "libelle": ligne.libelle,
                "code": ligne.code,
                "total": ligne.total,
                "valeurs": [[v.nombre, v.nature, int(v.etat)] for v in ligne.valeurs],
            }
            for ligne in tableau.lignes
        ],
    }


def depuis_dict(donnees: dict) -> Tableau:
    return Tableau(
        donnees["cle"],
        donnees["titre"],
        donnees["colonnes"],
        [
            Ligne(
                ligne["libelle"],
                [Valeur(n, nature, Etat(etat)) for n, nature, etat in ligne["valeurs"]],
                ligne["total"],
                ligne["code"],
            )
            for ligne in donnees["lignes"]
        ],
        donnees["note"],
    )
