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


def test_every_model_has_a_lowercase_french_verbose_name():
    for app in ("territoire", "organisation", "imports"):
        for modele in apps.get_app_config(app).get_models():
            meta = modele._meta
            assert "verbose_name" in meta.original_attrs, modele
            assert "verbose_name_plural" in meta.original_attrs, modele
            assert str(meta.verbose_name) == str(meta.verbose_name).lower(), modele
            for champ in meta.get_fields():
                if hasattr(champ, "verbose_name") and not champ.auto_created:
                    libelle = str(champ.verbose_name)
                    assert libelle[:1] == libelle[:1].lower(), (modele, champ.name)


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
