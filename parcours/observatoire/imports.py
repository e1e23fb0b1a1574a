"""Import of fragilite.csv (DESIGN §5): persons aged 25–54 of a commune or a canton, and how many
of them meet each criterion of the fragility composite (DESIGN §4).

A row is keyed by its `territoire` code and attached to its pseudo-canton, the unit the composite
is computed on. A pseudo-canton is given either by its communes or by its canton, never both: a
file mixing the two for one pseudo-canton, or a file at one granularity where rows at the other
are already stored, would count the same persons twice and is rejected.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from parcours.imports.engine import AideColonne, Erreurs, Importeur, enregistrer
from parcours.observatoire.fragilite import CRITERES
from parcours.observatoire.models import DonneeFragilite
from parcours.organisation.enums import Role
from parcours.territoire.enums import TypeCommune
from parcours.territoire.models import Canton, Commune, PseudoCanton

# The largest count a PositiveIntegerField holds on every database.
EFFECTIF_MAX = 2_147_483_647
# Thousands separators a spreadsheet may leave in a count: space, no-break and narrow no-break.
_SEPARATEURS_MILLIERS = re.compile(r"[ \u00a0\u202f]")
_ENTIER = re.compile(r"^\d+$")
# How many codes of the other granularity a double-counting message quotes.
CODES_CITES = 3
# What each count of a row holds, for the upload page's help.
AIDE_EFFECTIF = "nombre entier, 0 ou plus (une case vide est refusée : écrivez 0)"
AIDE_CRITERE = f"{AIDE_EFFECTIF}, pas plus que population_25_54"


@dataclass(frozen=True)
class _Territoire:
    """What a `territoire` code designates."""

    commune: str | None
    canton: str | None
    pseudo_canton: str

    @property
    def par_commune(self) -> bool:
        return self.commune is not None


def _citer(codes: list[str]) -> str:
    cites = ", ".join(f"« {c} »" for c in sorted(codes)[:CODES_CITES])
    return cites + ("…" if len(codes) > CODES_CITES else "")


@enregistrer
class FragiliteImporteur(Importeur):
    nom = "fragilite"
    # The fragility counts feed the observatory, which regional steering runs.
    roles = (Role.ADMIN, Role.PILOTAGE)
    libelle = "Fragilité (effectifs de 25 à 54 ans)"
    colonnes = ("territoire", "population_25_54", *CRITERES)
    cle = "territoire"
    modele = DonneeFragilite
    champs = (
        "territoire",
        "commune_id",
        "canton_id",
        "pseudo_canton_id",
        "population_25_54",
        *CRITERES,
    )
    # Counts made up (the example of docs/imports.md), for Montauban.
    aide = {
        "territoire": AideColonne(
            "clé de la ligne : code INSEE d'une commune (5 caractères) ou code d'un canton (4 ou "
            "5 caractères) présent dans la géographie chargée ; une commune ou son canton, "
            "jamais les deux",
            "82121",
        ),
        "population_25_54": AideColonne(f"personnes de 25 à 54 ans : {AIDE_EFFECTIF}", "22287"),
        "arret_90j": AideColonne(
            f"dont en arrêt de travail de 90 jours consécutifs ou plus : {AIDE_CRITERE}", "348"
        ),
        "invalidite": AideColonne(
            f"dont titulaires d'une pension d'invalidité : {AIDE_CRITERE}", "649"
        ),
        "css_non_participative": AideColonne(
            "dont bénéficiaires de la complémentaire santé solidaire sans participation "
            f"financière : {AIDE_CRITERE}",
            "2239",
        ),
        "ald": AideColonne(f"dont en affection de longue durée : {AIDE_CRITERE}", "2042"),
        "sans_complementaire": AideColonne(
            f"dont sans complémentaire santé : {AIDE_CRITERE}", "1276"
        ),
    }

    # Rows check each other (double counting): the whole file is one chunk.
    par_morceaux = False

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:
        # commune code -> (type, pseudo-canton code, parent commune code, parent commune name)
        self.communes = {
            code: (type_, pseudo_canton, parent, nom_parent)
            for code, type_, pseudo_canton, parent, nom_parent in Commune.objects.values_list(
                "code", "type", "pseudo_canton_id", "commune_parent_id", "commune_parent__nom"
            )
        }
        # canton code -> (name, pseudo-canton code or None)
        self.cantons = {
            code: (nom, pseudo_canton)
            for code, nom, pseudo_canton in Canton.objects.values_list(
                "code", "nom", "pseudo_canton__code"
            )
        }
        self.noms_pseudo_cantons = dict(PseudoCanton.objects.values_list("code", "nom"))

        # The granularities the file gives each pseudo-canton, to catch double counting.
        cles = set()
        self.dans_le_fichier: dict[str, dict[bool, list[str]]] = defaultdict(
            lambda: {True: [], False: []}
        )
        for ligne in lignes:
            code = self._code(ligne)
            cles.add(code)
            territoire = self._territoire(code)
            if isinstance(territoire, _Territoire):
                self.dans_le_fichier[territoire.pseudo_canton][territoire.par_commune].append(code)
        # The rows already stored for those pseudo-cantons, other than those the file rewrites.
        self.deja_stockes: dict[str, dict[bool, list[str]]] = defaultdict(
            lambda: {True: [], False: []}
        )
        stockes = DonneeFragilite.objects.filter(
            pseudo_canton_id__in=list(self.dans_le_fichier)
        ).values_list("territoire", "pseudo_canton_id", "commune_id")
        for code, pseudo_canton, commune in stockes:
            if code not in cles:
                self.deja_stockes[pseudo_canton][commune is not None].append(code)

    @staticmethod
    def _code(ligne: dict[str, str]) -> str:
        return ligne.get("territoire", "").strip().upper()

    def _territoire(self, code: str) -> _Territoire | str:
        """What `code` designates, or why it cannot be used (a French message)."""
        commune = self.communes.get(code)
        if commune is not None:
            type_, pseudo_canton, parent, nom_parent = commune
            if type_ == TypeCommune.ARRONDISSEMENT:
                return (
                    f"« {code} » est un arrondissement municipal : donnez les effectifs de la "
                    f"commune entière ({nom_parent}, {parent}), arrondissements additionnés"
                )
            if pseudo_canton is None:
                return f"la commune « {code} » n'est rattachée à aucun pseudo-canton"
            return _Territoire(commune=code, canton=None, pseudo_canton=pseudo_canton)
        canton = self.cantons.get(code)
        if canton is not None:
            nom, pseudo_canton = canton
            if pseudo_canton is None:
                return (
                    f"le canton « {code} » ({nom}) n'a pas de pseudo-canton : il n'est fait que "
                    "de fractions de communes partagées entre plusieurs cantons, qui forment "
                    "chacune leur propre unité ; donnez les effectifs de ces communes (code "
                    "INSEE) ou de leur canton-ville"
                )
            return _Territoire(commune=None, canton=code, pseudo_canton=pseudo_canton)
        return (
            f"territoire inconnu « {code} » (attendu : le code INSEE d'une commune, "
            "5 caractères, ou le code d'un canton, 4 ou 5 caractères)"
        )

    @staticmethod
    def _effectif(ligne: dict[str, str], colonne: str, erreurs: Erreurs) -> int | None:
        texte = ligne.get(colonne, "")
        if not texte:
            erreurs.ajouter(colonne, "valeur obligatoire manquante (un effectif, 0 s'il est nul)")
            return None
        chiffres = _SEPARATEURS_MILLIERS.sub("", texte)
        if chiffres.startswith("-") and _ENTIER.match(chiffres[1:]):
            erreurs.ajouter(colonne, f"effectif négatif « {texte} » (attendu : 0 ou plus)")
            return None
        if not _ENTIER.match(chiffres):
            erreurs.ajouter(
                colonne,
                f"« {texte} » n'est pas un nombre entier de personnes (attendu : 0 ou plus, "
                "sans décimale)",
            )
            return None
        valeur = int(chiffres)
        if valeur > EFFECTIF_MAX:
            erreurs.ajouter(colonne, f"effectif « {texte} » trop grand")
            return None
        return valeur

    def _double_compte(self, code: str, territoire: _Territoire, erreurs: Erreurs) -> None:
        pseudo_canton = territoire.pseudo_canton
        nom = self.noms_pseudo_cantons.get(pseudo_canton, "")
        unite = f"le pseudo-canton {pseudo_canton} ({nom})"
        autre = not territoire.par_commune
        autre_maille = "par commune" if autre else "par canton"
        dans_le_fichier = self.dans_le_fichier[pseudo_canton][autre]
        if dans_le_fichier:
            erreurs.ajouter(
                "territoire",
                f"double compte : « {code} » et {_citer(dans_le_fichier)}, aussi dans ce fichier, "
                f"couvrent {unite} ; donnez-le soit par commune, soit par canton",
            )
        stockes = self.deja_stockes[pseudo_canton][autre]
        if stockes:
            erreurs.ajouter(
                "territoire",
                f"double compte : {unite} a déjà des données {autre_maille} ({_citer(stockes)}, "
                f"importées auparavant) ; donnez-le à la même maille qu'elles",
            )

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        code = self._code(ligne)
        territoire: _Territoire | str | None = None
        if not code:
            erreurs.ajouter("territoire", "valeur obligatoire manquante")
        else:
            territoire = self._territoire(code)
            if isinstance(territoire, str):
                erreurs.ajouter("territoire", territoire)
            else:
                self._double_compte(code, territoire, erreurs)
        population = self._effectif(ligne, "population_25_54", erreurs)
        valeurs: dict[str, Any] = {"territoire": code, "population_25_54": population}
        for critere in CRITERES:
            effectif = self._effectif(ligne, critere, erreurs)
            if effectif is not None and population is not None and effectif > population:
                erreurs.ajouter(
                    critere,
                    f"{effectif} personnes, plus que la population de 25 à 54 ans ({population})",
                )
            valeurs[critere] = effectif
        if erreurs.nombre or not isinstance(territoire, _Territoire):
            return None
        valeurs["commune_id"] = territoire.commune
        valeurs["canton_id"] = territoire.canton
        valeurs["pseudo_canton_id"] = territoire.pseudo_canton
        return valeurs
