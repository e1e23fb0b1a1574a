"""The import of opening periods, plages.csv (DESIGN §5, issue 14 point 12): how a migrating
Carsat brings its agendas in.

One row is one weekly opening: an agent receives at a place, for some motifs, one day of the
week from one hour to another, from a first date (to a last one, or for good):

    agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
    A00123;LA-82121;PREMIER_RDV|SUIVI;mardi;09:00;12:00;2027-01-05;

- `motifs` are motif codes separated by `|` (DESIGN §5): the `,` would collide with the
  file's separator when it is a comma;
- `jour` is `lundi` … `samedi`, stored as the rule `FREQ=WEEKLY;BYDAY=TU`;
- `lieu_accueil` may be empty only for remote motifs (phone, video): a motif held at a place
  needs one.

The engine matches rows on one key: `Plage.code`, computed from the row as
`matricule|lieu|jour|HH:MM|HH:MM|date_debut` (≤ 90 characters, readable in the admin). A change
of hours or first date is thus another opening (the old one stays, as nothing is ever deleted by
an import); the last date may change (the row is « modifiée »).

Two things the engine cannot stage are handled here:
- the hours (TimeField, which the engine does not stage on PostgreSQL): they are part of the key,
  so they never change for a stored row; a new row is inserted with placeholder hours and gets
  its own in `apres_lot`, in the same transaction;
- the motifs (many-to-many): written in `apres_lot` for new rows. The engine tells a modified
  row only by its own fields, so an M2M-only change would be reported « inchangée » and never
  written: a row naming an existing opening with other motifs is refused instead, and the
  motifs of an opening are changed in the administration.

An administrator of an organisme imports only the openings of their organisme's agents and
places (`restreint`); the operator's command imports any.
"""

import re
from collections import defaultdict
from datetime import date, time
from typing import Any

from django.db.models import Q

from parcours.imports.attente import NOUVELLE
from parcours.imports.engine import AideColonne, Erreurs, Importeur, Lot, enregistrer, par_lots
from parcours.lib.csvlecture import lire_date
from parcours.organisation.enums import ROLES_D_UNITE, Role
from parcours.organisation.imports import HORS_ORGANISME
from parcours.organisation.models import Agent, LieuAccueil
from parcours.rendezvous.enums import ModeRendezVous
from parcours.rendezvous.models import Motif, Plage

JOURS = {
    "lundi": "MO",
    "mardi": "TU",
    "mercredi": "WE",
    "jeudi": "TH",
    "vendredi": "FR",
    "samedi": "SA",
}
SEPARATEUR_MOTIFS = "|"
# Where the motifs of a remote opening are held: no place needed.
MODES_A_DISTANCE = frozenset({ModeRendezVous.TELEPHONE, ModeRendezVous.VISIO})
# A new row is written with these hours, replaced by its own in the same transaction.
HEURES_PROVISOIRES = (time(0, 0), time(0, 1))
_HEURE = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})$")
LOT = 2000


def lire_heure(texte: str) -> time:
    """`HH:MM` (also `9:00`, `9h00`); ValueError with a French message otherwise."""
    m = _HEURE.match(texte.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"heure « {texte} » illisible (attendu HH:MM, par exemple 09:30)")
    return time(int(m.group(1)), int(m.group(2)))


def code_plage(
    matricule: str, lieu: str, jour: str, debut: time, fin: time, date_debut: date
) -> str:
    """The import key of an opening (`Plage.code`)."""
    return f"{matricule}|{lieu}|{jour}|{debut:%H:%M}|{fin:%H:%M}|{date_debut.isoformat()}"


def _chevauchent(a: tuple, b: tuple) -> bool:
    """Two rows (debut, fin, date_debut, date_fin) of one agent and one day overlap."""
    debut_a, fin_a, du_a, au_a = a
    debut_b, fin_b, du_b, au_b = b
    return (
        debut_a < fin_b
        and debut_b < fin_a
        and (au_b is None or du_a <= au_b)
        and (au_a is None or du_b <= au_a)
    )


@enregistrer
class PlagesImporteur(Importeur):
    nom = "plages"
    libelle = "Plages d'ouverture des agendas"
    colonnes = ("agent", "lieu_accueil", "motifs", "jour", "debut", "fin", "date_debut", "date_fin")
    cle = "code"
    modele = Plage
    champs = ("code", "agent_id", "lieu_id", "regle", "date_debut", "date_fin")
    # The rows check each other (an agent's openings must not overlap): one chunk. A Carsat's
    # agendas are a few thousand rows.
    par_morceaux = False
    # As the organisation's files: the administrator, for their organisme.
    roles = (Role.ADMIN,)
    journal_par = "organisme"
    aide = {
        "agent": AideColonne(
            "matricule d'un agent déjà importé (assistant·e de service social, conseiller·ère "
            "ou cadre), de l'organisme du lieu",
            "A00123",
        ),
        "lieu_accueil": AideColonne(
            "code d'un lieu d'accueil ouvert, déjà importé ; vide seulement pour des motifs à "
            "distance (téléphone, visioconférence)",
            "LA-82121",
            obligatoire="oui, sauf motifs à distance",
        ),
        "motifs": AideColonne(
            "codes des motifs de rendez-vous reçus sur la plage, séparés par « | »",
            "PREMIER_RDV|SUIVI",
        ),
        "jour": AideColonne(
            "jour de la semaine : lundi, mardi, mercredi, jeudi, vendredi ou samedi", "mardi"
        ),
        "debut": AideColonne("heure de début, HH:MM (heure de Paris)", "09:00"),
        "fin": AideColonne("heure de fin, HH:MM, après l'heure de début", "12:00"),
        "date_debut": AideColonne(
            "première date de la plage (AAAA-MM-JJ ou JJ/MM/AAAA)", "2027-01-05"
        ),
        "date_fin": AideColonne(
            "dernière date de la plage ; vide : sans fin", "2027-12-31", obligatoire=False
        ),
    }

    def preparer(self) -> None:
        user = self.acting_user
        self.organisme_id = user.organisme_id if self.restreint and user is not None else None
        self.motifs = {
            code: (pk, mode, actif)
            for code, pk, mode, actif in Motif.objects.values_list("code", "id", "mode", "actif")
        }
        # Rows already read, by agent and day: (line, key, debut, fin, date_debut, date_fin).
        self.lues: dict[tuple[int, str], list[tuple]] = defaultdict(list)
        # What the engine does not write: hours and motifs of each row, by key.
        self.complements: dict[str, tuple[time, time, list[int]]] = {}
        self.organisme_des_agents: dict[int, int | None] = {}

    def preparer_morceau(self, lignes: list[dict[str, str]]) -> None:
        matricules = {ligne["agent"] for ligne in lignes if ligne.get("agent")}
        codes = {ligne["lieu_accueil"] for ligne in lignes if ligne.get("lieu_accueil")}
        self.agents = {}
        for lot in par_lots(sorted(matricules), LOT):
            for matricule, pk, organisme, role, actif in Agent.objects.filter(
                matricule__in=lot
            ).values_list("matricule", "id", "organisme_id", "role", "is_active"):
                self.agents[matricule] = (pk, organisme, role, actif)
        self.lieux = {}
        for lot in par_lots(sorted(codes), LOT):
            for code, pk, organisme, actif in LieuAccueil.objects.filter(code__in=lot).values_list(
                "code", "id", "unite__organisme_id", "actif"
            ):
                self.lieux[code] = (pk, organisme, actif)
        # The motifs of the stored openings of these agents, by key.
        self.motifs_stockes: dict[str, set[int]] = defaultdict(set)
        ids = [a[0] for a in self.agents.values()]
        for lot in par_lots(ids, LOT):
            for code, motif in Plage.objects.filter(
                agent_id__in=lot, code__isnull=False
            ).values_list("code", "motifs"):
                stockes = self.motifs_stockes[code]  # an opening without motifs too
                if motif is not None:
                    stockes.add(motif)

    # Columns ------------------------------------------------------------------------------

    def _agent(self, ligne: dict[str, str], erreurs: Erreurs) -> tuple | None:
        matricule = self.reference(ligne, "agent", erreurs, self.agents, "agent inconnu")
        if matricule is None:
            return None
        pk, organisme, role, actif = self.agents[matricule]
        if role not in ROLES_D_UNITE:
            erreurs.ajouter(
                "agent",
                f"« {matricule} » ({Role(role).label}) ne reçoit pas de rendez-vous "
                "(attendu : ass, csam ou cadre)",
            )
            return None
        if not actif:
            erreurs.ajouter("agent", f"le compte de « {matricule} » est désactivé")
            return None
        if self.restreint and organisme != self.organisme_id:
            erreurs.ajouter("agent", HORS_ORGANISME)
            return None
        return pk, organisme

    def _lieu(self, ligne: dict[str, str], erreurs: Erreurs) -> tuple | None:
        code = self.reference(
            ligne, "lieu_accueil", erreurs, self.lieux, "lieu d'accueil inconnu", False
        )
        if code is None:
            return None
        pk, organisme, actif = self.lieux[code]
        if not actif:
            erreurs.ajouter("lieu_accueil", f"le lieu d'accueil « {code} » est fermé")
            return None
        if self.restreint and organisme != self.organisme_id:
            erreurs.ajouter("lieu_accueil", HORS_ORGANISME)
            return None
        return pk, organisme

    def _motifs(self, ligne: dict[str, str], erreurs: Erreurs) -> list[tuple] | None:
        texte = ligne.get("motifs", "")
        codes = [c.strip() for c in texte.split(SEPARATEUR_MOTIFS) if c.strip()]
        if not codes:
            erreurs.ajouter("motifs", "valeur obligatoire manquante")
            return None
        inconnus = [c for c in codes if c not in self.motifs]
        if inconnus:
            conseil = " (séparez les codes par « | »)" if "," in texte else ""
            liste = ", ".join(f"« {c} »" for c in inconnus)
            erreurs.ajouter("motifs", f"motif(s) inconnu(s) {liste}{conseil}")
            return None
        inactifs = [c for c in codes if not self.motifs[c][2]]
        if inactifs:
            erreurs.ajouter(
                "motifs", "motif(s) retiré(s) " + ", ".join(f"« {c} »" for c in inactifs)
            )
            return None
        return [self.motifs[c] for c in dict.fromkeys(codes)]

    def _heure(self, ligne: dict[str, str], colonne: str, erreurs: Erreurs) -> time | None:
        texte = ligne.get(colonne, "")
        if not texte:
            erreurs.ajouter(colonne, "valeur obligatoire manquante")
            return None
        try:
            return lire_heure(texte)
        except ValueError as erreur:
            erreurs.ajouter(colonne, str(erreur))
            return None

    @staticmethod
    def _date(
        ligne: dict[str, str], colonne: str, erreurs: Erreurs, obligatoire: bool
    ) -> date | None:
        texte = ligne.get(colonne, "")
        if not texte:
            if obligatoire:
                erreurs.ajouter(colonne, "date obligatoire manquante")
            return None
        try:
            return lire_date(texte)
        except ValueError as erreur:
            erreurs.ajouter(colonne, str(erreur))
            return None

    # Rows ---------------------------------------------------------------------------------

    def convertir(self, ligne: dict[str, str], erreurs: Erreurs) -> dict[str, Any] | None:
        agent = self._agent(ligne, erreurs)
        lieu = self._lieu(ligne, erreurs)
        motifs = self._motifs(ligne, erreurs)
        jour = ligne.get("jour", "").strip().lower()
        if not jour:
            erreurs.ajouter("jour", "valeur obligatoire manquante")
        elif jour == "dimanche":
            erreurs.ajouter("jour", "pas de plage le dimanche (lundi à samedi)")
        elif jour not in JOURS:
            erreurs.ajouter(
                "jour", f"jour inconnu « {ligne['jour']} » (attendu : {', '.join(JOURS)})"
            )
        debut = self._heure(ligne, "debut", erreurs)
        fin = self._heure(ligne, "fin", erreurs)
        if debut is not None and fin is not None and fin <= debut:
            erreurs.ajouter(
                "fin", f"l'heure de fin ({fin:%H:%M}) doit suivre l'heure de début ({debut:%H:%M})"
            )
        date_debut = self._date(ligne, "date_debut", erreurs, True)
        date_fin = self._date(ligne, "date_fin", erreurs, False)
        if date_debut and date_fin and date_fin < date_debut:
            erreurs.ajouter(
                "date_fin",
                f"la dernière date ({date_fin:%d/%m/%Y}) précède la première "
                f"({date_debut:%d/%m/%Y})",
            )
        if motifs and not ligne.get("lieu_accueil"):
            au_lieu = [m for m in motifs if m[1] not in MODES_A_DISTANCE]
            if au_lieu:
                erreurs.ajouter(
                    "lieu_accueil",
                    "lieu d'accueil obligatoire : un des motifs ne se tient pas à distance",
                )
        if agent and lieu and agent[1] != lieu[1]:
            erreurs.ajouter("lieu_accueil", "le lieu d'accueil n'est pas de l'organisme de l'agent")
        if erreurs.nombre:
            return None
        code = code_plage(ligne["agent"], ligne["lieu_accueil"], jour, debut, fin, date_debut)
        if not self._seule(code, agent[0], jour, (debut, fin, date_debut, date_fin), erreurs):
            return None
        ids_motifs = sorted(m[0] for m in motifs)
        stockes = self.motifs_stockes.get(code)
        if stockes is not None and stockes != set(ids_motifs):
            erreurs.ajouter(
                "motifs",
                "cette plage existe déjà avec d'autres motifs : un import ne change pas les "
                "motifs d'une plage existante ; changez-les dans l'administration "
                "(Rendez-vous › Plages d'ouverture)",
            )
            return None
        self.complements[code] = (debut, fin, ids_motifs)
        return {
            "code": code,
            "agent_id": agent[0],
            "lieu_id": lieu[0] if lieu else None,
            "regle": f"FREQ=WEEKLY;BYDAY={JOURS[jour]}",
            "date_debut": date_debut,
            "date_fin": date_fin,
        }

    def _seule(self, code: str, agent_id: int, jour: str, periode: tuple, erreurs) -> bool:
        """No two rows of the file put one agent in two openings at once."""
        for ligne, autre_code, *autre in self.lues[(agent_id, jour)]:
            if autre_code == code:
                erreurs.ajouter("debut", f"même plage que la ligne {ligne} du fichier")
                return False
            if _chevauchent(periode, tuple(autre)):
                erreurs.ajouter(
                    "debut",
                    f"l'agent a déjà une plage le {jour} à ces heures, ligne {ligne} du fichier",
                )
                return False
        self.lues[(agent_id, jour)].append((erreurs.ligne, code, *periode))
        return True

    def controler_existants(self, existants: dict[Any, tuple]) -> None:
        rang = 1 + self.champs.index("agent_id")
        ids = {e[rang] for e in existants.values()}
        self.organisme_des_agents = dict(
            Agent.objects.filter(pk__in=ids).values_list("id", "organisme_id")
        )

    def controler(self, valeurs, existant, erreurs):
        """An opening changed on screen to another organisme's agent is not taken back."""
        if existant is not None:
            agent = existant[1 + self.champs.index("agent_id")]
            if self.organisme_des_agents.get(agent) != self.organisme_id:
                erreurs.ajouter("agent", "plage d'un agent d'un autre organisme")
        return None

    def valeurs_de_creation(self) -> dict[str, Any]:
        debut, fin = HEURES_PROVISOIRES
        return {"debut": debut, "fin": fin}

    def apres_lot(self, lot: Lot) -> None:
        """The new openings' hours and motifs."""
        nouvelles = lot.cles(NOUVELLE)
        if not nouvelles:
            return
        ids: dict[str, int] = {}
        for cles in par_lots(nouvelles, LOT):
            ids.update(Plage.objects.filter(code__in=cles).values_list("code", "id"))
        par_heures: dict[tuple[time, time], list[int]] = defaultdict(list)
        liens = []
        lien = Plage.motifs.through
        for code in nouvelles:
            debut, fin, motifs = self.complements[code]
            par_heures[(debut, fin)].append(ids[code])
            liens.extend(lien(plage_id=ids[code], motif_id=m) for m in motifs)
        for (debut, fin), pks in par_heures.items():
            for lot_pks in par_lots(pks, LOT):
                Plage.objects.filter(pk__in=lot_pks).update(debut=debut, fin=fin)
        lien.objects.bulk_create(liens, batch_size=LOT)

    def annuler(self) -> None:
        """The engine deleted the new openings it had written: their motif links go with them
        (the links of stored openings are never touched)."""
        lien = Plage.motifs.through
        lien.objects.filter(~Q(plage_id__in=Plage.objects.values("pk"))).delete()
