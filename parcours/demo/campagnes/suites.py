"""What an acceptance leads to in a demo campaign: the signalement « liste de ciblage », routed
as any other (`contacts.convertir`); the appointment, booked on the call or by the person
through the link. For the current campaign, in the demo agendas' free slots
(`reservation.reserver`); for a past one, on a working day at the unit's agency, with its status
— seen with its interview as `rendezvous.actions.constater` records it, missed, or excused and
booked again — and the triage of the signalement: an accompaniment opened, or a one-off
intervention."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from parcours.campagnes.enums import StatutCampagne
from parcours.campagnes.models import Campagne, Cible
from parcours.demo.campagnes.commun import a_leur_date, ouvre, tirage
from parcours.demo.campagnes.contacts import Histoire
from parcours.demo.historique import ISSUES_PDP, NOTES
from parcours.demo.rendezvous import _trajets
from parcours.dossiers.enums import ModeEntretien, SourceSignalement, StatutSignalement
from parcours.dossiers.models import Accompagnement, Assure, Entretien, Signalement
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil
from parcours.rendezvous.actions import minutes_trajet
from parcours.rendezvous.creneaux import PARIS, a_paris, creneaux_libres
from parcours.rendezvous.enums import OrigineRendezVous, StatutRendezVous
from parcours.rendezvous.models import LienReservation, Participation, RendezVous
from parcours.rendezvous.reservation import CreneauIndisponible, reserver

RDV_PASSE = ((StatutRendezVous.VU, 0.62), (StatutRendezVous.ABSENT, 0.25),
             (StatutRendezVous.EXCUSE, 0.13))  # fmt: skip
GRILLE = [time(9), time(9, 45), time(10, 30), time(11, 15), time(13, 30), time(14, 15),
          time(15), time(15, 45)]  # fmt: skip
OUVERTURE = 0.62  # an appointment seen opens an accompaniment
CLOTURE = 0.35  # an accompaniment opened then is closed since
RESERVE_A_L_APPEL = 0.55  # the current campaign: booked on the call (else from the signalement)


class Agenda:
    """Agents and rooms already taken, for the past campaigns' appointments."""

    def __init__(self, alea, depuis: datetime, duree: timedelta):
        self.alea, self.duree = alea, duree
        self.occupe: dict[int, list[tuple]] = defaultdict(list)
        for agent_id, debut, fin in Participation.objects.filter(debut__gte=depuis).values_list(
            "agent_id", "debut", "fin"
        ):
            self.occupe[agent_id].append((debut, fin))
        self.salles: dict[int, list[tuple]] = defaultdict(list)
        for lieu_id, debut, fin, salle in (
            RendezVous.objects.actifs()
            .filter(debut__gte=depuis, salle__isnull=False)
            .values_list("lieu_id", "debut", "fin", "salle")
        ):
            self.salles[lieu_id].append((debut, fin, salle))

    def creneau(self, agent_id: int, lieu: LieuAccueil, jour: date) -> tuple[datetime, int]:
        """The first working day from `jour` when the agent is free, and a room of the place
        too: the start and the room."""
        while True:
            jour = ouvre(jour, departement=lieu.commune.departement_id)
            for debut in (a_paris(jour, h) for h in self.alea.sample(GRILLE, len(GRILLE))):
                fin = debut + self.duree
                if any(d < fin and debut < f for d, f in self.occupe[agent_id]):
                    continue
                prises = {s for d, f, s in self.salles[lieu.pk] if d < fin and debut < f}
                salle = next((n for n in range(1, lieu.salles + 1) if n not in prises), None)
                if salle is not None:
                    self.occupe[agent_id].append((debut, fin))
                    self.salles[lieu.pk].append((debut, fin, salle))
                    return debut, salle
            jour += timedelta(days=1)


class Suites:
    """The acceptances of one campaign and what they led to, written together (`ecrire`)."""

    def __init__(self, atelier, campagne: Campagne, rang: int):
        self.a, self.campagne, self.prefixe = atelier, campagne, f"DEMO-C{rang}"
        self.acceptations: list[tuple] = []
        self.rdvs: list[RendezVous] = []
        self.liens: list[LienReservation] = []
        self.entretiens: list[Entretien] = []
        self.accompagnements: list[Accompagnement] = []
        self.vues = 0

    def _ref(self, lettre: str, objets: list) -> str:
        return f"{self.prefixe}-{lettre}{len(objets) + 1:05d}"

    def signaler(self, cible: Cible, h: Histoire, liens_cible: list) -> None:
        quand, par_lien, agent_id = h.accepte
        routage = self.a.routage(cible.commune)
        assistants = self.a.par_role[(routage.unite.pk, Role.ASS)]
        referent = routage.agent.pk if routage.agent else assistants[0]
        signalement = Signalement(
            ref=self._ref("S", self.acceptations),
            assure_id=cible.assure_id,
            date=timezone.localtime(quand, PARIS).date(),
            source=SourceSignalement.LISTE_CIBLEE,
            source_precision=self.campagne.nom[:200],
            motif=f"Campagne « {self.campagne.nom} » : la personne accepte un rendez-vous.",
            mission=self.campagne.mission,
            emetteur_id=agent_id or self.campagne.valide_par_id,
            unite=routage.unite,
            agent_id=referent,
        )
        cible.signalement = signalement
        lien = max(
            (lien for lien in liens_cible if lien.cree_le <= quand),
            key=lambda lien: lien.cree_le,
            default=None,
        )
        self.acceptations.append((cible, signalement, quand, par_lien, referent, lien))
        self.a.connues.signalee(cible.assure_id, signalement.date)

    def ecrire(self) -> None:
        """Write what the acceptances led to, in the order of their keys: the current
        campaign's appointments are booked once their signalements exist."""
        signalements = [s for _, s, *_ in self.acceptations]
        if self.campagne.statut != StatutCampagne.CLOSE:
            Signalement.objects.bulk_create(signalements, batch_size=500)
            for acceptation in self.acceptations:
                self._reserver(*acceptation)
            return
        for acceptation in self.acceptations:
            self._passe(*acceptation)
        Accompagnement.objects.bulk_create(self.accompagnements, batch_size=500)
        for acc in self.accompagnements:
            self.a.connues.periodes[acc.assure_id].append((acc.date_debut, acc.date_fin))
        Entretien.objects.bulk_create(self.entretiens, batch_size=1000)
        Signalement.objects.bulk_create(signalements, batch_size=500)
        communes = {c.assure_id: c.commune for c, *_ in self.acceptations}
        _trajets(self.rdvs, communes, self.a.lieux)
        with a_leur_date(RendezVous, "demande_le"):
            RendezVous.objects.bulk_create(self.rdvs, batch_size=500)
        Participation.objects.bulk_create(
            [Participation(rendez_vous=r, agent_id=r.agent_id, debut=r.debut, fin=r.fin)
             for r in self.rdvs],
            batch_size=1000,
        )  # fmt: skip
        for lien in self.liens:
            LienReservation.objects.filter(pk=lien.pk).update(rendez_vous=lien.rendez_vous)

    def _passe(self, cible, signalement, quand, par_lien, referent, lien) -> None:
        a = self.a
        lieu = a.agence[signalement.unite_id]
        jour = signalement.date + timedelta(days=a.alea.randint(4, 16))
        reserve_par = None if par_lien else signalement.emetteur_id  # on the call
        rdv = self._rdv(cible, signalement, referent, lieu, jour, quand, reserve_par)
        if par_lien:
            cible.rendez_vous = lien.rendez_vous = rdv
            self.liens.append(lien)
        if rdv.statut == StatutRendezVous.EXCUSE:  # booked again by the social worker
            jour = timezone.localtime(rdv.debut, PARIS).date() + timedelta(days=7)
            rdv = self._rdv(cible, signalement, referent, lieu, jour, rdv.debut, referent)
            rdv.statut = StatutRendezVous.VU if a.alea.random() < 0.8 else StatutRendezVous.ABSENT
        # The triage: after an appointment seen, an accompaniment opened that day (the
        # interview in it) or a one-off intervention; after one missed, a call a few days
        # later, recorded as a one-off intervention by phone.
        jour = timezone.localtime(rdv.debut, PARIS).date()
        accompagnement = None
        if rdv.statut == StatutRendezVous.VU:
            self.vues += 1
            if a.alea.random() < OUVERTURE:
                accompagnement = self._ouvrir(signalement, referent, jour)
            entretien = self._entretien(signalement, lieu, referent, jour, accompagnement)
            rdv.entretien = entretien
        else:
            jour = ouvre(jour + timedelta(days=a.alea.randint(2, 6)))
            entretien = self._entretien(signalement, None, referent, jour, None, minutes=20)
        signalement.statut = (
            StatutSignalement.ACCOMPAGNEMENT_OUVERT
            if accompagnement
            else StatutSignalement.INTERVENTION_PONCTUELLE
        )
        signalement.accompagnement = accompagnement
        signalement.entretien = None if accompagnement else entretien
        signalement.decide_par_id = referent
        signalement.decide_le = a_paris(jour, time(17))

    def _rdv(self, cible, signalement, agent_id, lieu, jour, demande, par) -> RendezVous:
        """A past appointment, asked for at `demande`, booked by `par` (None: the person,
        through the link)."""
        debut, salle = self.a.agenda.creneau(agent_id, lieu, jour)
        rdv = RendezVous(
            assure_id=cible.assure_id,
            motif=self.a.motif,
            lieu=lieu,
            salle=salle,
            agent_id=agent_id,
            debut=debut,
            fin=debut + self.a.agenda.duree,
            statut=tirage(self.a.alea, RDV_PASSE),
            cree_par_id=par,
            origine=OrigineRendezVous.AGENT if par else OrigineRendezVous.LIEN,
            signalement=signalement,
            rappel_le=debut - timedelta(hours=48),
            demande_le=demande,
        )
        self.rdvs.append(rdv)
        return rdv

    def _entretien(self, signalement, lieu, agent_id, jour, accompagnement, minutes=None):
        entretien = Entretien(
            ref=self._ref("E", self.entretiens),
            assure_id=signalement.assure_id,
            accompagnement=accompagnement,
            date=jour,
            mode=ModeEntretien.LIEU_ACCUEIL if lieu else ModeEntretien.TELEPHONE,
            lieu_accueil=lieu,
            duree_minutes=minutes or self.a.motif.duree_minutes,
            agent_id=agent_id,
            notes=self.a.alea.choice(NOTES),
            unite_id=lieu.unite_id if lieu else self.a.unite_de[agent_id],
        )
        self.entretiens.append(entretien)
        return entretien

    def _ouvrir(self, signalement, referent, jour) -> Accompagnement:
        """An accompaniment opened from the signalement and followed since (a few more
        interviews by phone); closed with its outcome for some."""
        a = self.a
        accompagnement = Accompagnement(
            ref=self._ref("A", self.accompagnements),
            assure_id=signalement.assure_id,
            mission=self.campagne.mission,
            date_debut=jour,
            referent_id=referent,
            unite_id=a.unite_de[referent],
        )
        self.accompagnements.append(accompagnement)
        limite = timezone.localtime(a.maintenant, PARIS).date() - timedelta(days=3)
        for _ in range(a.alea.randint(1, 4)):
            suivant = ouvre(jour + timedelta(days=a.alea.randint(12, 35)))
            if suivant > limite:
                break
            jour = suivant
            self._entretien(signalement, None, referent, jour, accompagnement, minutes=30)
        if jour > accompagnement.date_debut and a.alea.random() < CLOTURE:
            accompagnement.date_fin = jour
            accompagnement.issue = tirage(a.alea, [i for i in ISSUES_PDP if i[0] != "AUTRE"])
        return accompagnement

    def _reserver(self, cible, signalement, quand, par_lien, agent_id, lien) -> None:
        """The current campaign: an appointment in the agendas' free slots — always for a
        booking through the link; for some of the calls (the others are to book from the
        signalement, on the demo's screens)."""
        a = self.a
        if not par_lien and a.alea.random() >= RESERVE_A_L_APPEL:
            return
        lieux = [lieu for lieu in a.lieux.values() if lieu.unite_id == a.unite_de[agent_id]]
        libres = creneaux_libres(
            a.motif, lieux, maintenant=a.maintenant, agents=[agent_id], par_lieu=2, jours=21
        )
        assure = Assure.objects.select_related("commune").get(pk=cible.assure_id)
        for creneau in sorted(c for liste in libres.values() for c in liste)[:4]:
            lieu = a.lieux[creneau.lieu_id]
            try:
                rdv = reserver(
                    assure=assure,
                    motif=a.motif,
                    lieu=lieu,
                    agent_id=agent_id,
                    debut=creneau.debut,
                    acting_user=None if par_lien else Agent.objects.get(pk=signalement.emetteur_id),
                    origine=OrigineRendezVous.LIEN if par_lien else OrigineRendezVous.AGENT,
                    signalement=signalement,
                    minutes_trajet=minutes_trajet(assure, lieu),
                )
            except CreneauIndisponible:
                continue
            RendezVous.objects.filter(pk=rdv.pk).update(demande_le=quand)
            if par_lien:
                cible.rendez_vous = rdv
                LienReservation.objects.filter(pk=lien.pk).update(rendez_vous=rdv)
            return
