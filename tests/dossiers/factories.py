"""Factories of dossiers: persons with valid NIRs, signalements, accompaniments, interviews."""

import datetime

import factory
from stdnum.fr import nir as stdnum_nir

from parcours.dossiers.enums import ModeEntretien, SourceSignalement
from parcours.dossiers.models import (
    Accompagnement,
    Action,
    Assure,
    Entretien,
    Mission,
    Objectif,
    Signalement,
)
from parcours.lib.texte import normaliser
from tests.factories import AgentFactory, CommuneFactory


def _nir(n):
    # Sequence-unique NIRs: the commune part carries the thousands, the order number the rest.
    base = f"2{85 + n % 10:02d}{(n // 10) % 12 + 1:02d}82{(n // 1000) % 1000:03d}{n % 1000:03d}"
    return base + stdnum_nir.calc_check_digits(base)


def mission(code: str = "PDP") -> Mission:
    return Mission.objects.get(code=code)


class AssureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assure
        django_get_or_create = ["nir"]

    nir = factory.Sequence(_nir)
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    recherche = factory.LazyAttribute(lambda o: normaliser(f"{o.nom} {o.prenom}"))
    date_naissance = datetime.date(1985, 5, 12)
    sexe = "F"
    commune = factory.SubFactory(CommuneFactory)


class SignalementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signalement

    ref = factory.Sequence(lambda n: f"S{n:06d}")
    assure = factory.SubFactory(AssureFactory)
    date = datetime.date(2025, 3, 1)
    source = SourceSignalement.SERVICE_MEDICAL
    motif = "Arrêt de travail de plus de 90 jours"
    unite = factory.SubFactory("tests.factories.UniteFactory")


class AccompagnementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accompagnement

    ref = factory.Sequence(lambda n: f"A{n:06d}")
    assure = factory.SubFactory(AssureFactory)
    mission = factory.LazyFunction(lambda: mission("PDP"))
    date_debut = datetime.date(2025, 3, 10)
    referent = factory.SubFactory(AgentFactory)
    unite = factory.LazyAttribute(lambda o: o.referent.unite)


class EntretienFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entretien

    ref = factory.Sequence(lambda n: f"E{n:07d}")
    accompagnement = factory.SubFactory(AccompagnementFactory)
    assure = factory.LazyAttribute(lambda o: o.accompagnement.assure)
    date = factory.LazyAttribute(lambda o: o.accompagnement.date_debut)
    mode = ModeEntretien.TELEPHONE
    agent = factory.LazyAttribute(lambda o: o.accompagnement.referent)
    unite = factory.LazyAttribute(lambda o: o.accompagnement.unite)
    notes = "Notes confidentielles de l'entretien"


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objectif

    accompagnement = factory.SubFactory(AccompagnementFactory)
    libelle = "Préparer la reprise"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    accompagnement = factory.SubFactory(AccompagnementFactory)
    libelle = "Contacter le médecin du travail"


MISSIONS_PAR_DEFAUT = [
    ("PARCOURS_SANTE", "Sécuriser le parcours en santé", "SANTE", 1),
    ("PDP", "Prévenir la désinsertion professionnelle", "EMPLOYABILITE", 2),
    ("RETOUR_DOMICILE", "Stabiliser le retour à domicile après hospitalisation", "SANTE", 3),
    ("PASSAGE_RETRAITE", "Prévention en santé lors du passage à la retraite", "SANTE", 4),
]


def creer_missions() -> None:
    """The default referential, for transactional tests (which empty the data migration's rows)."""
    for code, libelle, axe, ordre in MISSIONS_PAR_DEFAUT:
        Mission.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "axe": axe, "ordre": ordre}
        )
