"""Issue 10, points 1–3: an import run from a page writes only within its author's scope, never
tells whether a NIR is known to the service, and every record it writes is in the change history
with the agent and the import named."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.dossiers.models import (
    Accompagnement,
    Assure,
    Entretien,
    JournalAcces,
    PersonneDeclaree,
    Signalement,
)
from parcours.imports.engine import importer
from parcours.imports.models import Import
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, Unite
from tests.dossiers.factories import (
    AccompagnementFactory,
    AssureFactory,
    EntretienFactory,
)
from tests.factories import AgentFactory, LieuAccueilFactory, OrganismeFactory, UniteFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db

NOTES_A = "Notes de l'unité A : ne regardent qu'elle"


@pytest.fixture
def p():
    return creer_personas()


@pytest.fixture
def dossier_a(p):
    """An interview of unit A (Castelsarrasin, Octave's), with its notes."""
    acc = AccompagnementFactory(referent=p.octave, date_debut=datetime.date(2025, 3, 10))
    entretien = EntretienFactory(accompagnement=acc, notes=NOTES_A)
    return acc, entretien


@pytest.fixture
def chloe_personne(p):
    """A person Chloé's unit (Montauban) follows."""
    assure = AssureFactory(nom="Suivie", prenom="Par-Montauban")
    AccompagnementFactory(
        assure=assure, referent=p.alice, ref="A-MTB-1", date_debut=datetime.date(2025, 1, 6)
    )
    return assure


def _csv(entete: str, *lignes: str) -> bytes:
    return ("\n".join([entete, *lignes]) + "\n").encode()


ENTRETIENS = "ref;accompagnement;nir;date;mode;lieu_accueil;agent;duree_minutes;annule"
ACCOMPAGNEMENTS = "ref;nir;mission;date_debut;date_fin;issue;agent;unite"
ASSURES = "nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email"


# Point 1: another unit's records ------------------------------------------------------------


def test_a_manager_cannot_take_over_another_units_interview_by_its_ref(
    p, dossier_a, chloe_personne
):
    acc_a, entretien_a = dossier_a
    avant = Entretien.objects.values().get(pk=entretien_a.pk)
    contenu = _csv(
        ENTRETIENS,
        f"{entretien_a.ref};A-MTB-1;{chloe_personne.nir};2025-03-12;TELEPHONE;;alice;30;non",
    )
    rapport = importer("entretiens", contenu, acting_user=p.chloe)
    assert not rapport.accepte
    assert [(e.ligne, e.colonne, e.message) for e in rapport.erreurs] == [
        (2, "ref", "référence déjà utilisée par une autre unité")
    ]
    # Nothing moved: the interview, its notes, its unit and its person are A's.
    assert Entretien.objects.values().get(pk=entretien_a.pk) == avant
    assert not JournalAcces.objects.exists()


def test_a_manager_cannot_take_over_another_units_accompaniment(p, dossier_a, chloe_personne):
    acc_a, _ = dossier_a
    avant = Accompagnement.objects.values().get(pk=acc_a.pk)
    contenu = _csv(
        ACCOMPAGNEMENTS,
        f"{acc_a.ref};{chloe_personne.nir};PDP;2025-03-10;;;alice;{p.unite.code}",
    )
    rapport = importer("accompagnements", contenu, acting_user=p.chloe)
    assert [(e.colonne, e.message) for e in rapport.erreurs] == [
        ("ref", "référence déjà utilisée par une autre unité")
    ]
    assert Accompagnement.objects.values().get(pk=acc_a.pk) == avant


def test_a_manager_imports_only_for_their_unit(p, chloe_personne):
    contenu = _csv(
        ACCOMPAGNEMENTS,
        f"A-NEUF;{chloe_personne.nir};PDP;2025-03-10;;;alice;{p.autre_unite.code}",
    )
    rapport = importer("accompagnements", contenu, acting_user=p.chloe)
    assert [(e.colonne, e.message) for e in rapport.erreurs] == [
        ("unite", "unité hors de votre périmètre : importez pour la vôtre")
    ]
    assert not Accompagnement.objects.filter(ref="A-NEUF").exists()


def test_the_upload_page_applies_the_scope(client, p, dossier_a, chloe_personne):
    _, entretien_a = dossier_a
    client.force_login(p.chloe)
    ligne = f"{entretien_a.ref};A-MTB-1;{chloe_personne.nir};2025-03-12;TELEPHONE;;alice;30;non"
    reponse = client.post(
        reverse("imports:televerser"),
        {
            "type": "entretiens",
            "fichier": SimpleUploadedFile("entretiens.csv", _csv(ENTRETIENS, ligne)),
        },
        follow=True,
    )
    assert "référence déjà utilisée par une autre unité" in reponse.content.decode()
    entretien_a.refresh_from_db()
    assert entretien_a.unite_id == p.autre_unite.pk


def test_the_operator_command_is_unrestricted_and_says_so(p, dossier_a, chloe_personne, tmp_path):
    _, entretien_a = dossier_a
    fichier = tmp_path / "entretiens.csv"
    fichier.write_bytes(
        _csv(
            ENTRETIENS,
            f"{entretien_a.ref};A-MTB-1;{chloe_personne.nir};2025-03-12;TELEPHONE;;alice;30;non",
        )
    )
    sortie = io.StringIO()
    call_command("importer", "entretiens", str(fichier), stdout=sortie, verbosity=0)
    entretien_a.refresh_from_db()
    assert entretien_a.unite_id == p.unite.pk
    from parcours.imports.management.commands.importer import Command

    aide = Command().create_parser("manage.py", "importer").format_help()
    assert "sans les limites de périmètre" in " ".join(aide.split())


# Point 2: the persons import is no NIR oracle and rewrites nobody else ----------------------


def _importer_personne(user, nir: str, nom: str) -> tuple:
    rapport = importer(
        "assures",
        _csv(ASSURES, f"{nir};{nom};Inventé;1980-01-01;F;82121;;;"),
        acting_user=user,
    )
    journal = Import.objects.latest("pk")
    return (
        rapport.accepte,
        rapport.resume(),
        [str(e) for e in rapport.erreurs],
        (journal.crees, journal.modifies, journal.inchanges, journal.nb_erreurs),
    )


def test_a_known_nir_and_an_unknown_nir_look_the_same_to_a_manager(p, dossier_a):
    acc_a, _ = dossier_a
    connue = acc_a.assure
    identite = Assure.objects.values("nom", "prenom", "date_naissance").get(pk=connue.pk)
    inconnue = AssureFactory.build().nir  # a valid NIR nobody has
    assert not Assure.objects.filter(nir=inconnue).exists()
    assert _importer_personne(p.chloe, connue.nir, "Pirate") == _importer_personne(
        p.chloe, inconnue, "Pirate"
    )
    # The person followed elsewhere kept their identity.
    assert Assure.objects.values("nom", "prenom", "date_naissance").get(pk=connue.pk) == identite


def test_a_manager_of_another_organisme_rewrites_nobody(p, dossier_a):
    ailleurs = UniteFactory(organisme=OrganismeFactory(code="AUTRE-CARSAT"))
    cadre = AgentFactory(matricule="cadre-ailleurs", role=Role.CADRE, unite=ailleurs)
    connue = dossier_a[0].assure
    nom = connue.nom
    _importer_personne(cadre, connue.nir, "Pirate")
    connue.refresh_from_db()
    assert connue.nom == nom


def test_a_manager_updates_the_persons_their_unit_follows(p, chloe_personne):
    rapport = importer(
        "assures",
        _csv(
            ASSURES,
            f"{chloe_personne.nir};Suivie;Par-Montauban;1985-05-12;F;82121;12 rue Neuve;;",
        ),
        acting_user=p.chloe,
    )
    assert rapport.accepte and rapport.modifies == 1
    chloe_personne.refresh_from_db()
    assert chloe_personne.adresse == "12 rue Neuve"


def test_history_files_name_only_persons_of_the_unit_and_the_same_words_for_others(p, dossier_a):
    """A NIR known elsewhere and an unknown NIR get the same refusal in accompagnements.csv; a
    person the unit declared in its assures.csv may be named."""
    connue = dossier_a[0].assure
    inconnue = AssureFactory.build().nir

    def refus(nir: str) -> list[str]:
        rapport = importer(
            "accompagnements",
            _csv(ACCOMPAGNEMENTS, f"A-X;{nir};PDP;2025-03-10;;;alice;{p.unite.code}"),
            acting_user=p.chloe,
        )
        return [str(e) for e in rapport.erreurs]

    assert refus(connue.nir) == refus(inconnue) != []
    # Declared through the unit's assures.csv, whatever the result said: then accepted.
    _importer_personne(p.chloe, connue.nir, connue.nom)
    assert PersonneDeclaree.objects.filter(assure=connue, unite=p.unite).exists()
    assert refus(connue.nir) == []
    assert Accompagnement.objects.get(ref="A-X").unite == p.unite


def test_a_failed_import_declares_nobody(p, dossier_a):
    connue = dossier_a[0].assure
    rapport = importer(
        "assures",
        _csv(
            ASSURES,
            f"{connue.nir};X;Y;1980-01-01;F;82121;;;",
            "123;Mauvais;NIR;1980-01-01;F;82121;;;",
        ),
        acting_user=p.chloe,
    )
    assert not rapport.accepte
    assert not PersonneDeclaree.objects.exists()


def test_imported_signalements_stay_in_the_managers_unit(p, chloe_personne):
    contenu = _csv(
        "ref;nir;date;source;motif;mission;commentaire",
        f"S-IMP-1;{chloe_personne.nir};2025-02-01;ASSURE;Demande d'aide;;",
    )
    assert importer("signalements", contenu, acting_user=p.chloe).accepte
    assert Signalement.objects.get(ref="S-IMP-1").unite == p.unite


# Point 3: every imported change is audited, in bulk ----------------------------------------


def test_imported_records_have_history_rows_naming_the_agent_and_the_import(
    client, p, chloe_personne
):
    contenu = _csv(
        ACCOMPAGNEMENTS,
        *(f"A-H{n};{chloe_personne.nir};PDP;2025-03-10;;;alice;{p.unite.code}" for n in range(3)),
    )
    assert importer("accompagnements", contenu, acting_user=p.chloe).accepte
    journal = Import.objects.latest("pk")
    client.force_login(p.chloe)
    historiques = Accompagnement.history.filter(ref__startswith="A-H")
    assert historiques.count() == 3
    for h in historiques:
        assert h.history_type == "+"
        assert h.history_user_id == p.chloe.pk
        assert h.history_change_reason == f"import n° {journal.pk} (accompagnements)"
    # The manager reads them on the dossier's history page.
    page = client.get(reverse("dossiers:historique", args=[chloe_personne.pk]))
    assert f"import n° {journal.pk} (accompagnements)" in page.content.decode()
    # A change: one more row per changed record, of type « ~ ».
    contenu = contenu.replace(b"2025-03-10", b"2025-03-11")
    assert importer("accompagnements", contenu, acting_user=p.chloe).accepte
    assert historiques.filter(history_type="~").count() == 3
    assert {h.date_debut for h in historiques.filter(history_type="~")} == {
        datetime.date(2025, 3, 11)
    }


def test_command_imports_are_in_the_history_too(p, tmp_path):
    fichier = tmp_path / "assures.csv"
    fichier.write_bytes(
        _csv(ASSURES, f"{AssureFactory.build().nir};Neuve;Personne;1980-01-01;F;;;;")
    )
    call_command("importer", "assures", str(fichier), verbosity=0)
    h = Assure.history.get(nom="Neuve")
    assert h.history_user_id is None
    assert h.history_change_reason.startswith("import n° ")


def test_history_rows_are_written_in_bulk(p, chloe_personne):
    def requetes(n: int, prefixe: str) -> int:
        contenu = _csv(
            ACCOMPAGNEMENTS,
            *(
                f"{prefixe}{k};{chloe_personne.nir};PDP;2025-03-10;;;alice;{p.unite.code}"
                for k in range(n)
            ),
        )
        with CaptureQueriesContext(connection) as capture:
            assert importer("accompagnements", contenu, acting_user=p.chloe).accepte
        return len(capture)

    peu, beaucoup = requetes(3, "A-P"), requetes(300, "A-B")
    assert beaucoup == peu
    assert Accompagnement.history.filter(ref__startswith="A-B").count() == 300


def test_actions_outside_a_request_name_their_author(p, chloe_personne):
    """A command or a background task has no request: the action names the author itself. Plans
    and orientations have a history too."""
    from parcours.dossiers import actions

    acc = Accompagnement.objects.get(ref="A-MTB-1")
    objectif = actions.ajouter_objectif(acc, acting_user=p.alice, libelle="Reprendre le travail")
    action = actions.ajouter_action(acc, acting_user=p.alice, libelle="Appeler l'employeur")
    actions.marquer_action(action, acting_user=p.chloe, faite=True)
    orientation = actions.orienter(
        chloe_personne,
        acting_user=p.alice,
        accompagnement=acc,
        date=datetime.date(2025, 3, 1),
        partenaire="CPAM",
        motif="Droits",
    )
    entretien = actions.enregistrer_entretien(
        chloe_personne,
        acting_user=p.alice,
        accompagnement=acc,
        date=datetime.date(2025, 3, 2),
        mode="TELEPHONE",
    )
    assert objectif.history.get().history_user == p.alice
    assert [h.history_user for h in action.history.order_by("history_id")] == [p.alice, p.chloe]
    assert orientation.history.get().history_user == p.alice
    assert entretien.history.get().history_user == p.alice


def test_agents_import_writes_the_accounts_audit_trail(p):
    from parcours.organisation.models import EvenementCompte

    contenu = _csv(
        "matricule;nom;prenom;role;unite;email",
        f"nouvelle-ass;Neuve;Ass;ass;{p.unite.code};neuve@exemple.invalid",
        f"bastien;Martin;Bastien;cadre;{p.unite.code};bastien@exemple.invalid",
    )
    assert importer("agents", contenu, acting_user=p.adele).accepte
    journal = Import.objects.latest("pk")
    evenements = {(e.agent.matricule, e.type, e.auteur_id) for e in EvenementCompte.objects.all()}
    assert evenements == {("nouvelle-ass", "CREATION", p.adele.pk), ("bastien", "ROLE", p.adele.pk)}
    assert set(EvenementCompte.objects.values_list("origine", flat=True)) == {
        f"import n° {journal.pk} (agents)"
    }
    assert not Agent.objects.get(matricule="nouvelle-ass").has_usable_password()


def test_an_administrator_imports_only_their_organismes_records(p):
    autre = UniteFactory(code="U-AILLEURS", organisme=OrganismeFactory(code="AUTRE"))
    lieu = LieuAccueilFactory(code="L-AILLEURS", unite=autre)
    rapports = [
        importer(
            "unites",
            _csv("code;nom;organisme;departement", "U-AILLEURS;Prise;CARSAT-TEST;82"),
            acting_user=p.adele,
        ),
        importer(
            "lieux_accueil",
            _csv(
                "code;nom;adresse;commune;latitude;longitude;unite",
                f"L-AILLEURS;Pris;;82121;;;{p.unite.code}",
            ),
            acting_user=p.adele,
        ),
        importer(
            "agents",
            _csv("matricule;nom;prenom;role;unite;email", f"adele;Moi;Adèle;cadre;{p.unite.code};"),
            acting_user=p.adele,
        ),
    ]
    assert [[(e.colonne, e.message) for e in r.erreurs] for r in rapports] == [
        [("code", "code déjà utilisé par un autre organisme")],
        [("code", "code déjà utilisé par un autre organisme")],
        [("role", "vous ne pouvez pas changer votre propre rôle")],
    ]
    assert Unite.objects.get(code="U-AILLEURS").organisme.code == "AUTRE"
    lieu.refresh_from_db()
    assert lieu.unite == autre


def test_the_accounts_audit_of_an_agents_import_does_not_query_per_agent(p):
    def requetes(n: int, prefixe: str) -> int:
        contenu = _csv(
            "matricule;nom;prenom;role;unite;email",
            *(f"{prefixe}{k};Nom;Prénom;ass;{p.unite.code};" for k in range(n)),
        )
        with CaptureQueriesContext(connection) as capture:
            assert importer("agents", contenu, acting_user=p.adele).accepte
        return len(capture)

    assert requetes(3, "peu-") == requetes(40, "beaucoup-")
