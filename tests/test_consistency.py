"""House rules checked on the whole code base (after les-emplois' test_consistency.py)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

RACINE = Path(__file__).resolve().parent.parent


# Words that keep their capitals in a French label (acronyms, proper names).
SIGLES = {
    "NIR", "PDF", "CSV", "HTML", "INSEE", "ALD", "CSS", "ID", "JSON", "XLSX", "SVG", "URL",
    "SMS", "CPAM", "ELSM", "MSA", "CAF", "MDPH", "CCAS", "COG", "OSRM", "RFC", "API", "TNCC",
    "GeoJSON", "WGS",
}  # fmt: skip
MOTS_ANGLAIS = {"historical", "history", "created", "changed", "deleted", "date joined"}


def _applications_de_parcours():
    return [a for a in apps.get_app_configs() if a.name.startswith("parcours.")]


def _en_minuscules_hors_sigles(libelle: str) -> bool:
    mots = [m for m in libelle.replace("’", " ").replace("'", " ").split() if m not in SIGLES]
    return all(m[:1] == m[:1].lower() for m in mots[:1]) and all(
        m == m.lower() or m.strip("()«»:,.") in SIGLES for m in mots
    )


def test_every_app_of_parcours_is_checked():
    noms = {a.label for a in _applications_de_parcours()}
    assert {"territoire", "organisation", "imports", "dossiers", "observatoire"} <= noms
    assert {"statistiques", "messagerie", "accueil", "demo"} <= noms


def test_every_model_has_a_lowercase_french_verbose_name():
    """Every model of every app of Parcours, history models included; capitals only for the
    acronyms of SIGLES."""
    for application in _applications_de_parcours():
        for modele in application.get_models():
            meta = modele._meta
            historique = modele.__name__.startswith("Historical")
            if not historique:
                assert "verbose_name" in meta.original_attrs, modele
                assert "verbose_name_plural" in meta.original_attrs, modele
            for libelle in (str(meta.verbose_name), str(meta.verbose_name_plural)):
                assert _en_minuscules_hors_sigles(libelle), (modele, libelle)
                assert not set(libelle.lower().split()) & MOTS_ANGLAIS, (modele, libelle)
            for champ in meta.get_fields():
                if hasattr(champ, "verbose_name") and not champ.auto_created:
                    libelle = str(champ.verbose_name)
                    assert _en_minuscules_hors_sigles(libelle), (modele, champ.name, libelle)
                    assert not set(libelle.lower().split()) & MOTS_ANGLAIS, (modele, champ.name)
                    for _, texte in getattr(champ, "flatchoices", ()):
                        assert str(texte).lower() not in MOTS_ANGLAIS, (modele, champ.name)


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "parcours.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "parcours.carsat.example",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


@pytest.mark.parametrize(
    "variables,message",
    [
        ({"DJANGO_SECRET_KEY": "court", "DJANGO_ALLOWED_HOSTS": "x.example"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_missing_or_weak_values(variables, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(variables, DJANGO_SETTINGS_MODULE="parcours.settings.prod")
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=RACINE, env=env, capture_output=True, text=True
    )
    assert resultat.returncode != 0
    assert message in resultat.stderr
