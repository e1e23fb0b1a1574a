"""The medical service's file of a demo campaign: who is on it, written as a real file is (phone
numbers as people type them, a few errors), so that `analyse.analyser` makes of each row what
the plan wants — a known person free to contact, in an accompaniment, contacted recently,
refusing the campaigns, dead, out of the territory, twice on the list, or unknown.

A past list is checked as things stood on its day (`a_la_date`); the persons it names are read
so that the check made today, by `analyser`, agrees with that day wherever it can.
"""

import random
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Min, Q
from django.utils import timezone

from parcours.campagnes.enums import EtatCible, Exclusion, SourceCampagne, SuiviCible
from parcours.campagnes.models import Campagne, Cible
from parcours.demo.campagnes.commun import Plan
from parcours.demo.historique import NOMS, PRENOMS_F, PRENOMS_M, _nir
from parcours.dossiers.models import Accompagnement, Assure, Signalement
from parcours.lib.telephone import TelephoneInvalide, normaliser_telephone
from parcours.messagerie.models import Opposition
from parcours.organisation.models import Organisme
from parcours.rendezvous.creneaux import PARIS, a_paris
from parcours.territoire.models import Commune

E = Exclusion
CONNUES = 0.3  # share of the rows the service knows
MOBILES, FIXES, COURRIELS = 0.32, 0.43, 0.08  # rows with a mobile, a landline, an e-mail
HORS_TERRITOIRE = ("47", "11", "34", "24", "40")  # neighbours, not the Carsat's départements
MOTIFS_MAIN = (
    "NIR erroné, non retrouvé par le service médical",
    "Plus en arrêt de travail selon le service médical (liste mise à jour)",
    "Identité incomplète, non vérifiable",
)
CHAMPS = ("id", "nir", "nom", "prenom", "date_naissance", "commune_id", "telephone")


class Connues:
    """The persons the service knows (a signalement of one of its units), read once, then kept
    up to date by the campaigns: the persons they record, signal, accompany, or learn to be
    dead or refusing."""

    def __init__(self, organisme: Organisme):
        self.organisme = organisme
        dates = {
            d["assure_id"]: d
            for d in Signalement.objects.filter(unite__organisme=organisme)
            .order_by()
            .values("assure_id")
            .annotate(premier=Min("date"), dernier=Max("date"))
        }
        self.personnes: dict[int, dict] = {}
        for p in (
            Assure.objects.filter(date_deces__isnull=True, refus_campagnes=False)
            .exclude(pk__in=set(Opposition.objects.values_list("personne_id", flat=True)))
            .order_by("pk")
            .values(*CHAMPS, "arret_travail_depuis")
        ):
            if p["id"] in dates:
                self.personnes[p["id"]] = {**p, **dates[p["id"]]}
        self.exclues: set[int] = set()
        self.periodes: dict[int, list[tuple]] = defaultdict(list)
        for assure, debut, fin in Accompagnement.objects.filter(
            unite__organisme=organisme
        ).values_list("assure_id", "date_debut", "date_fin"):
            self.periodes[assure].append((debut, fin))

    def enregistree(self, assure: Assure) -> None:
        """Recorded when a campaign contacted them: on the next lists, matched by the NIR."""
        self.personnes[assure.pk] = {c: getattr(assure, c) for c in CHAMPS} | {
            "arret_travail_depuis": None,
            "premier": None,
            "dernier": None,
        }

    def signalee(self, assure_id: int, jour: date) -> None:
        if p := self.personnes.get(assure_id):
            p["premier"] = min(p["premier"] or jour, jour)
            p["dernier"] = max(p["dernier"] or jour, jour)

    def a_la_date(self, jour: date, departements) -> dict[str, list[dict]]:
        """The known persons a list of that day may name, by what the check makes of them: in
        an accompaniment then, refused a campaign, contacted by one in the six months before,
        or free (every accompaniment closed before — none opened since, which the check made
        today would see)."""
        cibles = Cible.objects.filter(campagne__organisme=self.organisme, assure__isnull=False)
        listees = set(cibles.values_list("assure_id", flat=True))
        refus = set(cibles.filter(suivi=SuiviCible.REFUS).values_list("assure_id", flat=True))
        minuit = a_paris(jour, time(0))
        contactees = set(
            cibles.filter(
                premier_contact_le__gte=minuit - relativedelta(months=6),
                premier_contact_le__lt=minuit,
            ).values_list("assure_id", flat=True)
        )
        pools: dict[str, list[dict]] = defaultdict(list)
        for pk, p in self.personnes.items():
            if pk in self.exclues or (p["commune_id"] or "")[:2] not in departements:
                continue
            if (p["premier"] is None or p["premier"] >= jour) and pk not in listees:
                continue
            if not 22 <= (jour - p["date_naissance"]).days // 365 <= 63:
                continue
            periodes = self.periodes.get(pk, [])
            if any(d <= jour and (f is None or f > jour) for d, f in periodes):
                pools[E.ACCOMPAGNEMENT_ACTIF].append(p)
            elif pk in refus:
                pools[E.OPPOSITION].append(p)
            elif pk in contactees:
                pools[E.CONTACTE_RECEMMENT].append(p)
            elif pk not in listees and all(f is not None and f < jour for _, f in periodes):
                pools["libres"].append(p)
        return pools


def _ascii(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if c.isascii() and c.isalnum())


def _paires(alea: random.Random, n: int) -> str:
    return " ".join(f"{alea.randint(0, 99):02d}" for _ in range(n))


class Fichier:
    """Writes the files of the campaigns (one random source for all: a fixed demo)."""

    def __init__(self, alea: random.Random, connues: Connues, departements: list[str]):
        self.alea, self.connues = alea, connues
        self.vus = set(Assure.objects.values_list("nir", flat=True))
        self.communes: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for code, dep, population in (
            Commune.objects.communes()
            .filter(departement_id__in=departements)
            .order_by("code")
            .values_list("code", "departement_id", "population")
        ):
            self.communes[dep].append((code, population or 1))
        self.hors = list(
            Commune.objects.communes()
            .filter(departement_id__in=HORS_TERRITOIRE)
            .order_by("-population", "code")
            .values_list("code", flat=True)[:15]
        )

    def lignes(self, plan: Plan, jour: date, departements) -> tuple[list, set[int], dict]:
        """The file's rows ((line, {column: text})), the lines corrected on screen, and the
        lines excluded by hand with their reason. Deaths and refusals are recorded on the
        persons first, as the service knew them on that day."""
        alea, connues = self.alea, self.connues
        pools = connues.a_la_date(jour, departements)
        for pool in pools.values():
            alea.shuffle(pool)

        def prendre(pool: str, n: int) -> list[dict]:
            pris, pools[pool] = pools[pool][: max(0, n)], pools[pool][max(0, n) :]
            return pris

        # Deaths known on that day, after anything the service knew of the person.
        deces = []
        for p in list(pools["libres"]):
            if len(deces) == plan.exclusions.get(E.DECEDE, 0):
                break
            dernier = max([p["dernier"] or date.min, *(f for _, f in connues.periodes[p["id"]])])
            if dernier < jour - timedelta(days=30):
                pools["libres"].remove(p)
                deces.append(p)
                Assure.objects.filter(pk=p["id"]).update(
                    date_deces=jour - timedelta(days=alea.randint(2, (jour - dernier).days - 1))
                )
        opposees = prendre(E.OPPOSITION, plan.exclusions.get(E.OPPOSITION, 0))
        opposees += prendre("libres", plan.exclusions.get(E.OPPOSITION, 0) - len(opposees))
        Assure.objects.filter(pk__in=[p["id"] for p in opposees]).update(refus_campagnes=True)
        connues.exclues.update(p["id"] for p in deces + opposees)
        speciales = deces + opposees
        for raison in (E.ACCOMPAGNEMENT_ACTIF, E.CONTACTE_RECEMMENT):
            speciales += prendre(raison, plan.exclusions.get(raison, 0))
        speciales += [
            self._inconnue(jour, departements, hors=True)
            for _ in range(plan.exclusions.get(E.HORS_TERRITOIRE, 0))
        ]
        reste = plan.lignes - len(speciales) - plan.exclusions.get(E.DOUBLON, 0)
        personnes = prendre("libres", round(reste * CONNUES))
        inconnues = [self._inconnue(jour, departements) for _ in range(reste - len(personnes))]
        lignes = [self._valeurs(p, jour) for p in personnes + inconnues + speciales]
        alea.shuffle(lignes)
        for _ in range(plan.exclusions.get(E.DOUBLON, 0)):  # a line again, further down
            k = alea.randrange(len(lignes) // 2)
            lignes.insert(alea.randrange(k + 1, len(lignes)), dict(lignes[k]))
        # Errors, in rows of unknown persons: corrected on screen, or excluded by hand.
        nirs = Counter(v["nir"] for v in lignes)
        nouvelles = {p["nir"] for p in inconnues}
        candidates = [
            i for i, v in enumerate(lignes) if nirs[v["nir"]] == 1 and v["nir"] in nouvelles
        ]
        erronees = alea.sample(candidates, plan.corrigees + plan.exclues_main)
        main = {}
        for n, i in enumerate(erronees[plan.corrigees :]):
            v = lignes[i]
            lignes[i] = (
                {**v, "nir": v["nir"][:13] + f"{(int(v['nir'][13:]) + 7) % 97:02d}"},
                {**v, "date_naissance": f"31/02/{v['date_naissance'][:4]}"},
                {**v, "nom": ""},
                {**v, "commune": v["commune"][:2] + "999"},
            )[n % 4]
            main[i + 2] = MOTIFS_MAIN[n % len(MOTIFS_MAIN)]
        corrigees = {i + 2 for i in erronees[: plan.corrigees]}
        return [(i + 2, v) for i, v in enumerate(lignes)], corrigees, main

    def _inconnue(self, jour: date, departements, hors: bool = False) -> dict:
        alea = self.alea
        if hors:
            commune = alea.choice(self.hors)
        else:
            codes = self.communes[alea.choice(departements)]
            commune = alea.choices([c for c, _ in codes], weights=[p for _, p in codes])[0]
        sexe = alea.choice("FM")
        naissance = jour - timedelta(days=alea.randint(24, 62) * 365 + alea.randint(0, 364))
        return {
            "nir": _nir(alea, sexe, naissance, commune, self.vus),
            "nom": alea.choice(NOMS),
            "prenom": alea.choice(PRENOMS_F if sexe == "F" else PRENOMS_M),
            "date_naissance": naissance,
            "commune_id": commune,
            "telephone": "",
            "arret_travail_depuis": None,
        }

    def _telephone(self, stocke: str) -> str:
        """The number the file gives, written as people do: a mobile (the one the service
        knows, if any), a landline, or none."""
        alea = self.alea
        r = alea.random()
        while r < MOBILES + FIXES:
            if r < MOBILES:
                texte = stocke or f"0{alea.choice('667')} {_paires(alea, 4)}"
            else:
                texte = f"05 {alea.choice(('61', '62', '63', '65', '67', '81'))} {_paires(alea, 3)}"
            try:
                national = "0" + normaliser_telephone(texte)[3:]
            except TelephoneInvalide:
                stocke = ""  # not a number that exists: the file has another one
                continue
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return ""

    def _valeurs(self, p: dict, jour: date) -> dict[str, str]:
        """The row of the medical service's file for a person, as typed there."""
        alea = self.alea
        telephone = self._telephone(p["telephone"])
        arret = p["arret_travail_depuis"]
        if arret is None or not 95 <= (jour - arret).days <= 700:
            arret = jour - timedelta(days=alea.randint(95, 420))
        email = ""
        if alea.random() < COURRIELS:
            email = f"{_ascii(p['prenom'])}.{_ascii(p['nom'])}{alea.randint(1, 99)}".lower()
            email += "@demo.parcours.invalid"
        return {
            "nir": p["nir"],
            "nom": p["nom"].upper(),
            "prenom": p["prenom"],
            "date_naissance": p["date_naissance"].isoformat(),
            "commune": p["commune_id"],
            "telephone": telephone,
            "email": email,
            "date_debut_arret": arret.isoformat(),
            "motif": SourceCampagne.ARRET_90J,
        }


def a_la_date(campagne: Campagne, cibles: list[Cible], valide_le: datetime) -> None:
    """`analyser` reads the accompaniments in progress and the other campaigns' contacts as
    they are today; a past list was checked as they were on its day."""
    retenues = [c for c in cibles if c.etat == EtatCible.RETENUE and c.assure_id]
    ids = [c.assure_id for c in retenues]
    jour = timezone.localtime(valide_le, PARIS).date()
    actives = set(
        Accompagnement.objects.filter(assure_id__in=ids, date_debut__lte=jour)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gt=jour))
        .values_list("assure_id", flat=True)
    )
    contactees = set(
        Cible.objects.filter(
            assure_id__in=ids,
            premier_contact_le__gte=valide_le - relativedelta(months=campagne.recontact_mois),
            premier_contact_le__lt=valide_le,
        ).values_list("assure_id", flat=True)
    )
    for cible in retenues:
        if cible.assure_id in actives:
            cible.exclusion, cible.exclusion_detail = E.ACCOMPAGNEMENT_ACTIF, ""
        elif cible.assure_id in contactees:
            cible.exclusion = E.CONTACTE_RECEMMENT
            cible.exclusion_detail = f"dans les {campagne.recontact_mois} derniers mois"
        else:
            continue
        cible.etat, cible.contributions, cible.score = EtatCible.EXCLUE, [], 0
