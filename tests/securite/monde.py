"""A small world for the walks over every URL: one object behind each URL argument, and the
identities an attacker could hold (after healthchecks' alice, bob, charlie).

Montauban (unit A of the test Carsat) holds a person's dossier: a signalement sent by a partner,
an open accompaniment and a closed one with their plan, an interview, an orientation. Alice,
Bastien and Chloé are its ass, csam and cadre; Octave is a social worker of the other unit; a
second Carsat has its own manager, steering user and partner.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from parcours.campagnes.enums import EtatCible
from parcours.campagnes.models import Campagne, Cible
from parcours.dossiers.models import Accompagnement, Assure, Signalement
from parcours.imports.models import Import
from parcours.messagerie.envois import lien_opposition
from parcours.observatoire import calculs
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent
from parcours.rendezvous import attente, jetons, liens
from parcours.rendezvous.models import Motif, Participation, PropositionAttente, RendezVous
from parcours.statistiques import rapport as rapports
from parcours.statistiques.models import RapportAnnuel, StatutRapport
from parcours.territoire.models import Commune
from tests.dossiers.factories import (
    AccompagnementFactory,
    ActionFactory,
    AssureFactory,
    EntretienFactory,
    ObjectifFactory,
    SignalementFactory,
)
from tests.factories import AgentFactory, LieuAccueilFactory, OrganismeFactory, UniteFactory
from tests.personas import Personas, creer_personas

IDENTITES = (
    "ass",
    "csam",
    "cadre",
    "pilotage",
    "partenaire",
    "admin",
    "ass_autre_unite",
    "cadre_autre_organisme",
    "pilotage_autre_organisme",
    "partenaire_autre",
    "anonyme",
)


@dataclass
class Monde:
    p: Personas
    identites: dict[str, Agent | None]
    assure: Assure
    signalement: Signalement
    acc: Accompagnement
    acc_clos: Accompagnement
    edition: RapportAnnuel
    journal_import: Import
    arguments: dict[str, list]


def jeton_opposition(personne_id: int) -> str:
    return lien_opposition(personne_id).rstrip("/").rsplit("/", 1)[1]


def creer_monde(*, observatoire_calcule: bool = True) -> Monde:
    p = creer_personas()
    ailleurs = OrganismeFactory(code="AUTRE-CARSAT", nom="Autre Carsat")
    unite_ailleurs = UniteFactory(code="U-AILLEURS", organisme=ailleurs)
    identites = {
        "ass": p.alice,
        "csam": p.bastien,
        "cadre": p.chloe,
        "pilotage": p.paula,
        "partenaire": p.pierre,
        "admin": p.adele,
        "ass_autre_unite": p.octave,
        "cadre_autre_organisme": AgentFactory(
            matricule="cadre-ailleurs", role=Role.CADRE, unite=unite_ailleurs
        ),
        "pilotage_autre_organisme": AgentFactory(
            matricule="pilote-ailleurs", role=Role.PILOTAGE, unite=None, organisme=ailleurs
        ),
        "partenaire_autre": AgentFactory(
            matricule="partenaire-2",
            role=Role.PARTENAIRE,
            unite=None,
            organisme=p.organisme,
            structure="Service social hospitalier",
        ),
        "anonyme": None,
    }
    debut = datetime.date(2025, 3, 10)
    assure = AssureFactory(nom="Vialaret", prenom="Jeanne")
    signalement = SignalementFactory(assure=assure, unite=p.unite, agent=p.alice, emetteur=p.pierre)
    acc = AccompagnementFactory(assure=assure, referent=p.alice, date_debut=debut)
    entretien = EntretienFactory(accompagnement=acc, date=debut)
    acc_clos = AccompagnementFactory(
        assure=assure,
        referent=p.alice,
        date_debut=datetime.date(2024, 1, 8),
        date_fin=datetime.date(2024, 6, 3),
        issue="OBJECTIFS_ATTEINTS",
    )
    objectif = ObjectifFactory(accompagnement=acc)
    action = ActionFactory(accompagnement=acc, objectif=objectif)
    orientation = acc.orientations.create(
        assure=assure, date=debut, partenaire="CPAM", motif="Droits", auteur=p.alice
    )
    lieu = LieuAccueilFactory(
        code="LA-MTB", unite=p.unite, commune=Commune.objects.get(code="82121")
    )
    rdv_passe, rdv_a_venir, lien, proposition = _rendez_vous(p, assure, lieu)
    if observatoire_calcule:
        calculs.calculer(p.organisme, calculs.Parametres(annee=2025))
    rapport = rapports.construire(p.organisme, 2025)
    edition = RapportAnnuel.objects.create(
        organisme=p.organisme,
        annee=2025,
        demande_par=p.paula,
        role_vue=Role.PILOTAGE,
        statut=StatutRapport.PRET,
        etape="Prêt",
        donnees=rapports.serialiser(rapport),
        html="<p>Rapport</p>",
        pdf=b"%PDF-1.4 rapport de test",
    )
    journal_import = Import.objects.create(type="assures", nom_fichier="a.csv", auteur=p.chloe)
    campagne, cible = _campagne_en_preparation(p, assure)
    campagne_validee, cible_a_contacter = _campagne_validee(p)
    arguments = {
        "activation": ["MQ", "jeton-invalide"],
        "imports:suivi": [journal_import.pk],
        "imports:progression": [journal_import.pk],
        "imports:modele": ["fragilite"],
        "campagnes:campagne": [campagne.pk],
        "campagnes:modifier": [campagne.pk],
        "campagnes:progression": [campagne.pk],
        "campagnes:poids": [campagne.pk],
        "campagnes:valider": [campagne.pk],
        "campagnes:cible_corriger": [cible.pk],
        "campagnes:cible_exclure": [cible.pk],
        "campagnes:cible_homonyme": [cible.pk],
        "campagnes:cible": [cible_a_contacter.pk],
        "campagnes:courriers": [campagne_validee.pk],
        "dossiers:signalement": [signalement.pk],
        "dossiers:dossier": [assure.pk],
        "dossiers:assure_modifier": [assure.pk],
        "dossiers:historique": [assure.pk],
        "dossiers:entretien_rapide": [assure.pk],
        "dossiers:refus_messages": [assure.pk],
        "rendezvous:prendre": [assure.pk],
        "rendezvous:constat": [rdv_passe.pk],
        "rendezvous:annuler": [rdv_a_venir.pk],
        "rendezvous:feuille": [lieu.pk],
        "rendezvous:feuille_pdf": [lieu.pk],
        "rendezvous:lien": [lien],
        "rendezvous:plus_tot": [proposition],
        "dossiers:entretien_corriger": [entretien.pk],
        "messagerie:opposition": [jeton_opposition(assure.pk)],
        "dossiers:accompagnement_ouvrir": [assure.pk],
        "dossiers:accompagnement": [acc.pk],
        "dossiers:accompagnement_rouvrir": [acc_clos.pk],
        "dossiers:action_basculer": [acc.pk, action.pk],
        "dossiers:objectif_basculer": [acc.pk, objectif.pk],
        "dossiers:orientation_reponse": [acc.pk, orientation.pk],
        "observatoire:couche": ["accessibilite"],
        "observatoire:carte": ["accessibilite"],
        "statistiques:export_csv": ["missions"],
        "statistiques:textes_rapport": [2025],
        "statistiques:rapport": [edition.pk],
        "statistiques:rapport_fichier": [edition.pk, "pdf"],
        "statistiques:rapport_csv": [edition.pk, "region", "missions"],
    }
    return Monde(
        p=p,
        identites=identites,
        assure=assure,
        signalement=signalement,
        acc=acc,
        acc_clos=acc_clos,
        edition=edition,
        journal_import=journal_import,
        arguments=arguments,
    )


def _rendez_vous(p: Personas, assure, lieu):
    """Alice's appointment of yesterday (to mark), one of next week (to cancel), a
    self-booking link and a freed slot proposed (their tokens)."""
    motif = Motif.objects.create(
        code="PREMIER",
        libelle="Premier rendez-vous",
        duree_minutes=45,
        reservable_par_la_personne=True,
    )
    maintenant = timezone.now().replace(microsecond=0)
    rendez_vous = []
    for quand in (maintenant - datetime.timedelta(days=1), maintenant + datetime.timedelta(days=7)):
        rdv = RendezVous.objects.create(
            assure=assure,
            motif=motif,
            lieu=lieu,
            salle=1,
            agent=p.alice,
            debut=quand,
            fin=quand + datetime.timedelta(minutes=45),
        )
        Participation.objects.create(rendez_vous=rdv, agent=p.alice, debut=rdv.debut, fin=rdv.fin)
        rendez_vous.append(rdv)
    _, url = liens.creer(assure, motifs=[motif], organisme=p.organisme)
    demande = attente.inscrire(assure, motif=motif, lieux=[lieu], rendez_vous=rendez_vous[1])
    jeton, empreinte = jetons.nouveau(attente.SEL)
    PropositionAttente.objects.create(
        demande=demande,
        jeton_hash=empreinte,
        agent=p.alice,
        lieu=lieu,
        debut=maintenant + datetime.timedelta(days=2),
        expire_le=maintenant + datetime.timedelta(days=1),
    )
    return rendez_vous[0], rendez_vous[1], url.rstrip("/").rsplit("/", 1)[1], jeton


def _campagne_en_preparation(p: Personas, assure) -> tuple[Campagne, Cible]:
    """A campaign of the test Carsat whose list is being worked: one row, of another NIR, with
    the person of the dossier proposed as a homonym."""
    campagne = Campagne.objects.create(
        organisme=p.organisme, code="ARRETS", nom="Arrêts de plus de 90 jours", cree_par=p.chloe
    )
    cible = Cible.objects.create(
        campagne=campagne,
        ligne=2,
        nir="284128212100296",
        nom=assure.nom,
        prenom=assure.prenom,
        commune="82121",
        etat=EtatCible.RETENUE,
        homonymes=[assure.pk],
    )
    return campagne, cible


def _campagne_validee(p: Personas) -> tuple[Campagne, Cible]:
    """A validated campaign of the test Carsat, by phone and letter: one row on the work list
    of Montauban, assigned to no one in particular."""
    campagne = Campagne.objects.create(
        organisme=p.organisme,
        code="ARRETS-VALIDEE",
        nom="Arrêts de plus de 90 jours (validée)",
        canaux=["TELEPHONE", "COURRIER"],
        statut="VALIDEE",
        valide_par=p.chloe,
        valide_le=timezone.now(),
    )
    cible = Cible.objects.create(
        campagne=campagne,
        ligne=2,
        nir="184128212100393",
        nom="Castan",
        prenom="Louis",
        commune="82121",
        etat=EtatCible.RETENUE,
        unite=p.unite,
    )
    return campagne, cible
