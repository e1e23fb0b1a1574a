"""Issue 10, point 7: no personal value reaches a log line, and two imports racing for the same
new persons end with a clear French message (no « erreur inattendue », no NIR anywhere)."""

import logging
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from parcours.dossiers.models import Assure
from parcours.imports import engine
from parcours.imports.engine import importer
from parcours.imports.enums import StatutImport
from parcours.imports.models import Import
from tests.dossiers.factories import AssureFactory, creer_missions
from tests.factories import CommuneFactory

NIRS = [AssureFactory.build().nir for _ in range(3)]


@pytest.mark.django_db
def test_a_unique_violation_logged_with_its_traceback_shows_no_nir(caplog):
    personne = AssureFactory()
    caplog.set_level(logging.ERROR)
    try:
        with transaction.atomic():
            Assure.objects.create(
                nir=personne.nir,
                nom="Doublon",
                prenom="Jeanne",
                date_naissance=personne.date_naissance,
                sexe="F",
                telephone="06 12 34 56 78",
                email="jeanne.doublon@exemple.fr",
            )
    except IntegrityError:
        logging.getLogger("django.request").exception(
            "enregistrement impossible pour %s (%s)", personne.nir, "jeanne.doublon@exemple.fr"
        )
    assert caplog.records, "the error was logged"
    texte = caplog.text
    assert "IntegrityError" in texte
    for valeur in (personne.nir, personne.nir[:13], "jeanne.doublon@exemple.fr", "06 12 34 56"):
        assert valeur not in texte
        for record in caplog.records:
            assert valeur not in record.getMessage() and valeur not in (record.exc_text or "")


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_new_persons_end_with_a_french_message(
    caplog, monkeypatch, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    creer_missions()
    CommuneFactory()
    contenu = (
        "nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email\n"
        + "".join(
            f"{nir};Nom{i};Prénom;1980-01-0{i + 1};F;82121;;;\n" for i, nir in enumerate(NIRS)
        )
    ).encode()
    # Both imports check the file before either writes: they race for the same new NIRs.
    ensemble = threading.Barrier(2, timeout=30)
    emmenager = engine._emmenager

    def apres_verification(*args, **kwargs):
        ensemble.wait()
        return emmenager(*args, **kwargs)

    monkeypatch.setattr(engine, "_emmenager", apres_verification)
    caplog.set_level(logging.DEBUG)
    rapports = []

    def importer_en_parallele():
        try:
            rapports.append(importer("assures", contenu, nom_fichier="assures.csv"))
        finally:
            connection.close()

    fils = [threading.Thread(target=importer_en_parallele) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert len(rapports) == 2
    acceptes = [r for r in rapports if r.accepte]
    refuses = [r for r in rapports if not r.accepte]
    assert len(acceptes) == 1 and len(refuses) == 1
    (message,) = [str(e) for e in refuses[0].erreurs]
    assert message.startswith("Un autre import a enregistré les mêmes références pendant celui-ci")
    assert "rien n'a été enregistré" in message and "Relancez l'import" in message
    # The winner's persons are there, once; the loser left nothing half-written.
    assert Assure.objects.filter(nir__in=NIRS).count() == 3
    assert Assure.history.filter(nir__in=NIRS).count() == 3
    assert sorted(Import.objects.values_list("statut", flat=True)) == sorted(
        [StatutImport.ACCEPTE, StatutImport.REJETE]
    )
    # No NIR in any log line, nor in the messages kept.
    texte = caplog.text + " ".join(str(e) for r in rapports for e in r.erreurs)
    for nir in NIRS:
        assert nir not in texte and nir[:13] not in texte
