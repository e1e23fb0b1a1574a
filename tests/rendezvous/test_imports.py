"""Issue 14, point 12: plages.csv, the opening periods of a migrating Carsat (DESIGN §5) — a good
file, every bad row reported (line, column, French reason) with nothing written, the same file
twice changing nothing, the scope of an administrator's import, and the openings giving free
slots."""

from datetime import date, datetime, time

import pytest
from django.db import IntegrityError

from parcours.imports import engine, perms
from parcours.imports.engine import importer
from parcours.imports.models import Import
from parcours.organisation.enums import Role
from parcours.rendezvous.creneaux import PARIS, creneaux_libres
from parcours.rendezvous.enums import ModeRendezVous
from parcours.rendezvous.imports import PlagesImporteur
from parcours.rendezvous.models import Motif, Plage
from tests.factories import (
    AgentFactory,
    CommuneFactory,
    LieuAccueilFactory,
    OrganismeFactory,
    UniteFactory,
)
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

LIENS = Plage.motifs.through
LUNDI = datetime(2027, 3, 15, 8, 0, tzinfo=PARIS)

BON = """agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
alice;LA-MTB;PREMIER|SUIVI;mardi;09:00;12:00;2027-03-01;
alice;LA-MTB;SUIVI;Jeudi;14:00;17:00;01/03/2027;30/06/2027
bastien;;TEL;mardi;9h00;12:00;2027-03-01;
"""


@pytest.fixture
def monde():
    p = creer_personas()
    lieu = LieuAccueilFactory(code="LA-MTB", unite=p.unite, commune=CommuneFactory())
    autre_unite = UniteFactory(code="U-AUTRE", organisme=OrganismeFactory(code="AUTRE"))
    ailleurs = LieuAccueilFactory(code="LA-X", unite=autre_unite, commune=CommuneFactory())
    AgentFactory(matricule="zoe", role=Role.ASS, unite=autre_unite)
    motifs = {
        code: Motif.objects.create(
            code=code,
            libelle=libelle,
            duree_minutes=duree,
            mode=mode,
            delai_min_heures=0,
            delai_max_jours=60,
        )
        for code, libelle, duree, mode in (
            ("PREMIER", "Premier rendez-vous", 45, ModeRendezVous.LIEU_ACCUEIL),
            ("SUIVI", "Entretien de suivi", 45, ModeRendezVous.LIEU_ACCUEIL),
            ("TEL", "Entretien téléphonique", 30, ModeRendezVous.TELEPHONE),
        )
    }
    return {"p": p, "lieu": lieu, "ailleurs": ailleurs, "motifs": motifs}


def _etat() -> list:
    plages = Plage.objects.order_by("code").values_list(
        "code", "agent__matricule", "lieu__code", "debut", "fin", "regle", "date_debut", "date_fin"
    )
    liens = sorted(LIENS.objects.values_list("plage__code", "motif__code"))
    return [list(plages), liens]


def _erreurs(rapport) -> list[tuple]:
    return [(e.ligne, e.colonne) for e in rapport.erreurs]


def test_a_good_file_makes_weekly_openings_with_their_motifs(monde):
    rapport = importer("plages", BON.encode())
    assert rapport.accepte, [str(e) for e in rapport.erreurs]
    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (3, 0, 0)
    mardi = Plage.objects.get(code="alice|LA-MTB|mardi|09:00|12:00|2027-03-01")
    assert (mardi.agent, mardi.lieu, mardi.debut, mardi.fin) == (
        monde["p"].alice,
        monde["lieu"],
        time(9),
        time(12),
    )
    assert (mardi.regle, mardi.date_debut, mardi.date_fin) == (
        "FREQ=WEEKLY;BYDAY=TU",
        date(2027, 3, 1),
        None,
    )
    assert sorted(mardi.motifs.values_list("code", flat=True)) == ["PREMIER", "SUIVI"]
    # Dates in either form, the day in capitals, « 9h00 »: one normalised key.
    jeudi = Plage.objects.get(code="alice|LA-MTB|jeudi|14:00|17:00|2027-03-01")
    assert (jeudi.regle, jeudi.date_fin) == ("FREQ=WEEKLY;BYDAY=TH", date(2027, 6, 30))
    # A remote motif needs no place.
    telephone = Plage.objects.get(agent=monde["p"].bastien)
    assert (telephone.lieu, telephone.debut) == (None, time(9))
    assert list(telephone.motifs.values_list("code", flat=True)) == ["TEL"]
    assert Import.objects.get().statut == "ACCEPTE"


def test_the_same_file_twice_changes_nothing(monde):
    importer("plages", BON.encode())
    avant = _etat()
    encore = importer("plages", BON.encode())
    assert encore.accepte
    assert (encore.crees, encore.modifies, encore.inchanges) == (0, 0, 3)
    assert _etat() == avant


def test_a_new_last_date_modifies_the_opening(monde):
    importer("plages", BON.encode())
    rapport = importer("plages", BON.replace("30/06/2027", "31/07/2027").encode())
    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 1, 2)
    assert Plage.objects.get(regle__endswith="TH").date_fin == date(2027, 7, 31)
    assert LIENS.objects.count() == 4


def test_every_bad_row_is_reported_and_nothing_is_written(monde):
    contenu = """agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
alice;LA-MTB;PREMIER;mardi;09:00;12:00;2027-03-01;
inconnu;LA-MTB;PREMIER;mardi;09:00;12:00;2027-03-01;
alice;LA-MTB;PREMIER;dimanche;25:00;12:00;2027-03-01;
alice;LA-NULLE;PREMIER;mercredi;09:00;12:00;2027-03-01;2027-02-01
alice;LA-MTB;PREMIER;mardi;11:00;13:00;2027-03-01;
paula;LA-MTB;PREMIER;jeudi;09:00;12:00;2027-03-01;
alice;LA-MTB;PREMIER;mardi;09:00;12:00;2027-03-01;
bastien;;PREMIER;lundi;09:00;12:00;31/02/2027;
"""
    rapport = importer("plages", contenu.encode())
    assert not rapport.accepte
    assert _erreurs(rapport) == [
        (3, "agent"),
        (4, "jour"),
        (4, "debut"),
        (5, "lieu_accueil"),
        (5, "date_fin"),
        (6, "debut"),
        (7, "agent"),
        (8, "debut"),
        (9, "date_debut"),
        (9, "lieu_accueil"),
    ]
    messages = [e.message for e in rapport.erreurs]
    assert messages[0] == "agent inconnu « inconnu »"
    assert messages[1] == "pas de plage le dimanche (lundi à samedi)"
    assert "« 25:00 » illisible" in messages[2]
    assert messages[3] == "lieu d'accueil inconnu « LA-NULLE »"
    assert "précède la première" in messages[4]
    assert messages[5] == "l'agent a déjà une plage le mardi à ces heures, ligne 2 du fichier"
    assert "ne reçoit pas de rendez-vous" in messages[6]
    assert messages[7] == "même plage que la ligne 2 du fichier"
    assert messages[8] == "date « 31/02/2027 » inexistante"
    assert "ne se tient pas à distance" in messages[9]
    assert rapport.resume() == "Fichier rejeté : 10 erreur(s), rien n'a été enregistré."
    assert not Plage.objects.exists()
    assert not LIENS.objects.exists()
    assert Import.objects.get().statut == "REJETE"


def test_unknown_motifs_are_named(monde):
    contenu = """agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
alice;LA-MTB;PREMIER|VISITE|AUTRE;mardi;09:00;12:00;2027-03-01;
alice;LA-MTB;PREMIER,SUIVI;jeudi;09:00;12:00;2027-03-01;
alice;LA-MTB;;vendredi;09:00;12:00;2027-03-01;
"""
    rapport = importer("plages", contenu.encode())
    assert [(e.ligne, e.colonne, e.message) for e in rapport.erreurs] == [
        (2, "motifs", "motif(s) inconnu(s) « VISITE », « AUTRE »"),
        (3, "motifs", "motif(s) inconnu(s) « PREMIER,SUIVI » (séparez les codes par « | »)"),
        (4, "motifs", "valeur obligatoire manquante"),
    ]
    assert not Plage.objects.exists()


def test_a_retired_motif_is_refused(monde):
    Motif.objects.filter(code="SUIVI").update(actif=False)
    rapport = importer("plages", BON.encode())
    assert _erreurs(rapport) == [(2, "motifs"), (3, "motifs")]
    assert rapport.erreurs[0].message == "motif(s) retiré(s) « SUIVI »"


@pytest.mark.parametrize("fin", ["09:00", "08:30"])
def test_the_end_must_follow_the_start(monde, fin):
    contenu = f"""agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
alice;LA-MTB;PREMIER;mardi;09:00;{fin};2027-03-01;
"""
    rapport = importer("plages", contenu.encode())
    assert [(e.ligne, e.colonne, e.message) for e in rapport.erreurs] == [
        (2, "fin", f"l'heure de fin ({fin}) doit suivre l'heure de début (09:00)")
    ]
    assert not Plage.objects.exists()


def test_an_administrator_imports_only_their_organisme_s_openings(monde):
    adele = monde["p"].adele
    contenu = """agent;lieu_accueil;motifs;jour;debut;fin;date_debut;date_fin
zoe;LA-X;PREMIER;mardi;09:00;12:00;2027-03-01;
alice;LA-X;PREMIER;jeudi;09:00;12:00;2027-03-01;
alice;LA-MTB;PREMIER;vendredi;09:00;12:00;2027-03-01;
"""
    rapport = importer("plages", contenu.encode(), acting_user=adele)
    assert rapport.restreint
    assert [(e.ligne, e.colonne, e.message) for e in rapport.erreurs] == [
        (2, "agent", "hors de votre organisme : vous n'administrez que le vôtre"),
        (2, "lieu_accueil", "hors de votre organisme : vous n'administrez que le vôtre"),
        (3, "lieu_accueil", "hors de votre organisme : vous n'administrez que le vôtre"),
    ]
    assert not Plage.objects.exists()
    # Their own organisme's openings go in.
    propre = "\n".join(contenu.splitlines()[::3]) + "\n"
    assert importer("plages", propre.encode(), acting_user=adele).crees == 1
    # The operator's import has no scope, but an agent is not received at another Carsat.
    rapport = importer("plages", contenu.encode())
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(3, "lieu_accueil")]
    assert rapport.erreurs[0].message == "le lieu d'accueil n'est pas de l'organisme de l'agent"


def test_who_may_import_openings_from_the_page(monde):
    p = monde["p"]
    assert perms.can_import(p.adele, "plages")
    assert not any(
        perms.can_import(a, "plages") for a in (p.alice, p.bastien, p.chloe, p.paula, p.pierre)
    )
    assert PlagesImporteur.journal_par == "organisme"


def test_an_existing_opening_s_motifs_are_not_changed_by_an_import(monde):
    importer("plages", BON.encode())
    avant = _etat()
    rapport = importer("plages", BON.replace("PREMIER|SUIVI", "PREMIER").encode())
    assert _erreurs(rapport) == [(2, "motifs")]
    assert "existe déjà avec d'autres motifs" in rapport.erreurs[0].message
    assert _etat() == avant
    # The same motifs in another order are the same motifs.
    rapport = importer("plages", BON.replace("PREMIER|SUIVI", "SUIVI | PREMIER").encode())
    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 0, 3)


def test_a_batch_that_fails_undoes_the_openings_and_their_motifs(monde, monkeypatch):
    """Written by short batches (SQLite) or one transaction (PostgreSQL): a failure on the
    second batch leaves neither the first batch's openings nor their motif links."""
    monkeypatch.setattr(engine, "TAILLE_LOT", 1)
    monkeypatch.setattr(engine, "TAILLE_LOT_MIN", 1)
    monkeypatch.setattr(engine, "TAILLE_LOT_MAX", 1)
    ecrire = PlagesImporteur.apres_lot
    appels = []

    def puis_echouer(self, lot):
        appels.append(lot)
        ecrire(self, lot)
        if len(appels) == 2:
            raise IntegrityError("concurrent")

    monkeypatch.setattr(PlagesImporteur, "apres_lot", puis_echouer)
    rapport = importer("plages", BON.encode())
    assert not rapport.accepte
    assert "rien n'a été enregistré" in rapport.erreurs[0].message
    assert not Plage.objects.exists()
    assert not LIENS.objects.exists()


def test_imported_openings_give_free_slots(monde):
    importer("plages", BON.encode())
    premier = monde["motifs"]["PREMIER"]
    libres = creneaux_libres(premier, [monde["lieu"]], maintenant=LUNDI, jours=14, par_lieu=None)
    debuts = [c.debut for c in libres[monde["lieu"].pk]]
    # Two Tuesday mornings, 9:00 to 12:00 in 45-minute slots; Thursdays hold only SUIVI.
    assert {d.date() for d in debuts} == {date(2027, 3, 16), date(2027, 3, 23)}
    assert [d.time() for d in debuts[:4]] == [time(9), time(9, 45), time(10, 30), time(11, 15)]
    assert all(c.agent_id == monde["p"].alice.pk for c in libres[monde["lieu"].pk])
    suivi = creneaux_libres(
        monde["motifs"]["SUIVI"], [monde["lieu"]], maintenant=LUNDI, jours=14, par_lieu=None
    )
    assert len(suivi[monde["lieu"].pk]) == 2 * 4 + 2 * 4


def test_the_upload_page_s_template_line_imports(monde):
    """The example of each column (the template offered for download) names the agent and
    the place of the organisation templates; with those and the motifs, it imports."""
    agent = AgentFactory(matricule="A00123", role=Role.ASS, unite=monde["p"].unite)
    LieuAccueilFactory(code="LA-82121", unite=agent.unite, commune=CommuneFactory())
    Motif.objects.create(code="PREMIER_RDV", libelle="Premier rendez-vous", duree_minutes=45)
    aide = PlagesImporteur.aide
    contenu = ";".join(PlagesImporteur.colonnes) + "\n"
    contenu += ";".join(aide[c].exemple for c in PlagesImporteur.colonnes) + "\n"
    rapport = importer("plages", contenu.encode())
    assert rapport.accepte, [str(e) for e in rapport.erreurs]
    assert rapport.crees == 1
