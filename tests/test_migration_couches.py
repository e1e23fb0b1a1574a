"""The observatory's move from `territoire` to its own app keeps an existing database's rows.

Commit 883fca4 moved `DonneeFragilite` (with its history) and `CalculObservatoire` to the
`observatoire` app: the tables keep their names, `territoire`'s 0005 only deletes the models from
Django's state, `observatoire`'s 0001 creates them there again and moves their content types.
This test migrates the test database back to before the move, writes rows with the models of
that time, migrates forward again and reads them with today's models (the pattern of
django-test-migrations, with Django's own `MigrationExecutor`).

It is transactional: migrations cannot run inside the test's transaction. It always leaves the
database migrated to the leaves, and pytest-django empties it afterwards, as for every
transactional test.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from parcours.observatoire.models import CalculObservatoire, DonneeFragilite
from parcours.organisation.models import Organisme

# The last migration of `territoire` before the move, and the first one of the move.
AVANT = ("territoire", "0004_historique_fragilite")
DEPLACEMENT = ("territoire", "0005_observatoire_dans_son_app")
MODELES_DEPLACES = ("donneefragilite", "historicaldonneefragilite", "calculobservatoire")
CODENAME = "verifier_migration_couches"

PARAMETRES = {
    "annee": 2025,
    "fragilite": {"alpha": 0.05, "reference": "territoire", "annee_donnees": 2024},
    "accessibilite": {"k": 1.3, "v": 60.0},
    "estimateur": "intégré",
}
RESULTATS = {
    "fragilite": {"ZZ01": {"composite": 1.25, "rang": 1, "signif": True}},
    "accessibilite": {"lieux": [{"code": "LA-ZZ001", "minutes": [0, 12.5, None]}]},
    "note": "données synthétiques — « test »",
}


def _descendants(graph, noeud: tuple[str, str]) -> set[tuple[str, str]]:
    """Every migration that depends, directly or not, on `noeud` (itself included)."""
    vus: set[tuple[str, str]] = set()
    a_voir = [graph.node_map[noeud]]
    while a_voir:
        courant = a_voir.pop()
        if courant.key in vus:
            continue
        vus.add(courant.key)
        a_voir.extend(courant.children)
    return vus


def _cibles_avant_deplacement(graph) -> list[tuple[str, str | None]]:
    """For every app, its last migration that does not depend on the move (None: roll it all).

    Today this gives `territoire` 0004 and `observatoire` to zero, the other apps at their
    leaves; computed from the graph so that a later migration depending on the move is rolled
    back too instead of making the backward migration fail.
    """
    apres = _descendants(graph, DEPLACEMENT)
    cibles: list[tuple[str, str | None]] = []
    for app in sorted({app for app, _ in graph.nodes}):
        restent = [n for n in graph.nodes if n[0] == app and n not in apres]
        if restent:
            cibles.append(max(restent, key=lambda n: len(graph.forwards_plan(n))))
        else:
            cibles.append((app, None))
    return cibles


def _migrer(cibles) -> MigrationExecutor:
    """Migrate the test database to `cibles` and return a fresh executor (graph reloaded)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cibles)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _ecrire_avec_l_ancien_etat(apps) -> dict:
    """Rows written with the models as they were before the move; returns what to compare."""
    Region = apps.get_model("territoire", "Region")
    Departement = apps.get_model("territoire", "Departement")
    Canton = apps.get_model("territoire", "Canton")
    PseudoCanton = apps.get_model("territoire", "PseudoCanton")
    Commune = apps.get_model("territoire", "Commune")
    AncienOrganisme = apps.get_model("organisation", "Organisme")
    AncienneDonnee = apps.get_model("territoire", "DonneeFragilite")
    AncienneHistorique = apps.get_model("territoire", "HistoricalDonneeFragilite")
    AncienCalcul = apps.get_model("territoire", "CalculObservatoire")
    AncienContentType = apps.get_model("contenttypes", "ContentType")
    AnciennePermission = apps.get_model("auth", "Permission")

    # Codes no real geography uses: the test database may hold the whole of France.
    region = Region.objects.create(code="ZZ", nom="Région de test")
    departement = Departement.objects.create(code="ZZ", nom="Département de test", region=region)
    canton = Canton.objects.create(
        code="ZZ01", nom="Canton de test", type="C", departement=departement
    )
    pseudo = PseudoCanton.objects.create(
        code="ZZ01", nom="Canton de test", type="C", departement=departement, canton=canton
    )
    commune = Commune.objects.create(
        code="ZZ001",
        nom="Commune de test",
        departement=departement,
        latitude=44.0,
        longitude=1.35,
        pseudo_canton=pseudo,
        population=1234,
    )
    organisme = AncienOrganisme.objects.create(code="ZZ-TEST", nom="Carsat de test", region=region)

    termine = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    calcul = AncienCalcul.objects.create(
        organisme_id=organisme.pk,
        statut="PRET",
        etape="terminé",
        progression=100,
        parametres=PARAMETRES,
        resultats=RESULTATS,
        termine_le=termine,
    )
    donnees = [
        AncienneDonnee.objects.create(
            territoire="ZZ001",
            commune_id=commune.pk,
            pseudo_canton_id=pseudo.pk,
            population_25_54=500,
            arret_90j=11,
            invalidite=7,
            css_non_participative=23,
            ald=41,
            sans_complementaire=19,
        ),
        AncienneDonnee.objects.create(
            territoire="ZZ01",
            canton_id=canton.pk,
            pseudo_canton_id=pseudo.pk,
            population_25_54=900,
            arret_90j=20,
            invalidite=13,
            css_non_participative=37,
            ald=66,
            sans_complementaire=31,
        ),
    ]
    historique = AncienneHistorique.objects.create(
        id=donnees[0].pk,
        territoire="ZZ001",
        commune_id=commune.pk,
        pseudo_canton_id=pseudo.pk,
        population_25_54=480,
        arret_90j=10,
        invalidite=7,
        css_non_participative=22,
        ald=40,
        sans_complementaire=18,
        history_date=termine - datetime.timedelta(days=3),
        history_change_reason="import fragilite.csv",
        history_type="+",
    )

    # The content types as Django had them before the move (post_migrate made them when the
    # test database was created; get_or_create in case a flush has emptied the table since).
    types = {
        modele: AncienContentType.objects.get_or_create(app_label="territoire", model=modele)[0]
        for modele in MODELES_DEPLACES
    }
    permission, _ = AnciennePermission.objects.get_or_create(
        codename=CODENAME,
        content_type_id=types["donneefragilite"].pk,
        defaults={"name": "Peut vérifier la migration des couches"},
    )

    champs_donnee = [
        "id",
        "territoire",
        "commune_id",
        "canton_id",
        "pseudo_canton_id",
        "population_25_54",
        "arret_90j",
        "invalidite",
        "css_non_participative",
        "ald",
        "sans_complementaire",
    ]
    return {
        "organisme": organisme.pk,
        "calcul": {
            "id": calcul.pk,
            "organisme_id": organisme.pk,
            "statut": "PRET",
            "etape": "terminé",
            "progression": 100,
            "parametres": PARAMETRES,
            "resultats": RESULTATS,
            "demande_le": calcul.demande_le,
            "termine_le": termine,
            "auteur_id": None,
        },
        "champs_donnee": champs_donnee,
        "donnees": [{c: getattr(d, c) for c in champs_donnee} for d in donnees],
        "historique": {
            **{c: getattr(historique, c) for c in champs_donnee},
            "history_id": historique.history_id,
            "history_date": historique.history_date,
            "history_change_reason": "import fragilite.csv",
            "history_type": "+",
            "history_user_id": None,
        },
        "types": {modele: ct.pk for modele, ct in types.items()},
        "permission": permission.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_le_deplacement_de_l_observatoire_garde_les_lignes_et_les_types_de_contenu():
    """Rows written before the move are read, unchanged, by the `observatoire` app's models."""
    executor = MigrationExecutor(connection)
    feuilles = executor.loader.graph.leaf_nodes()
    cibles = _cibles_avant_deplacement(executor.loader.graph)
    assert AVANT in cibles and ("observatoire", None) in cibles
    try:
        executor = _migrer(cibles)
        # The models as they were: the state of the migrations applied now.
        ancien = executor.loader.project_state([c for c in cibles if c[1] is not None]).apps
        with pytest.raises(LookupError):
            ancien.get_model("observatoire", "DonneeFragilite")
        attendu = _ecrire_avec_l_ancien_etat(ancien)

        executor = _migrer(feuilles)
        assert not executor.migration_plan(feuilles)
    finally:
        # Whatever happened, leave the database as the other tests expect it.
        _migrer(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    calcul = CalculObservatoire.objects.get(pk=attendu["calcul"]["id"])
    assert {c: getattr(calcul, c) for c in attendu["calcul"]} == attendu["calcul"]
    assert calcul.organisme == Organisme.objects.get(pk=attendu["organisme"])

    champs = attendu["champs_donnee"]
    lues = DonneeFragilite.objects.filter(territoire__startswith="ZZ").order_by("id")
    assert [{c: getattr(d, c) for c in champs} for d in lues] == attendu["donnees"]
    assert lues[0].commune.nom == "Commune de test"
    assert lues[1].canton.pseudo_canton.code == "ZZ01"

    Historique = DonneeFragilite.history.model
    assert Historique._meta.db_table == "territoire_historicaldonneefragilite"
    historique = Historique.objects.get(history_id=attendu["historique"]["history_id"])
    assert {c: getattr(historique, c) for c in attendu["historique"]} == attendu["historique"]
    assert [h.history_id for h in lues[0].history.all()] == [historique.history_id]

    for modele, pk in attendu["types"].items():
        type_ = ContentType.objects.get(pk=pk)
        assert (type_.app_label, type_.model) == ("observatoire", modele)
        assert not ContentType.objects.filter(app_label="territoire", model=modele).exists()
    pour_les_modeles = {
        modele._meta.model_name: ContentType.objects.get_for_model(modele).pk
        for modele in (DonneeFragilite, Historique, CalculObservatoire)
    }
    assert pour_les_modeles == attendu["types"]
    permission = Permission.objects.get(pk=attendu["permission"])
    assert permission.codename == CODENAME
    assert permission.content_type.model_class() is DonneeFragilite

    sortie = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=sortie, stderr=sortie)
    except SystemExit as sortie_du_programme:
        pytest.fail(f"makemigrations --check: {sortie_du_programme.code}\n{sortie.getvalue()}")
    assert "No changes detected" in sortie.getvalue()
