"""The four organisation imports of DESIGN §5: a good file, a file with three bad rows (all
three reported, nothing written), the same good file twice (nothing changes the second time)."""

import pytest
from django.forms.models import model_to_dict

from parcours.imports.engine import importer
from parcours.imports.models import Import
from parcours.organisation.models import Agent, LieuAccueil, Organisme, Unite
from tests.factories import OrganismeFactory, UniteFactory

pytestmark = pytest.mark.django_db


def _etat(modele):
    return sorted((model_to_dict(o) for o in modele.objects.all()), key=lambda d: d["id"])


def _verifier_trois_erreurs(rapport, attendues):
    assert not rapport.accepte
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == attendues
    assert all(e.message for e in rapport.erreurs)


ORGANISMES = """code;nom;region
CARSAT-MP;Carsat Midi-Pyrénées;76
CARSAT-LR;Carsat Languedoc-Roussillon;76
CARSAT-AM;Carsat Alsace-Moselle;44
"""


def test_organismes_good_file_then_twice():
    rapport = importer("organismes", ORGANISMES.encode())
    assert rapport.accepte, rapport.erreurs
    assert (rapport.crees, rapport.modifies) == (3, 0)
    mp = Organisme.objects.get(code="CARSAT-MP")
    assert (mp.nom, mp.region_id, mp.detour_k, mp.vitesse_kmh) == (
        "Carsat Midi-Pyrénées",
        "76",
        1.3,
        60.0,
    )
    avant = _etat(Organisme)
    encore = importer("organismes", ORGANISMES.encode())
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 3)
    assert _etat(Organisme) == avant


def test_organismes_changed_row_is_updated():
    importer("organismes", ORGANISMES.encode())
    rapport = importer("organismes", ORGANISMES.replace("Carsat Alsace", "CARSAT Alsace").encode())
    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 1, 2)
    assert Organisme.objects.get(code="CARSAT-AM").nom == "CARSAT Alsace-Moselle"


def test_organismes_three_bad_rows_write_nothing():
    contenu = """code;nom;region
CARSAT-MP;Carsat Midi-Pyrénées;76
CARSAT-XX;Carsat inconnue;99
;Sans code;76
CARSAT-MP;Doublon;76
"""
    rapport = importer("organismes", contenu.encode())
    _verifier_trois_erreurs(rapport, [(3, "region"), (4, "code"), (5, "code")])
    assert "« 99 »" in rapport.erreurs[0].message
    assert "ligne 2" in rapport.erreurs[2].message
    assert not Organisme.objects.exists()
    assert Import.objects.get().statut == "REJETE"


UNITES = """code;nom;organisme;departement
U82-MTB;Montauban;CARSAT-T;82
U82-CAS;Castelsarrasin;CARSAT-T;82
U31-TLS;Toulouse;CARSAT-T;31
"""


def test_unites_good_file_then_twice():
    OrganismeFactory(code="CARSAT-T", region_id="76")
    rapport = importer("unites", UNITES.encode())
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == 3
    assert Unite.objects.get(code="U31-TLS").departement_id == "31"
    avant = _etat(Unite)
    encore = importer("unites", UNITES.encode())
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 3)
    assert _etat(Unite) == avant


def test_unites_three_bad_rows_write_nothing():
    OrganismeFactory(code="CARSAT-T", region_id="76")
    contenu = """code;nom;organisme;departement
U82-MTB;Montauban;CARSAT-T;82
U67-STR;Strasbourg;CARSAT-T;67
U82-CAS;Castelsarrasin;INCONNU;82
U82-XXX;Nulle part;CARSAT-T;100
"""
    rapport = importer("unites", contenu.encode())
    _verifier_trois_erreurs(rapport, [(3, "departement"), (4, "organisme"), (5, "departement")])
    assert "n'est pas dans la région" in rapport.erreurs[0].message
    assert not Unite.objects.exists()


LIEUX = """code;nom;adresse;commune;latitude;longitude;unite
LA-MTB;Agence de Montauban;5 place Lalaque;82121;44,0167;1,3550;U-MTB
LA-CAS;Permanence de Castelsarrasin;;82033;44.04;1.107;U-MTB
LA-MOI;Permanence de Moissac;Mairie;82112;;;U-MTB
"""


def test_lieux_accueil_good_file_then_twice():
    UniteFactory(code="U-MTB")
    rapport = importer("lieux_accueil", LIEUX.encode())
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == 3
    montauban = LieuAccueil.objects.get(code="LA-MTB")
    assert (montauban.latitude, montauban.longitude) == (44.0167, 1.355)
    # Without coordinates, the place stands at its commune's town hall.
    moissac = LieuAccueil.objects.select_related("commune").get(code="LA-MOI")
    assert (moissac.latitude, moissac.longitude) == (
        moissac.commune.latitude,
        moissac.commune.longitude,
    )
    avant = _etat(LieuAccueil)
    encore = importer("lieux_accueil", LIEUX.encode())
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 3)
    assert _etat(LieuAccueil) == avant


def test_lieux_accueil_three_bad_rows_write_nothing():
    UniteFactory(code="U-MTB")
    contenu = """code;nom;adresse;commune;latitude;longitude;unite
LA-MTB;Agence de Montauban;;82121;44.0167;1.355;U-MTB
LA-X1;Commune inconnue;;99999;44.0;1.3;U-MTB
LA-X2;Latitude folle;;82033;144.0;1.1;U-MTB
LA-X3;Longitude seule;;82033;;1.1;U-MTB
"""
    rapport = importer("lieux_accueil", contenu.encode())
    _verifier_trois_erreurs(rapport, [(3, "commune"), (4, "latitude"), (5, "latitude")])
    assert not LieuAccueil.objects.exists()


AGENTS = """matricule;nom;prenom;role;unite;email
M001;Durand;Claire;ass;U-MTB;claire.durand@exemple.fr
M002;Martin;Karim;CSAM;U-MTB;
M003;Roux;Hélène;cadre;U-MTB;helene.roux@exemple.fr
M004;Puech;Laurent;pilotage;U-MTB;
M005;Fabre;Sandrine;partenaire;;s.fabre@cpam.exemple.fr
M006;Roche;Olivier;admin;CARSAT-T;
"""


def test_agents_good_file_then_twice():
    unite = UniteFactory(code="U-MTB", organisme=OrganismeFactory(code="CARSAT-T"))
    rapport = importer("agents", AGENTS.encode())
    assert rapport.accepte, rapport.erreurs
    assert rapport.crees == 6
    claire = Agent.objects.get(matricule="M001")
    assert (claire.role, claire.unite_id, claire.organisme_id) == (
        "ass",
        unite.pk,
        unite.organisme_id,
    )
    assert not claire.has_usable_password()
    assert Agent.objects.get(matricule="M002").role == "csam"
    # Roles outside units belong to the organisme named, directly or through one of its units.
    pilotage = Agent.objects.get(matricule="M004")
    assert (pilotage.unite_id, pilotage.organisme_id) == (None, unite.organisme_id)
    assert Agent.objects.get(matricule="M005").organisme is None
    assert Agent.objects.get(matricule="M006").organisme_id == unite.organisme_id
    avant = _etat(Agent)
    encore = importer("agents", AGENTS.encode())
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 6)
    assert _etat(Agent) == avant


def test_agents_reimport_keeps_passwords():
    UniteFactory(code="U-MTB", organisme=OrganismeFactory(code="CARSAT-T"))
    importer("agents", AGENTS.encode())
    claire = Agent.objects.get(matricule="M001")
    claire.set_password("un mot de passe choisi")
    claire.save()
    rapport = importer("agents", AGENTS.replace("Durand;Claire", "Durand-Vidal;Claire").encode())
    assert rapport.modifies == 1
    claire.refresh_from_db()
    assert claire.nom == "Durand-Vidal"
    assert claire.check_password("un mot de passe choisi")


def test_agents_three_bad_rows_write_nothing():
    UniteFactory(code="U-MTB")
    contenu = """matricule;nom;prenom;role;unite;email
M001;Durand;Claire;ass;U-MTB;claire.durand@exemple.fr
M002;Martin;Karim;stagiaire;U-MTB;
M003;Roux;Hélène;cadre;;
M004;Puech;Laurent;ass;U-MTB;pas-une-adresse
M005;Vidal;Anne;pilotage;;
"""
    rapport = importer("agents", contenu.encode())
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [
        (3, "role"),
        (4, "unite"),
        (5, "email"),
        (6, "unite"),
    ]
    assert "stagiaire" in rapport.erreurs[0].message
    assert not Agent.objects.exists()
