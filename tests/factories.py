"""factory_boy factories; geography factories reuse the official rows when they are loaded."""

import factory

from parcours.organisation.enums import CategoriePartenaire, Role
from parcours.organisation.models import (
    Agent,
    LieuAccueil,
    Organisme,
    Partenaire,
    Secteur,
    Unite,
)
from parcours.territoire.models import Commune, Departement, PseudoCanton, Region

MOT_DE_PASSE = "un-mot-de-passe-de-test"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "76"
    nom = "Occitanie"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "82"
    nom = "Tarn-et-Garonne"
    region = factory.SubFactory(RegionFactory)


class PseudoCantonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PseudoCanton
        django_get_or_create = ["code"]

    code = "8299"
    nom = "Montauban"
    type = "V"
    departement = factory.SubFactory(DepartementFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = "82121"
    nom = "Montauban"
    departement = factory.SubFactory(DepartementFactory)
    population = 60810
    latitude = 44.016124
    longitude = 1.352639
    pseudo_canton = factory.SubFactory(PseudoCantonFactory)


class OrganismeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    nom = factory.LazyAttribute(lambda o: f"Carsat {o.code}")
    region = factory.SubFactory(RegionFactory)


class UniteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unite

    code = factory.Sequence(lambda n: f"U{n}")
    nom = factory.LazyAttribute(lambda o: f"Unité {o.code}")
    organisme = factory.SubFactory(OrganismeFactory)
    departement = factory.SubFactory(DepartementFactory)


class LieuAccueilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LieuAccueil

    code = factory.Sequence(lambda n: f"LA{n}")
    nom = factory.LazyAttribute(lambda o: f"Permanence {o.code}")
    commune = factory.SubFactory(CommuneFactory)
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    unite = factory.SubFactory(UniteFactory)
    horaires = "Mardi 9 h – 12 h"


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        django_get_or_create = ["matricule"]
        skip_postgeneration_save = True

    matricule = factory.Sequence(lambda n: f"A{n:05d}")
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda o: f"{o.matricule.lower()}@exemple.invalid")
    role = Role.ASS
    unite = factory.SubFactory(UniteFactory)
    organisme = factory.LazyAttribute(lambda o: o.unite.organisme if o.unite else None)

    class Params:
        sans_unite = factory.Trait(unite=None)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or MOT_DE_PASSE)
        if create:
            self.save(update_fields=["password"])


class SecteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secteur

    nom = factory.Sequence(lambda n: f"Secteur {n}")
    unite = factory.SubFactory(UniteFactory)


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenaire
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PART{n}")
    nom = factory.LazyAttribute(lambda o: f"CPAM — MisaS {o.code}")
    categorie = CategoriePartenaire.CPAM_MISAS
    organisme = factory.SubFactory(OrganismeFactory)
