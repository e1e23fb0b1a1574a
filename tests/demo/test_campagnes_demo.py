"""The demo Carsat's outreach campaigns (issue 15): a past list worked to its end, with a funnel
that decreases stage by stage above the secrecy threshold, and a current one on the demo agents'
work lists — consistent as if worked one action at a time."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.campagnes import contacts, perms
from parcours.campagnes.analyse import score
from parcours.campagnes.enums import (
    EtatCible,
    Exclusion,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.demo.campagnes import campagnes_presentes, generer_campagnes
from parcours.demo.historique import generer_historique
from parcours.demo.organisation import generer_demo
from parcours.demo.rendezvous import generer_rendezvous
from parcours.dossiers.enums import SourceSignalement
from parcours.organisation.models import Agent
from parcours.rendezvous.creneaux import PARIS
from parcours.rendezvous.enums import STATUTS_ANNULES, OrigineRendezVous, StatutRendezVous
from parcours.rendezvous.models import RendezVous
from parcours.statistiques.detection import calculer
from parcours.statistiques.indicateurs import Perimetre

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    organisme = generer_demo()
    generer_historique(organisme, jours=200)  # the June list names persons known then
    generer_rendezvous(organisme)
    bilans = generer_campagnes(organisme)
    passee = Campagne.objects.filter(statut=StatutCampagne.CLOSE).latest("valide_le")
    en_cours = Campagne.objects.get(statut=StatutCampagne.VALIDEE)
    return organisme, bilans, passee, en_cours


def test_the_past_campaign_went_through_every_step_and_its_funnel_decreases(demo):
    organisme, bilans, passee, _ = demo
    assert len(bilans) == Campagne.objects.count() == 3
    maintenant = timezone.now()
    assert maintenant - timedelta(days=155) < passee.valide_le < maintenant - timedelta(days=145)
    assert passee.nom.startswith("Arrêts de travail de plus de 90 jours — ")
    assert (passee.source, passee.mission.code) == ("ARRET_90J", "PDP")
    cibles = Cible.objects.filter(campagne=passee)
    assert cibles.count() == 400
    # Errors corrected or excluded by hand (which keeps them), an exclusion of every reason.
    assert not cibles.filter(etat=EtatCible.ERREUR).exists()
    manuelles = cibles.filter(exclusion=Exclusion.MANUELLE)
    assert manuelles.exists() and all(c.erreurs for c in manuelles)
    assert set(cibles.values_list("exclusion", flat=True)) == {"", *Exclusion.values}
    assert not cibles.filter(etat=EtatCible.RETENUE).exclude(exclusion="").exists()
    # Attempts of every kind, during the six weeks the list was worked.
    tentatives = Tentative.objects.filter(cible__campagne=passee)
    assert set(tentatives.values_list("resultat", flat=True)) == set(ResultatTentative.values)
    assert not tentatives.filter(quand__lt=passee.valide_le).exists()
    assert not tentatives.filter(quand__gt=passee.valide_le + timedelta(days=43)).exists()
    expirees = cibles.filter(suivi=SuiviCible.EXPIREE)
    assert expirees.exists()
    assert not expirees.exclude(tentatives__resultat=ResultatTentative.EXPIRATION).exists()
    assert not cibles.filter(invitee_le__isnull=False, lien__isnull=True).exists()
    # The funnel, as the statistics count it: decreasing, no stage masked.
    bilan = calculer(timezone.localtime(passee.valide_le).year, Perimetre(organisme))
    (groupe,) = [g for g in bilan.groupes("campagne") if g.libelle == passee.nom]
    e = groupe.entonnoir
    etapes = [
        e.ciblees,
        e.retenues,
        e.contactees,
        e.jointes,
        e.acceptantes,
        e.rdv_honores,
        e.accompagnements_ouverts,
    ]
    assert etapes == sorted(etapes, reverse=True) and len(set(etapes)) == 7
    assert etapes[-1] >= 11
    # Each acceptance: a signalement « liste de ciblage », triaged, and its appointments.
    acceptantes = cibles.filter(suivi=SuiviCible.ACCEPTE).select_related("signalement")
    assert {c.signalement.source for c in acceptantes} == {SourceSignalement.LISTE_CIBLEE}
    rdvs = RendezVous.objects.filter(signalement__in=[c.signalement_id for c in acceptantes])
    assert {r.statut for r in rdvs} == {
        StatutRendezVous.VU,
        StatutRendezVous.ABSENT,
        StatutRendezVous.EXCUSE,
    }
    assert {r.origine for r in rdvs} == {OrigineRendezVous.AGENT, OrigineRendezVous.LIEN}
    for cible in acceptantes.filter(rendez_vous__isnull=False):
        assert cible.rendez_vous.origine == OrigineRendezVous.LIEN
    for rdv in rdvs.select_related("entretien", "signalement__accompagnement"):
        jour = timezone.localtime(rdv.debut, PARIS).date()
        if rdv.statut == StatutRendezVous.VU:  # as `constater` records it
            e = rdv.entretien
            assert (e.date, e.agent_id, e.duree_minutes) == (jour, rdv.agent_id, 45)
            accompagnement = rdv.signalement.accompagnement
            assert e.accompagnement_id == (accompagnement.pk if accompagnement else None)
        else:
            assert rdv.entretien is None
    _sans_double_reservation()


def _sans_double_reservation():
    par_agent = defaultdict(list)
    for rdv in RendezVous.objects.exclude(statut__in=STATUTS_ANNULES):
        par_agent[rdv.agent_id].append(rdv)
    for liste in par_agent.values():
        liste.sort(key=lambda r: r.debut)
        assert all(a.fin <= b.debut for a, b in zip(liste, liste[1:], strict=False))


def test_the_current_campaign_is_on_the_demo_agents_work_lists_by_priority(demo):
    organisme, _, _, en_cours = demo
    assert timezone.now() - en_cours.valide_le < timedelta(days=7)
    retenues = Cible.objects.filter(campagne=en_cours, etat=EtatCible.RETENUE)
    poids = en_cours.poids_effectifs()
    assert all(c.score == score(c.contributions, poids) for c in retenues)
    ass, csam = Agent.objects.get(matricule="demo-ass"), Agent.objects.get(matricule="demo-csam")
    # Her sector's rows to the demo social worker, the unit's list to the 36 46.
    assert retenues.filter(agent=ass).exists()
    assert retenues.filter(agent__isnull=True, unite=csam.unite).exists()
    for agent in (ass, csam):
        liste = list(contacts.a_contacter(agent) & perms.cibles_a_contacter(agent))
        assert len(liste) > 20
        assert [c.score for c in liste] == sorted((c.score for c in liste), reverse=True)
        assert len({c.score for c in liste}) > 2
        suivis = [c.suivi for c in liste]
        # Mostly to contact (no mobile nor e-mail, or not yet called), some invited.
        assert suivis.count(SuiviCible.A_CONTACTER) > suivis.count(SuiviCible.INVITEE) > 0
    # The first calls went by priority; acceptances have their appointment ahead, or are to
    # book from their signalement.
    assert Tentative.objects.filter(
        cible__campagne=en_cours, resultat=ResultatTentative.ACCEPTE
    ).exists()
    rdvs = RendezVous.objects.filter(signalement__cibles__campagne=en_cours)
    assert rdvs.exists() and {r.statut for r in rdvs} == {StatutRendezVous.PREVU}
    assert all(r.debut > timezone.now() for r in rdvs)
    _sans_double_reservation()
    # Made once.
    assert campagnes_presentes(organisme)
    avant = (Campagne.objects.count(), Cible.objects.count(), Tentative.objects.count())
    assert generer_campagnes(organisme) == []
    assert (Campagne.objects.count(), Cible.objects.count(), Tentative.objects.count()) == avant
