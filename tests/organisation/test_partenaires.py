"""The partner directory (issue 16, built where issue 12 first needs it): partenaires.csv, the
organisme's scope, and partner accounts tied to one structure."""

import pytest
from django.core.exceptions import ValidationError

from parcours.imports.engine import importer
from parcours.organisation.enums import CategoriePartenaire, Role
from parcours.organisation.models import Partenaire
from tests.factories import (
    AgentFactory,
    DepartementFactory,
    OrganismeFactory,
    PartenaireFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

PARTENAIRES = """code;nom;categorie;departement;email;telephone
CPAM82-MISAS;CPAM de Tarn-et-Garonne — MisaS;CPAM_MISAS;82;misas@cpam82.exemple.fr;05 63 00 00 01
ELSM82;Service médical de Montauban;service_medical;82;;
CES-MP;Centre d'examens de santé;CENTRE_EXAMENS_SANTE;;;0561000002
"""


def _etat():
    return sorted(
        Partenaire.objects.values_list(
            "code", "nom", "categorie", "organisme__code", "departement_id", "email", "telephone"
        )
    )


def test_an_administrator_imports_the_directory_of_their_organisme_twice():
    DepartementFactory()
    carsat = OrganismeFactory(code="CARSAT-MP")
    admin = AgentFactory(role=Role.ADMIN, unite=None, organisme=carsat)
    rapport = importer("partenaires", PARTENAIRES.encode(), acting_user=admin)
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == 3
    assert _etat() == [
        (
            "CES-MP",
            "Centre d'examens de santé",
            "CENTRE_EXAMENS_SANTE",
            "CARSAT-MP",
            None,
            "",
            "+33561000002",
        ),
        (
            "CPAM82-MISAS",
            "CPAM de Tarn-et-Garonne — MisaS",
            "CPAM_MISAS",
            "CARSAT-MP",
            "82",
            "misas@cpam82.exemple.fr",
            "+33563000001",
        ),
        ("ELSM82", "Service médical de Montauban", "SERVICE_MEDICAL", "CARSAT-MP", "82", "", ""),
    ]
    avant = _etat()
    encore = importer("partenaires", PARTENAIRES.encode(), acting_user=admin)
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 3)
    assert _etat() == avant


def test_the_operator_s_import_finds_the_organisme_from_the_departement():
    DepartementFactory()
    OrganismeFactory(code="CARSAT-MP")
    rapport = importer(
        "partenaires",
        b"code;nom;categorie;departement;email;telephone\nX;CCAS de Montauban;CCAS;82;;\n"
        b"Y;Sans territoire;CCAS;;;\n",
    )
    assert not rapport.accepte
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(3, "departement")]
    assert "l'organisme de la structure s'en déduit" in rapport.erreurs[0].message
    assert not Partenaire.objects.exists()


def test_three_bad_rows_are_named_and_nothing_is_written():
    DepartementFactory()
    DepartementFactory(code="67", nom="Bas-Rhin", region=RegionFactory(code="44", nom="Grand Est"))
    carsat = OrganismeFactory(code="CARSAT-MP")
    admin = AgentFactory(role=Role.ADMIN, unite=None, organisme=carsat)
    contenu = """code;nom;categorie;departement;email;telephone
OK;CCAS de Montauban;CCAS;82;;
X1;Catégorie inventée;MAIRIE;82;;
X2;Hors région;CCAS;67;;
X3;Téléphone faux;CCAS;82;;12
"""
    rapport = importer("partenaires", contenu.encode(), acting_user=admin)
    assert not rapport.accepte
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [
        (3, "categorie"),
        (4, "departement"),
        (5, "telephone"),
    ]
    assert "MAIRIE" in rapport.erreurs[0].message
    assert not Partenaire.objects.exists()


def test_another_organisme_s_structure_cannot_be_rewritten():
    DepartementFactory()
    autre = PartenaireFactory(code="CPAM82-MISAS", nom="Nom d'origine")
    admin = AgentFactory(role=Role.ADMIN, unite=None, organisme=OrganismeFactory(code="AUTRE"))
    rapport = importer("partenaires", PARTENAIRES.encode(), acting_user=admin)
    assert not rapport.accepte
    assert rapport.erreurs[0].colonne == "code"
    autre.refresh_from_db()
    assert autre.nom == "Nom d'origine"


def test_a_partner_account_speaks_for_one_structure_of_its_organisme():
    carsat = OrganismeFactory(code="CARSAT-MP")
    misas = PartenaireFactory(organisme=carsat, categorie=CategoriePartenaire.CPAM_MISAS)
    ailleurs = PartenaireFactory(organisme=OrganismeFactory(code="AUTRE"))
    compte = AgentFactory.build(role=Role.PARTENAIRE, unite=None, organisme=carsat)
    with pytest.raises(ValidationError) as erreur:
        compte.clean()
    assert "structure de l'annuaire" in str(erreur.value)
    compte.partenaire = ailleurs
    with pytest.raises(ValidationError, match="pas dans l'annuaire de l'organisme"):
        compte.clean()
    compte.partenaire = misas
    compte.clean()
    travailleuse = AgentFactory.build(role=Role.ASS, partenaire=misas)
    with pytest.raises(ValidationError, match="seul un compte partenaire"):
        travailleuse.clean()
