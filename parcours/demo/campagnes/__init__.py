"""Outreach campaigns for the demo Carsat (issue 15): lists of the medical service already worked,
with their funnel, and one to work now.

- « Arrêts de travail de plus de 90 jours — juin »: the region's list, validated five months
  ago, worked six weeks and closed. About 400 rows: errors corrected or excluded by hand,
  exclusions of every reason; invitations, reminders, calls of every outcome, a batch of letters,
  invitations expired; acceptances turned into signalements « liste de ciblage » with their
  appointments (seen with their interview, missed, excused then booked again) and the
  accompaniments opened from them. Every stage of its funnel is above the secrecy threshold.
  The same list three months earlier (« — mars », smaller) lets the June one name persons
  contacted recently, as a real list does.
- « … — novembre (Tarn-et-Garonne) »: validated four days ago for the units of
  Tarn-et-Garonne: invitations sent, reminders gone, the first calls by priority, a few
  appointments booked in the agendas' free slots; most rows still to contact, on the work lists
  of the demo social worker (her sector, Montauban) and of the demo 36 46 adviser.

Consistent by construction rather than played action by action, and fast: the lists are checked
by `analyse.analyser` itself (errors, matching, exclusions, named contributions, scores) — a past
list as it stood on its day —; the rows go where sector routing sends them (`dossiers.router`);
each attempt, reminder, expiry, letter and acceptance is the row that `contacts` and `courriers`
write, at its date (`contacts`); an acceptance leads to what the screens would record (`suites`).
Nothing is sent, and no task is queued.

The demo's sectors name a social worker for every commune, so routing alone would leave the
36 46 advisers nothing: in the Montauban unit, the rows outside the demo social worker's own
sector stay on the unit's list, which its advisers work (as rows of a sector without a worker).

Everything is synthetic (fixed seed): persons of the demo history (`historique`), matched by their
NIR, and persons unknown to the service with made-up well-formed NIRs (`fichiers`). Without the
history, nothing is made.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.campagnes import analyse
from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    Exclusion,
    SourceCampagne,
    StatutCampagne,
)
from parcours.campagnes.liste import StatutListe
from parcours.campagnes.models import Campagne, Cible, ListeCibles, Tentative
from parcours.demo.campagnes.commun import Plan, a_leur_date, ouvre
from parcours.demo.campagnes.contacts import raconter
from parcours.demo.campagnes.fichiers import Connues, Fichier, a_la_date
from parcours.demo.campagnes.suites import Agenda, Suites
from parcours.demo.rendezvous import _motifs
from parcours.dossiers import actions as dossiers
from parcours.dossiers.models import Assure, Mission, Signalement
from parcours.lib.texte import normaliser
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
from parcours.rendezvous import jetons, liens
from parcours.rendezvous.creneaux import PARIS, a_paris
from parcours.rendezvous.models import LienReservation

GRAINE = 1515
E = Exclusion
NOM = "Arrêts de travail de plus de 90 jours — {mois}"
PLANS = (
    # Three months before June: the June list names persons this one contacted.
    Plan(NOM, jours=241, lignes=160, departements=(), corrigees=2, exclues_main=1, close=True,
         exclusions={E.DOUBLON: 2, E.HORS_TERRITOIRE: 2, E.DECEDE: 1, E.OPPOSITION: 1,
                     E.ACCOMPAGNEMENT_ACTIF: 6}),
    Plan(NOM, jours=150, lignes=400, departements=(), corrigees=3, exclues_main=3, close=True,
         exclusions={E.DOUBLON: 4, E.HORS_TERRITOIRE: 5, E.DECEDE: 3, E.OPPOSITION: 4,
                     E.ACCOMPAGNEMENT_ACTIF: 16, E.CONTACTE_RECEMMENT: 8}),
    Plan(NOM + " (Tarn-et-Garonne)", jours=4, lignes=230, departements=("82",), corrigees=2,
         exclues_main=2, close=False,
         exclusions={E.DOUBLON: 2, E.HORS_TERRITOIRE: 3, E.DECEDE: 1, E.OPPOSITION: 2,
                     E.ACCOMPAGNEMENT_ACTIF: 8, E.CONTACTE_RECEMMENT: 5}),
)  # fmt: skip
SUIVI_JOURS = 42  # a past campaign is worked six weeks, then closed
MOIS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
TEXTE_SMS = (
    "Le service social de l'Assurance Maladie vous propose un rendez-vous pour faire le point "
    "sur votre situation. Choisissez votre créneau :"
)
TEXTE_COURRIEL = (
    "Madame, Monsieur,\n\nLe service social de l'Assurance Maladie vous propose un rendez-vous, "
    "gratuit et confidentiel, avec un·e assistant·e de service social pour faire le point sur "
    "votre situation. Choisissez le créneau qui vous convient avec le lien ci-dessous."
)
CSAM_DEMO = 0.7  # of the Montauban unit's calls, made by the demo adviser


@dataclass
class BilanCampagne:
    nom: str
    statut: str
    lignes: int = 0
    retenues: int = 0
    contactees: int = 0
    acceptantes: int = 0
    vues: int = 0
    accompagnements: int = 0


def campagnes_presentes(organisme: Organisme) -> bool:
    return Campagne.objects.filter(organisme=organisme).exists()


@transaction.atomic
def generer_campagnes(organisme: Organisme, *, maintenant: datetime | None = None):
    """Create the demo campaigns of `organisme` (its history and agendas must exist): their
    `BilanCampagne`s; nothing if it has campaigns already, or no history."""
    if campagnes_presentes(organisme):
        return []
    if not Signalement.objects.filter(unite__organisme=organisme).exists():
        return []
    atelier = _Atelier(organisme, maintenant or timezone.now())
    return [atelier.campagne(plan, n) for n, plan in enumerate(PLANS)]


class _Atelier:
    """What the campaigns share: the organisme, its people and places, the persons known."""

    def __init__(self, organisme: Organisme, maintenant: datetime):
        self.organisme, self.maintenant = organisme, maintenant
        self.alea = random.Random(GRAINE)
        self.cadre = Agent.objects.get(matricule="demo-cadre")
        self.ass = Agent.objects.get(matricule="demo-ass")
        self.csam = Agent.objects.get(matricule="demo-csam")
        self.motif = _motifs()["PREMIER_RDV"]
        self.mission = Mission.objects.get(code="PDP")
        self.unites = {u.pk: u for u in Unite.objects.filter(organisme=organisme)}
        self.departements = sorted({u.departement_id for u in self.unites.values()})
        self.par_role: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.unite_de: dict[int, int] = {}
        for pk, unite, role in (
            Agent.objects.filter(organisme=organisme, is_active=True)
            .order_by("matricule")
            .values_list("pk", "unite_id", "role")
        ):
            self.par_role[(unite, role)].append(pk)
            self.unite_de[pk] = unite
        self.lieux = {
            lieu.pk: lieu
            for lieu in LieuAccueil.objects.filter(unite__organisme=organisme, actif=True)
            .select_related("commune", "unite__organisme")
            .order_by("code")
        }
        self.agence: dict[int, LieuAccueil] = {}
        for lieu in self.lieux.values():
            if lieu.unite_id not in self.agence or lieu.nom.startswith("Agence"):
                self.agence[lieu.unite_id] = lieu
        self.routages: dict[str, dossiers.Routage] = {}
        self.connues = Connues(organisme)
        self.fichier = Fichier(self.alea, self.connues, self.departements)
        duree = timedelta(minutes=self.motif.duree_minutes)
        self.agenda = Agenda(self.alea, maintenant - timedelta(days=400), duree)

    def routage(self, commune: str) -> dossiers.Routage:
        if commune not in self.routages:
            self.routages[commune] = dossiers.router(commune, emetteur=self.cadre)
        return self.routages[commune]

    def campagne(self, plan: Plan, rang: int) -> BilanCampagne:
        aujourd_hui = timezone.localtime(self.maintenant, PARIS).date()
        jour = ouvre(aujourd_hui - timedelta(days=plan.jours), -1)
        valide_le = a_paris(jour, time(10))
        depose_le = valide_le - timedelta(days=3)
        departements = plan.departements or tuple(self.departements)
        campagne = Campagne(
            organisme=self.organisme,
            code="-".join(("ARRETS-90J", *plan.departements, f"{depose_le:%Y-%m}")),
            nom=plan.nom.format(mois=MOIS.split()[depose_le.month - 1]),
            mission=self.mission,
            source=SourceCampagne.ARRET_90J,
            date_debut=jour,
            date_fin=jour + timedelta(days=SUIVI_JOURS + 3),
            canaux=list(CanalContact.values),
            motif_rendez_vous=self.motif,
            texte_sms=TEXTE_SMS,
            texte_courriel=TEXTE_COURRIEL,
            cree_par=self.cadre,
            valide_par=self.cadre,
            valide_le=valide_le,
            statut=StatutCampagne.CLOSE if plan.close else StatutCampagne.VALIDEE,
            version=3,  # created, its list checked, validated
        )
        campagne._history_user = self.cadre
        campagne.save()
        Campagne.objects.filter(pk=campagne.pk).update(cree_le=depose_le - timedelta(days=2))
        campagne.unites.set([u for u in self.unites.values() if u.departement_id in departements])
        lignes, corrigees, main = self.fichier.lignes(plan, jour, departements)
        liste = ListeCibles.objects.create(
            campagne=campagne,
            nom_fichier=f"cibles-arrets-90j-{depose_le:%Y-%m}.csv",
            auteur=self.cadre,
            statut=StatutListe.TERMINEE,
            etape="Liste vérifiée",
            progression=100,
            lignes=len(lignes),
            termine_le=depose_le + timedelta(minutes=1),
        )
        ListeCibles.objects.filter(pk=liste.pk).update(cree_le=depose_le)
        ctx = analyse.contexte(campagne, aujourd_hui=jour)
        cibles = analyse.analyser(campagne, lignes, ctx=ctx)
        for cible in cibles:
            if cible.ligne in main:  # as `liste.exclure` leaves it: its errors kept
                cible.etat, cible.exclusion = EtatCible.EXCLUE, E.MANUELLE
                cible.exclusion_detail, cible.version = main[cible.ligne], 2
            elif cible.ligne in corrigees:
                cible.version = 2
        if plan.close:
            a_la_date(campagne, cibles, valide_le)
        retenues = [c for c in cibles if c.etat == EtatCible.RETENUE]
        self._assigner(retenues)
        analyse.remplacer(campagne, cibles)
        bilan = BilanCampagne(campagne.nom, campagne.get_statut_display(), len(cibles))
        bilan.retenues = len(retenues)
        fin = valide_le + timedelta(days=SUIVI_JOURS) if plan.close else self.maintenant
        self._contacter(campagne, retenues, fin, rang, bilan)
        return bilan

    def _assigner(self, retenues: list[Cible]) -> None:
        """Sector routing, as `contacts.assigner`; in Montauban, outside the demo social
        worker's sector, the unit's list (see the module's docstring)."""
        for cible in retenues:
            routage = self.routage(cible.commune)
            cible.unite, cible.agent = routage.unite, routage.agent
            if cible.unite_id == self.ass.unite_id and cible.agent_id != self.ass.pk:
                cible.agent = None

    def _appelant(self, cible: Cible) -> int:
        """Who calls: the row's social worker, else an adviser of the unit's 36 46."""
        if cible.agent_id:
            return cible.agent_id
        if cible.unite_id == self.csam.unite_id and self.alea.random() < CSAM_DEMO:
            return self.csam.pk
        return self.alea.choice(self.par_role[(cible.unite_id, Role.CSAM)] or [self.cadre.pk])

    def _contacter(self, campagne, retenues: list[Cible], fin, rang, bilan) -> None:
        # Each worker takes their list by decreasing priority.
        par_liste = defaultdict(list)
        for cible in sorted(retenues, key=lambda c: (-c.score, c.ligne)):
            par_liste[(cible.agent_id, cible.unite_id)].append(cible)
        priorite = {c.pk: k / len(file) for file in par_liste.values() for k, c in enumerate(file)}
        adresses = set(
            Assure.objects.filter(pk__in=[c.assure_id for c in retenues if c.assure_id])
            .exclude(adresse="")
            .values_list("pk", flat=True)
        )
        histoires = {
            c.pk: raconter(
                self.alea,
                c,
                campagne,
                fin,
                priorite=priorite[c.pk],
                appelant=self._appelant(c),
                adresse=c.assure_id in adresses,
            )
            for c in retenues
        }
        # A person unknown to the service is recorded when it contacts them (`personne`).
        nouvelles = {
            c.nir: Assure(
                nir=c.nir,
                nom=c.nom,
                prenom=c.prenom,
                recherche=normaliser(f"{c.nom} {c.prenom}"),
                date_naissance=date.fromisoformat(c.date_naissance),
                sexe="F" if c.nir[:1] in ("2", "8") else "M",
                commune_id=c.commune,
                telephone=c.telephone,
                email=c.email,
            )
            for c in retenues
            if c.assure_id is None and (histoires[c.pk].invitee_le or histoires[c.pk].accepte)
        }
        Assure.objects.bulk_create(list(nouvelles.values()), batch_size=1000)
        for cible in retenues:
            if cible.nir in nouvelles:
                cible.assure = nouvelles[cible.nir]
                self.connues.enregistree(cible.assure)
        # The links of the invitations and of their reminders (expiring with the first).
        liens_de: dict[int, list[LienReservation]] = defaultdict(list)
        for cible in retenues:
            h = histoires[cible.pk]
            for cree in h.liens:
                liens_de[cible.pk].append(
                    LienReservation(
                        jeton_hash=jetons.nouveau(liens.SEL)[1],
                        assure_id=cible.assure_id,
                        organisme=self.organisme,
                        expire_le=h.expire_le,
                        cree_le=cree,
                        cree_par=self.cadre,
                        origine=f"campagne:{cible.pk}",
                    )
                )
        tous = [lien for liste in liens_de.values() for lien in liste]
        with a_leur_date(LienReservation, "cree_le"):
            LienReservation.objects.bulk_create(tous, batch_size=1000)
        motifs = LienReservation.motifs.through
        motifs.objects.bulk_create(
            [motifs(lienreservation_id=lien.pk, motif_id=self.motif.pk) for lien in tous],
            batch_size=1000,
        )
        suites = Suites(self, campagne, rang)
        for cible in retenues:
            if histoires[cible.pk].accepte:
                suites.signaler(cible, histoires[cible.pk], liens_de[cible.pk])
        suites.ecrire()
        tentatives = [
            Tentative(cible=c, agent_id=agent_id, canal=canal, resultat=resultat, quand=quand)
            for c in retenues
            for quand, canal, resultat, agent_id in histoires[c.pk].evenements
        ]
        with a_leur_date(Tentative, "quand"):
            Tentative.objects.bulk_create(tentatives, batch_size=1000)
        # The rows as their contacts left them: one statement a row, cheaper here than a
        # `bulk_update` of ten columns.
        for cible in retenues:
            h = histoires[cible.pk]
            if h.premier_contact is None:
                continue
            Cible.objects.filter(pk=cible.pk).update(
                assure=cible.assure_id,
                suivi=h.suivi,
                invitee_le=h.invitee_le,
                relancee_le=h.relancee_le,
                expire_le=h.expire_le,
                premier_contact_le=h.premier_contact,
                lien=(liens_de[cible.pk] or [None])[0],
                signalement=cible.signalement,
                rendez_vous=cible.rendez_vous,
                version=cible.version + h.appels,
            )
        bilan.contactees = sum(1 for h in histoires.values() if h.premier_contact)
        bilan.acceptantes = len(suites.acceptations)
        bilan.vues, bilan.accompagnements = suites.vues, len(suites.accompagnements)
