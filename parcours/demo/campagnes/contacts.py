"""The contacts of a row of a demo campaign, played in time order as `contacts` and `courriers`
would log them: the invitation at the validation (SMS, e-mail), its reminder three days later
while it stays valid, the link booked or let expire; the calls of the worker whose list holds
the row, sooner for a higher priority; the letter of the batch printed two weeks in, and a
call back after it."""

import heapq
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from parcours.campagnes.enums import CanalContact, ResultatTentative, SuiviCible
from parcours.campagnes.models import Campagne, Cible
from parcours.demo.campagnes.commun import heure, tirage
from parcours.rendezvous.creneaux import PARIS, a_paris

R = ResultatTentative
# The outcome of a call; after the person was reached once (« jointe, à rappeler »).
APPEL = ((R.JOINT, 0.08), (R.MESSAGE_LAISSE, 0.3), (R.INJOIGNABLE, 0.3),
         (R.FAUX_NUMERO, 0.05), (R.REFUS, 0.18), (R.ACCEPTE, 0.09))  # fmt: skip
RAPPEL = ((R.ACCEPTE, 0.3), (R.REFUS, 0.4), (R.MESSAGE_LAISSE, 0.2), (R.INJOIGNABLE, 0.1))
SUIVI_APRES = {  # as `contacts.SUIVI_APRES_APPEL`
    R.JOINT: SuiviCible.JOINTE,
    R.FAUX_NUMERO: SuiviCible.INJOIGNABLE,
    R.REFUS: SuiviCible.REFUS,
    R.ACCEPTE: SuiviCible.ACCEPTE,
}
APPELS_MAX = 3
LIEN_AVANT_RELANCE, LIEN_APRES_RELANCE = 0.07, 0.05  # booked through the link
RAPPEL_ACCEPTE, RAPPEL_REFUS = 0.1, 0.05  # call back after the letter
A_TRAVAILLER = (SuiviCible.A_CONTACTER, SuiviCible.INVITEE, SuiviCible.JOINTE)
LETTRES_APRES = timedelta(days=14)


@dataclass
class Histoire:
    """One row's contacts as they happened."""

    evenements: list = field(default_factory=list)  # (quand, canal, résultat, agent_id)
    suivi: str = SuiviCible.A_CONTACTER
    invitee_le: datetime | None = None
    relancee_le: datetime | None = None
    expire_le: datetime | None = None
    liens: list = field(default_factory=list)  # when each link was made
    accepte: tuple | None = None  # (quand, par le lien ?, agent_id)
    appels: int = 0

    def appel(self, quand: datetime, resultat: str, agent_id: int) -> None:
        self.appels += 1
        self.evenements.append((quand, CanalContact.TELEPHONE, resultat, agent_id))
        self.suivi = SUIVI_APRES.get(resultat, self.suivi)
        if resultat == R.ACCEPTE:
            self.accepte = (quand, False, agent_id)

    @property
    def premier_contact(self) -> datetime | None:
        return min((q for q, _, r, _ in self.evenements if r != R.EXPIRATION), default=None)


def raconter(
    alea: random.Random,
    cible: Cible,
    campagne: Campagne,
    fin: datetime,
    *,
    priorite: float,
    appelant: int,
    adresse: bool,
) -> Histoire:
    """One row's contacts up to `fin`; `priorite`: its rank in its worker's list (0 first, 1
    last); `appelant`: who calls; `adresse`: a letter can go to the person."""
    h = Histoire()
    canaux = []
    if cible.telephone.startswith(("+336", "+337")):
        canaux.append(CanalContact.SMS)
    if cible.email:
        canaux.append(CanalContact.COURRIEL)
    file: list = []
    t0 = campagne.valide_le + timedelta(minutes=alea.randint(5, 40))  # the task's run
    expire_le = t0 + timedelta(days=campagne.validite_jours)
    if canaux:
        file += [(t0, 0, "invitation"), (expire_le, 2, "expiration")]
        file.append((t0 + timedelta(days=campagne.relance_jours), 1, "relance"))
        if (r := alea.random()) < LIEN_AVANT_RELANCE + LIEN_APRES_RELANCE:
            avant = r < LIEN_AVANT_RELANCE
            apres = timedelta(hours=alea.uniform(2, 70) if avant else alea.uniform(77, 226))
            file.append((t0 + apres, 3, "lien"))
    jour = timezone.localtime(campagne.valide_le, PARIS).date()
    if cible.telephone:
        jour_appel = jour + timedelta(days=1 + int(priorite * 8) + alea.randint(0, 1))
        for _ in range(APPELS_MAX):
            file.append((heure(alea, jour_appel), 4, "appel"))
            jour_appel += timedelta(days=alea.randint(2, 5))
    if adresse:
        file.append((a_paris(jour + LETTRES_APRES, time(11)), 5, "lettre"))
    heapq.heapify(file)
    while file:
        quand, _, quoi = heapq.heappop(file)
        if quand > fin or h.suivi in (SuiviCible.ACCEPTE, SuiviCible.REFUS):
            break
        if quoi == "invitation":
            h.invitee_le, h.expire_le, h.suivi = quand, expire_le, SuiviCible.INVITEE
            h.liens.append(quand)
            h.evenements += [(quand, c, R.INVITATION, None) for c in canaux]
        elif quoi == "relance" and h.suivi == SuiviCible.INVITEE:
            h.relancee_le = quand  # valid a week more: the reminder goes, with a second link
            h.liens.append(quand)
            h.evenements += [(quand, c, R.RELANCE, None) for c in canaux]
        elif quoi == "expiration" and h.suivi == SuiviCible.INVITEE:
            h.suivi = SuiviCible.EXPIREE
            h.evenements.append((quand, CanalContact.SMS, R.EXPIRATION, None))
        elif quoi == "lien" and h.suivi in (SuiviCible.INVITEE, SuiviCible.JOINTE):
            h.suivi, h.accepte = SuiviCible.ACCEPTE, (quand, True, None)
            h.evenements.append((quand, CanalContact.SMS, R.ACCEPTE, None))
        elif quoi == "appel" and h.suivi in A_TRAVAILLER:
            h.appel(
                quand, tirage(alea, RAPPEL if h.suivi == SuiviCible.JOINTE else APPEL), appelant
            )
        elif quoi == "lettre":  # printed by the campaign's cadre
            h.evenements.append((quand, CanalContact.COURRIER, R.COURRIER, campagne.valide_par_id))
            if (r := alea.random()) < RAPPEL_ACCEPTE + RAPPEL_REFUS:
                rappel = heure(alea, quand.date() + timedelta(days=alea.randint(3, 12)))
                heapq.heappush(file, (rappel, 6, R.ACCEPTE if r < RAPPEL_ACCEPTE else R.REFUS))
        elif quoi in (R.ACCEPTE, R.REFUS):
            h.appel(quand, quoi, appelant)
    return h
