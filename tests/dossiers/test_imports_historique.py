"""The four history imports of DESIGN §5 (assures, accompagnements, entretiens, signalements):
a good file, a file with three bad rows (all three reported, nothing written), the same good file
twice (nothing changes the second time). Messages never repeat a NIR or a name."""

import datetime
from datetime import date

import pytest
from django.utils import timezone
from stdnum.fr import nir as stdnum_nir

from parcours.dossiers.enums import StatutSignalement
from parcours.dossiers.models import Accompagnement, Assure, Entretien, Signalement
from parcours.imports.engine import importer
from parcours.imports.models import Import
from parcours.organisation.models import Unite
from parcours.territoire.models import Commune
from tests.dossiers.factories import AccompagnementFactory, AssureFactory, mission
from tests.factories import LieuAccueilFactory, SecteurFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def _nir(base: str) -> str:
    """A valid NIR: 13 characters and their key."""
    nir = base + stdnum_nir.calc_check_digits(base)
    assert stdnum_nir.is_valid(nir)
    return nir


def _mauvaise_cle(nir: str) -> str:
    """The same NIR with a wrong key."""
    cle = (int(nir[-2:]) + 1) % 97 or 1
    return f"{nir[:-2]}{cle:02d}"


def _espace(nir: str) -> str:
    """The NIR as printed on a card: 2 85 05 82 121 045 27."""
    return stdnum_nir.format(nir)


# Persons of the history files: a woman of Montauban, a man of Castelsarrasin, a man of Ajaccio
# (Corsica, département 2A), a woman of Toulouse (no unit in Haute-Garonne).
NIR_CLAIRE = _nir("2850582121045")
NIR_KARIM = _nir("1790382033012")
NIR_CORSE = _nir("185052A004123")
NIR_HELENE = _nir("2920131555007")

NOMS = ("Durand", "Claire", "Benali", "Karim", "Santoni", "Paul-Antoine", "Lefèvre-d'Arc", "Hélène")
NIRS = (NIR_CLAIRE, NIR_KARIM, NIR_CORSE, NIR_HELENE)


def _demain() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _etat(modele) -> list[tuple]:
    return list(modele.objects.order_by("pk").values_list())


def _verifier_erreurs(rapport, attendues: list[tuple[int, str]]) -> None:
    assert not rapport.accepte
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == attendues
    for erreur in rapport.erreurs:
        assert erreur.message
        texte = str(erreur).lower()
        for nir in NIRS:
            for forme in (nir, nir[:13], _mauvaise_cle(nir), _espace(nir)):
                assert forme.lower() not in texte, erreur
        for nom in NOMS:
            assert nom.lower() not in texte, erreur


def _importer_deux_fois(type_: str, contenu: str, modele, lignes: int) -> None:
    premier = importer(type_, contenu.encode())
    assert premier.accepte, premier.erreurs
    avant = _etat(modele)
    second = importer(type_, contenu.encode())
    assert second.accepte, second.erreurs
    assert (second.crees, second.modifies, second.inchanges) == (0, 0, lignes)
    assert _etat(modele) == avant


@pytest.fixture
def personas():
    return creer_personas()


def _commune(code: str) -> Commune:
    return Commune.objects.get(code=code)


@pytest.fixture
def assures(personas):
    """The persons, as assures.csv would have brought them."""
    return {
        "claire": AssureFactory(
            nir=NIR_CLAIRE, nom="Durand", prenom="Claire", commune=_commune("82121")
        ),
        "karim": AssureFactory(
            nir=NIR_KARIM, nom="Benali", prenom="Karim", sexe="M", commune=_commune("82033")
        ),
        "corse": AssureFactory(
            nir=NIR_CORSE, nom="Santoni", prenom="Paul-Antoine", sexe="M", commune=_commune("2A004")
        ),
        "helene": AssureFactory(
            nir=NIR_HELENE, nom="Lefèvre-d'Arc", prenom="Hélène", commune=_commune("31555")
        ),
    }


@pytest.fixture
def accompagnements(personas, assures):
    """Claire's accompaniment in Montauban (closed), Karim's in Castelsarrasin (open)."""
    return {
        "claire": AccompagnementFactory(
            ref="ACC-2024-001",
            assure=assures["claire"],
            mission=mission("PDP"),
            date_debut=date(2024, 1, 15),
            date_fin=date(2024, 6, 30),
            issue="REPRISE_POSTE",
            referent=personas.alice,
        ),
        "karim": AccompagnementFactory(
            ref="ACC-2024-002",
            assure=assures["karim"],
            mission=mission("PARCOURS_SANTE"),
            date_debut=date(2024, 2, 3),
            referent=personas.octave,
        ),
    }


# assures.csv ----------------------------------------------------------------------------------

ASSURES = f"""nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email
{_espace(NIR_CLAIRE)};Durand;Claire;12/05/1985;F;82121;5 rue Cladel;0563000001;C.Durand@exemple.fr
{NIR_KARIM};Benali;Karim;1979-03-02;m;82033;;;
{NIR_CORSE};Santoni;Paul-Antoine;1985-05-20;M;2a004;Cours Napoléon;;
{NIR_HELENE};Lefèvre-d'Arc;Hélène;01/01/1992;F;31555;;06 12 34 56 78;
"""


def test_assures_good_file():
    avant = Assure.objects.count()
    rapport = importer("assures", ASSURES.encode())
    assert rapport.accepte, rapport.erreurs
    assert (rapport.lignes, rapport.crees, rapport.modifies) == (4, 4, 0)
    assert Assure.objects.count() == avant + 4
    claire = Assure.objects.get(nir=NIR_CLAIRE)
    assert len(claire.nir) == 15 and " " not in claire.nir
    assert (claire.nom, claire.prenom, claire.recherche) == ("Durand", "Claire", "DURAND CLAIRE")
    assert (claire.date_naissance, claire.sexe, claire.commune_id) == (
        date(1985, 5, 12),
        "F",
        "82121",
    )
    assert (claire.adresse, claire.telephone, claire.email) == (
        "5 rue Cladel",
        "+33563000001",  # normalised (E.164)
        "c.durand@exemple.fr",
    )
    karim = Assure.objects.get(nir=NIR_KARIM)
    assert (karim.sexe, karim.date_naissance, karim.email) == ("M", date(1979, 3, 2), "")
    corse = Assure.objects.get(nir=NIR_CORSE)
    assert corse.nir[5:7] == "2A"
    assert (corse.recherche, corse.commune_id) == ("SANTONI PAUL ANTOINE", "2A004")
    assert Assure.objects.get(nir=NIR_HELENE).recherche == "LEFEVRE D ARC HELENE"
    assert Import.objects.get(type="assures").statut == "ACCEPTE"


def test_assures_three_bad_rows_write_nothing():
    AssureFactory()
    avant = Assure.objects.count()
    contenu = f"""nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email
{NIR_CLAIRE};Durand;Claire;12/05/1985;F;82121;;;
{_mauvaise_cle(NIR_KARIM)};Benali;Karim;1979-03-02;M;82033;;;
{NIR_CORSE};Santoni;Paul-Antoine;1985-05-20;M;99999;;;
{NIR_HELENE};Lefèvre-d'Arc;Hélène;31/02/1992;F;31555;;;
"""
    rapport = importer("assures", contenu.encode())
    _verifier_erreurs(rapport, [(3, "nir"), (4, "commune"), (5, "date_naissance")])
    assert "clé" in rapport.erreurs[0].message
    assert Assure.objects.count() == avant
    assert Import.objects.get(type="assures").statut == "REJETE"


def test_assures_same_nir_twice_in_file_is_refused():
    contenu = f"""nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email
{NIR_CLAIRE};Durand;Claire;12/05/1985;F;82121;;;
{_espace(NIR_CLAIRE)};Durand;Claire;12/05/1985;F;82121;;;
"""
    rapport = importer("assures", contenu.encode())
    _verifier_erreurs(rapport, [(3, "nir")])
    assert "ligne 2" in rapport.erreurs[0].message
    assert not Assure.objects.filter(nir=NIR_CLAIRE).exists()


def test_assures_birth_date_in_the_future_is_refused():
    contenu = f"""nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email
{NIR_CLAIRE};Durand;Claire;{_demain()};F;82121;;;
"""
    rapport = importer("assures", contenu.encode())
    _verifier_erreurs(rapport, [(2, "date_naissance")])
    assert "futur" in rapport.erreurs[0].message


def test_assures_same_file_twice_changes_nothing():
    _importer_deux_fois("assures", ASSURES, Assure, 4)


def test_assures_changed_name_is_updated_with_its_search_key():
    importer("assures", ASSURES.encode())
    rapport = importer("assures", ASSURES.replace("Durand;Claire", "Durand-Vidal;Claire").encode())
    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 1, 3)
    assert Assure.objects.get(nir=NIR_CLAIRE).recherche == "DURAND VIDAL CLAIRE"


def test_assures_comma_separator_bom_and_both_date_forms():
    contenu = (
        "nir,nom,prenom,date_naissance,sexe,commune,adresse,telephone,email\n"
        f'{NIR_CLAIRE},Durand,Claire,12/05/1985,F,82121,"5, rue de la République",,\n'
        f"{NIR_KARIM},Benali,Karim,1979-03-02,M,82033,,,\n"
    )
    rapport = importer("assures", b"\xef\xbb\xbf" + contenu.encode())
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == 2
    claire = Assure.objects.get(nir=NIR_CLAIRE)
    assert (claire.date_naissance, claire.adresse) == (date(1985, 5, 12), "5, rue de la République")
    assert Assure.objects.get(nir=NIR_KARIM).date_naissance == date(1979, 3, 2)


# accompagnements.csv --------------------------------------------------------------------------

ACCOMPAGNEMENTS = f"""ref;nir;mission;date_debut;date_fin;issue;agent;unite
ACC-2024-001;{_espace(NIR_CLAIRE)};PDP;2024-01-15;30/06/2024;REPRISE_POSTE;alice;U-MONTAUBAN
ACC-2024-002;{NIR_KARIM};PARCOURS_SANTE;03/02/2024;;;octave;U-CASTEL
ACC-2024-003;{NIR_CORSE};RETOUR_DOMICILE;2024-03-01;2024-03-01;objectifs_atteints;alice;U-MONTAUBAN
ACC-2024-004;{NIR_HELENE};PASSAGE_RETRAITE;2024-04-10;;;chloe;U-MONTAUBAN
"""


def test_accompagnements_good_file(personas, assures):
    rapport = importer("accompagnements", ACCOMPAGNEMENTS.encode())
    assert rapport.accepte, rapport.erreurs
    assert (rapport.lignes, rapport.crees) == (4, 4)
    claire = Accompagnement.objects.select_related("mission").get(ref="ACC-2024-001")
    assert claire.assure_id == assures["claire"].pk
    assert claire.mission.code == "PDP"
    assert (claire.date_debut, claire.date_fin, claire.issue) == (
        date(2024, 1, 15),
        date(2024, 6, 30),
        "REPRISE_POSTE",
    )
    assert (claire.referent_id, claire.unite_id) == (personas.alice.pk, personas.unite.pk)
    karim = Accompagnement.objects.select_related("mission").get(ref="ACC-2024-002")
    assert karim.assure_id == assures["karim"].pk
    assert (karim.mission.code, karim.date_debut, karim.date_fin, karim.issue) == (
        "PARCOURS_SANTE",
        date(2024, 2, 3),
        None,
        "",
    )
    assert (karim.referent_id, karim.unite_id) == (personas.octave.pk, personas.autre_unite.pk)
    corse = Accompagnement.objects.get(ref="ACC-2024-003")
    assert (corse.assure_id, corse.issue) == (assures["corse"].pk, "OBJECTIFS_ATTEINTS")
    assert Accompagnement.objects.get(ref="ACC-2024-004").referent_id == personas.chloe.pk


def test_accompagnements_three_bad_rows_write_nothing(personas, assures):
    avant = Accompagnement.objects.count()
    contenu = f"""ref;nir;mission;date_debut;date_fin;issue;agent;unite
ACC-2024-001;{NIR_CLAIRE};PDP;2024-01-15;;;alice;U-MONTAUBAN
ACC-2024-002;{_mauvaise_cle(NIR_KARIM)};PDP;2024-01-15;;;alice;U-MONTAUBAN
ACC-2024-003;{NIR_CORSE};MISSION_INCONNUE;2024-01-15;;;alice;U-MONTAUBAN
ACC-2024-004;{NIR_HELENE};PDP;2024-06-01;2024-05-01;REPRISE_POSTE;alice;U-MONTAUBAN
"""
    rapport = importer("accompagnements", contenu.encode())
    _verifier_erreurs(rapport, [(3, "nir"), (4, "mission"), (5, "date_fin")])
    assert "MISSION_INCONNUE" in rapport.erreurs[1].message
    assert Accompagnement.objects.count() == avant


@pytest.mark.parametrize(
    ("ligne", "colonne"),
    [
        ("{nir};PDP;{demain};;;alice;U-MONTAUBAN", "date_debut"),
        ("{nir};PDP;2024-01-15;2024-06-30;;alice;U-MONTAUBAN", "issue"),
        ("{nir};PDP;2024-01-15;;REPRISE_POSTE;alice;U-MONTAUBAN", "date_fin"),
        ("{nir};PDP;2024-01-15;;;inconnu;U-MONTAUBAN", "agent"),
        ("{nir};PDP;2024-01-15;;;alice;U-INCONNUE", "unite"),
        ("{autre_nir};PDP;2024-01-15;;;alice;U-MONTAUBAN", "nir"),
    ],
    ids=["future", "closed-without-issue", "issue-without-closing", "agent", "unit", "unknown-nir"],
)
def test_accompagnements_bad_row_is_reported(personas, assures, ligne, colonne):
    contenu = "ref;nir;mission;date_debut;date_fin;issue;agent;unite\nACC-X;" + ligne.format(
        nir=NIR_CLAIRE, demain=_demain(), autre_nir=_nir("2900782121001")
    )
    rapport = importer("accompagnements", contenu.encode())
    _verifier_erreurs(rapport, [(2, colonne)])
    assert not Accompagnement.objects.exists()


def test_accompagnements_same_file_twice_changes_nothing(personas, assures):
    _importer_deux_fois("accompagnements", ACCOMPAGNEMENTS, Accompagnement, 4)


# entretiens.csv -------------------------------------------------------------------------------

ENTRETIENS = f"""ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule
ENT-001;ACC-2024-001;{NIR_CLAIRE};2024-01-20;LIEU_ACCUEIL;LA-MTB;alice;45;non
ENT-002;ACC-2024-001;{_espace(NIR_CLAIRE)};12/03/2024;telephone;;alice;;oui
ENT-003;;{NIR_KARIM};2024-04-02;DOMICILE;;alice;30;1
ENT-004;ACC-2024-002;{NIR_KARIM};2024-02-10;VISIO;;chloe;20;0
ENT-005;;{NIR_CORSE};2024-05-05;AUTRE;;octave;;
ENT-006;ACC-2024-001;{NIR_CLAIRE};30/06/2024;TELEPHONE;;alice;15;NON
"""


@pytest.fixture
def lieu(personas):
    return LieuAccueilFactory(code="LA-MTB", nom="Agence de Montauban", unite=personas.unite)


def test_entretiens_good_file(personas, assures, accompagnements, lieu):
    rapport = importer("entretiens", ENTRETIENS.encode())
    assert rapport.accepte, rapport.erreurs
    assert (rapport.lignes, rapport.crees) == (6, 6)
    acc_claire, acc_karim = accompagnements["claire"], accompagnements["karim"]
    premier = Entretien.objects.get(ref="ENT-001")
    assert (premier.accompagnement_id, premier.assure_id) == (acc_claire.pk, assures["claire"].pk)
    assert (premier.date, premier.mode, premier.lieu_accueil_id) == (
        date(2024, 1, 20),
        "LIEU_ACCUEIL",
        lieu.pk,
    )
    assert (premier.agent_id, premier.duree_minutes, premier.annule) == (
        personas.alice.pk,
        45,
        False,
    )
    assert premier.unite_id == personas.unite.pk
    second = Entretien.objects.get(ref="ENT-002")
    assert (second.date, second.mode, second.duree_minutes, second.annule) == (
        date(2024, 3, 12),
        "TELEPHONE",
        None,
        True,
    )
    # An intervention ponctuelle counts in the interviewing agent's unit.
    ponctuelle = Entretien.objects.get(ref="ENT-003")
    assert (ponctuelle.accompagnement_id, ponctuelle.assure_id) == (None, assures["karim"].pk)
    assert (ponctuelle.unite_id, ponctuelle.annule) == (personas.unite.pk, True)
    # An interview of an accompaniment counts in the accompaniment's unit, whoever held it.
    binome = Entretien.objects.get(ref="ENT-004")
    assert (binome.accompagnement_id, binome.agent_id) == (acc_karim.pk, personas.chloe.pk)
    assert (binome.unite_id, binome.annule) == (personas.autre_unite.pk, False)
    corse = Entretien.objects.get(ref="ENT-005")
    assert (corse.accompagnement_id, corse.unite_id, corse.annule) == (
        None,
        personas.autre_unite.pk,
        False,
    )
    # The closing day is still within the accompaniment.
    assert Entretien.objects.get(ref="ENT-006").date == acc_claire.date_fin


def test_entretiens_three_bad_rows_write_nothing(personas, assures, accompagnements, lieu):
    avant = Entretien.objects.count()
    contenu = f"""ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule
ENT-001;ACC-2024-001;{NIR_CLAIRE};2024-01-20;TELEPHONE;;alice;45;non
ENT-002;ACC-2024-001;{NIR_CLAIRE};2024-01-10;TELEPHONE;;alice;30;non
ENT-003;ACC-2024-001;{NIR_KARIM};2024-02-01;TELEPHONE;;alice;30;non
ENT-004;ACC-INCONNU;{NIR_CLAIRE};2024-02-01;TELEPHONE;;alice;30;non
"""
    rapport = importer("entretiens", contenu.encode())
    _verifier_erreurs(rapport, [(3, "date"), (4, "nir"), (5, "accompagnement")])
    assert "15/01/2024" in rapport.erreurs[0].message
    assert "ACC-INCONNU" in rapport.erreurs[2].message
    assert Entretien.objects.count() == avant


@pytest.mark.parametrize(
    ("ligne", "colonne"),
    [
        ("ACC-2024-001;{claire};2024-07-01;TELEPHONE;;alice;;", "date"),
        (";{claire};{demain};TELEPHONE;;alice;;", "date"),
        (";{claire};2024-02-01;TELEPHONE;;inconnu;;", "agent"),
        (";{claire};2024-02-01;TELEPHONE;LA-INCONNU;alice;;", "lieu_accueil"),
        (";{claire};2024-02-01;PIGEON;;alice;;", "mode"),
        (";{claire};2024-02-01;TELEPHONE;;alice;;peut-être", "annule"),
        (";{claire};2024-02-01;TELEPHONE;;alice;0;", "duree_minutes"),
        (";{claire_mauvaise_cle};2024-02-01;TELEPHONE;;alice;;", "nir"),
    ],
    ids=[
        "after-closing",
        "future",
        "agent",
        "place",
        "mode",
        "cancelled",
        "duration",
        "nir-key",
    ],
)
def test_entretiens_bad_row_is_reported(personas, assures, accompagnements, lieu, ligne, colonne):
    contenu = (
        "ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule\nENT-X;"
        + ligne.format(
            claire=NIR_CLAIRE, demain=_demain(), claire_mauvaise_cle=_mauvaise_cle(NIR_CLAIRE)
        )
    )
    rapport = importer("entretiens", contenu.encode())
    _verifier_erreurs(rapport, [(2, colonne)])
    assert not Entretien.objects.exists()


def test_entretiens_same_file_twice_changes_nothing(personas, assures, accompagnements, lieu):
    _importer_deux_fois("entretiens", ENTRETIENS, Entretien, 6)


# signalements.csv -----------------------------------------------------------------------------

SIGNALEMENTS = f"""ref;nir;date;source;motif;mission;commentaire
SIG-001;{NIR_CLAIRE};2024-01-05;SERVICE_MEDICAL;Arrêt de travail de plus de 90 jours;PDP;
SIG-002;{_espace(NIR_KARIM)};03/02/2024;cpam_misas;Difficultés d'accès aux soins;;Appel du 3 février
SIG-003;{NIR_CLAIRE};2024-09-01;ASSURE;Demande d'aide au retour à domicile;RETOUR_DOMICILE;
SIG-004;{NIR_HELENE};2024-03-01;SERVICE_SOCIAL_HOSPITALIER;Sortie d'hospitalisation;;
"""


@pytest.fixture
def secteurs(personas):
    """Montauban's sector names Alice; Castelsarrasin's covers the town for the whole unit.

    Without them, both towns would go to the first unit of Tarn-et-Garonne by code (U-CASTEL).
    """
    montauban = SecteurFactory(nom="Montauban centre", unite=personas.unite, agent=personas.alice)
    montauban.communes.add("82121")
    castel = SecteurFactory(nom="Castelsarrasin", unite=personas.autre_unite)
    castel.communes.add("82033")


def test_signalements_good_file(personas, assures, accompagnements, secteurs):
    rapport = importer("signalements", SIGNALEMENTS.encode())
    assert rapport.accepte, rapport.erreurs
    assert (rapport.lignes, rapport.crees) == (4, 4)
    premier = Signalement.objects.select_related("mission").get(ref="SIG-001")
    assert (premier.assure_id, premier.date, premier.source) == (
        assures["claire"].pk,
        date(2024, 1, 5),
        "SERVICE_MEDICAL",
    )
    assert (premier.motif, premier.mission.code, premier.commentaire) == (
        "Arrêt de travail de plus de 90 jours",
        "PDP",
        "",
    )
    # Routed by the sector covering the person's commune.
    assert (premier.unite_id, premier.agent_id) == (personas.unite.pk, personas.alice.pk)
    # Followed by Claire's accompaniment, opened ten days later.
    assert premier.statut == StatutSignalement.ACCOMPAGNEMENT_OUVERT
    assert premier.accompagnement_id == accompagnements["claire"].pk
    second = Signalement.objects.get(ref="SIG-002")
    assert (second.source, second.mission_id, second.commentaire) == (
        "CPAM_MISAS",
        None,
        "Appel du 3 février",
    )
    assert (second.unite_id, second.agent_id) == (personas.autre_unite.pk, None)
    # An accompaniment opened the same day settles it too.
    assert second.statut == StatutSignalement.ACCOMPAGNEMENT_OUVERT
    assert second.accompagnement_id == accompagnements["karim"].pk
    # Claire's later request came after her accompaniment: still to be triaged.
    troisieme = Signalement.objects.get(ref="SIG-003")
    assert (troisieme.statut, troisieme.accompagnement_id) == (StatutSignalement.A_TRAITER, None)
    assert troisieme.unite_id == personas.unite.pk
    # Toulouse: no sector and no unit in Haute-Garonne.
    toulouse = Signalement.objects.get(ref="SIG-004")
    assert (toulouse.unite_id, toulouse.agent_id, toulouse.statut) == (
        None,
        None,
        StatutSignalement.A_TRAITER,
    )


def test_signalements_without_sector_go_to_a_unit_of_the_departement(personas, assures):
    contenu = f"""ref;nir;date;source;motif;mission;commentaire
SIG-001;{NIR_CLAIRE};2024-01-05;SERVICE_MEDICAL;Arrêt de travail de plus de 90 jours;;
"""
    rapport = importer("signalements", contenu.encode())
    assert rapport.accepte, rapport.erreurs
    premier = Signalement.objects.get(ref="SIG-001")
    assert premier.unite_id == Unite.objects.get(code="U-CASTEL").pk
    assert premier.statut == StatutSignalement.A_TRAITER


def test_signalements_three_bad_rows_write_nothing(personas, assures, accompagnements, secteurs):
    avant = Signalement.objects.count()
    contenu = f"""ref;nir;date;source;motif;mission;commentaire
SIG-001;{NIR_CLAIRE};2024-01-05;SERVICE_MEDICAL;Arrêt de travail;PDP;
SIG-002;{_mauvaise_cle(NIR_KARIM)};2024-01-05;SERVICE_MEDICAL;Arrêt de travail;PDP;
SIG-003;{NIR_CORSE};{_demain()};SERVICE_MEDICAL;Arrêt de travail;PDP;
SIG-004;{NIR_HELENE};2024-01-05;SERVICE_MEDICAL;Arrêt de travail;MISSION_INCONNUE;
"""
    rapport = importer("signalements", contenu.encode())
    _verifier_erreurs(rapport, [(3, "nir"), (4, "date"), (5, "mission")])
    assert "futur" in rapport.erreurs[1].message
    assert Signalement.objects.count() == avant


@pytest.mark.parametrize(
    ("ligne", "colonne"),
    [
        ("{claire};2024-01-05;PIGEON_VOYAGEUR;Arrêt de travail;;", "source"),
        ("{claire};2024-01-05;SERVICE_MEDICAL;;;", "motif"),
        ("{claire};2024-13-05;SERVICE_MEDICAL;Arrêt de travail;;", "date"),
        ("{inconnu};2024-01-05;SERVICE_MEDICAL;Arrêt de travail;;", "nir"),
    ],
    ids=["source", "reason", "date", "unknown-nir"],
)
def test_signalements_bad_row_is_reported(personas, assures, ligne, colonne):
    contenu = "ref;nir;date;source;motif;mission;commentaire\nSIG-X;" + ligne.format(
        claire=NIR_CLAIRE, inconnu=_nir("2900782121001")
    )
    rapport = importer("signalements", contenu.encode())
    _verifier_erreurs(rapport, [(2, colonne)])
    assert not Signalement.objects.exists()


def test_signalements_same_file_twice_changes_nothing(personas, assures, accompagnements, secteurs):
    _importer_deux_fois("signalements", SIGNALEMENTS, Signalement, 4)
    assert Signalement.objects.filter(statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT).count() == 2


# The whole history, in order, in comma-separated files with a BOM ------------------------------


def _en_virgules(contenu: str) -> bytes:
    return b"\xef\xbb\xbf" + contenu.replace(";", ",").replace("\n", "\r\n").encode()


def test_whole_history_with_commas_bom_and_crlf(personas, secteurs, lieu):
    for type_, contenu, nombre in (
        ("assures", ASSURES, 4),
        ("accompagnements", ACCOMPAGNEMENTS, 4),
        ("entretiens", ENTRETIENS, 6),
        ("signalements", SIGNALEMENTS, 4),
    ):
        rapport = importer(type_, _en_virgules(contenu))
        assert rapport.accepte, (type_, rapport.erreurs)
        assert rapport.crees == nombre, type_
    assert Entretien.objects.get(ref="ENT-002").date == date(2024, 3, 12)
    assert Accompagnement.objects.get(ref="ACC-2024-002").date_debut == date(2024, 2, 3)
    # Hélène's signalement of March is followed by her accompaniment of April.
    assert set(
        Signalement.objects.filter(statut=StatutSignalement.ACCOMPAGNEMENT_OUVERT).values_list(
            "ref", flat=True
        )
    ) == {"SIG-001", "SIG-002", "SIG-004"}
