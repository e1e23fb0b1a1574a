"""Issue 10, point 9: a ceiling on uploads, checked before the file is read, and a maximum
length on every free text, with French messages."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

import parcours
from parcours.dossiers.models import Entretien
from parcours.imports.models import Import
from parcours.lib.texte import LONGUEUR_NOTES
from tests.dossiers.factories import AccompagnementFactory
from tests.personas import creer_personas

pytestmark = pytest.mark.django_db


def test_an_upload_over_the_ceiling_is_refused_before_it_is_read(client, settings):
    settings.PARCOURS_IMPORT_TAILLE_MAX_MO = 1
    p = creer_personas()
    client.force_login(p.chloe)
    gros = b"nir;nom;prenom;date_naissance;sexe;commune;adresse;telephone;email\n" + (
        b"x" * (2 * 1024 * 1024)
    )
    reponse = client.post(
        reverse("imports:televerser"),
        {"type": "assures", "fichier": SimpleUploadedFile("gros.csv", gros)},
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "fichier trop volumineux (2,0\u00a0Mo)" in contenu
    assert "1\u00a0Mo au plus" in contenu and "Ce champ est obligatoire" not in contenu
    assert not Import.objects.exists()


def test_the_ceiling_is_documented_on_the_page(client):
    client.force_login(creer_personas().chloe)
    page = client.get(reverse("imports:televerser")).content.decode()
    assert "Un fichier peut peser 200\u00a0Mo au plus" in page


def test_a_note_too_long_is_refused_with_a_message_and_nothing_is_saved(client):
    p = creer_personas()
    acc = AccompagnementFactory(referent=p.alice)
    client.force_login(p.alice)
    reponse = client.post(
        reverse("dossiers:entretien_rapide", args=[acc.assure.pk]),
        {
            "accompagnement": acc.pk,
            "date": timezone.localdate().isoformat(),
            "mode": "TELEPHONE",
            "notes": "n" * (LONGUEUR_NOTES + 1),
        },
        follow=True,
    )
    assert "Entretien non enregistré" in reponse.content.decode()
    assert "au plus 20000 caractères" in reponse.content.decode()
    assert not Entretien.objects.exists()


def test_a_body_of_megabytes_gets_a_french_400(client):
    p = creer_personas()
    acc = AccompagnementFactory(referent=p.alice)
    client.force_login(p.alice)
    reponse = client.post(
        reverse("dossiers:entretien_rapide", args=[acc.assure.pk]),
        {"accompagnement": acc.pk, "mode": "TELEPHONE", "notes": "n" * (5 * 1024 * 1024)},
    )
    assert reponse.status_code == 400
    assert "Requête refusée" in reponse.content.decode()
    assert not Entretien.objects.exists()


def _formulaires():
    """Every form class of the project."""
    for module in pkgutil.walk_packages(parcours.__path__, "parcours."):
        if module.name.endswith(("forms", ".admin")) or ".views" in module.name:
            importlib.import_module(module.name)
    vus, a_voir = set(), [forms.Form, forms.ModelForm]
    while a_voir:
        for sous in a_voir.pop().__subclasses__():
            if sous not in vus:
                vus.add(sous)
                a_voir.append(sous)
    return [f for f in vus if f.__module__.startswith("parcours.")]


def test_every_text_field_of_every_form_has_a_maximum_length():
    sans = []
    for formulaire in _formulaires():
        for nom, champ in formulaire.base_fields.items():
            if isinstance(champ, forms.CharField) and champ.max_length is None:
                if isinstance(champ.widget, forms.PasswordInput):
                    continue
                sans.append(f"{formulaire.__module__}.{formulaire.__name__}.{nom}")
    assert not sans, sans


def test_every_text_column_has_a_maximum_length():
    sans = []
    for modele in apps.get_models():
        if not modele.__module__.startswith("parcours.") or "Historical" in modele.__name__:
            continue
        for champ in modele._meta.concrete_fields:
            if isinstance(champ, models.TextField) and champ.max_length is None:
                if champ.name in ("contour", "html"):  # geography and generated report only
                    continue
                sans.append(f"{modele.__name__}.{champ.name}")
    assert not sans, sans
