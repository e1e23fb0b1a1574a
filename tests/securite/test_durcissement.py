"""Issue 10, point 12: headers, files readable by their owner only, gunicorn without banner and
with its own control socket, lock-out of an address that tries many accounts."""

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.securite.monde import creer_monde

RACINE = Path(__file__).resolve().parents[2]


def _directives(entete: str) -> dict[str, list[str]]:
    return {
        partie.split()[0]: partie.split()[1:]
        for partie in (p.strip() for p in entete.split(";"))
        if partie
    }


@pytest.mark.django_db
def test_every_answer_has_a_strict_csp_and_no_store(client):
    monde = creer_monde(observatoire_calcule=False)
    client.force_login(monde.p.chloe)
    urls = [
        reverse("accueil"),
        reverse("dossiers:dossier", args=[monde.assure.pk]),
        reverse("statistiques:export_xlsx"),
        reverse("dossiers:journal"),
        "/page-qui-n-existe-pas/",
        reverse("statistiques:rapports"),  # a refusal
    ]
    client.force_login(monde.p.paula)
    urls.append(reverse("statistiques:rapport_fichier", args=[monde.edition.pk, "pdf"]))
    for url in urls:
        client.force_login(monde.p.paula if "rapport" in url else monde.p.chloe)
        reponse = client.get(url)
        csp = _directives(reponse["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"], url
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
        assert reponse["Cache-Control"] == "no-store", url
        assert "Server" not in reponse
    client.logout()
    assert "Content-Security-Policy" in client.get(reverse("connexion"))


def test_no_template_carries_inline_script_or_style():
    """The policy allows no inline script nor style: none may be written in a page."""
    fautes = []
    for gabarit in (RACINE / "parcours").rglob("templates/**/*.html"):
        if (
            "messagerie/courriels" in str(gabarit)
            or gabarit.name == "rapport.html"
            or gabarit.name.endswith("_pdf.html")
        ):
            # E-mails, the report's HTML made for the PDF (served with its own CSP), and the
            # HTML only ever turned into a PDF (a place's day sheet), never served as a page.
            continue
        texte = gabarit.read_text()
        for motif in ("<script>", "<style", ' style="', " onclick=", " onload=", "javascript:"):
            if motif in texte:
                fautes.append(f"{gabarit.relative_to(RACINE)} : {motif}")
    assert not fautes, fautes


def test_the_database_and_var_are_created_readable_by_their_owner_only(tmp_path):
    var = tmp_path / "var"
    subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=RACINE,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PARCOURS_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "parcours.settings.dev",
        },
        check=True,
        capture_output=True,
    )
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "parcours.sqlite3").stat().st_mode) == 0o600


@pytest.mark.django_db
def test_uploaded_and_staging_files_are_private(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.imports import taches
    from parcours.imports.models import Import

    settings.VAR_DIR = tmp_path
    journal = Import.objects.create(type="assures", nom_fichier="a.csv")
    taches.deposer(journal, SimpleUploadedFile("a.csv", b"nir;nom\n"))
    assert stat.S_IMODE(Path(journal.fichier).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "imports").stat().st_mode) == 0o700


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_sends_no_banner_and_keeps_its_control_socket_in_var(tmp_path):
    port = _port_libre()
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    serveur = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "scripts/gunicorn.conf.py",
            "--workers",
            "1",
            "parcours.wsgi:application",
        ],
        cwd=RACINE,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "parcours.settings.dev",
            "PARCOURS_VAR_DIR": str(var),
            "PARCOURS_ADRESSE": f"127.0.0.1:{port}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                reponse = urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/parcours/parcours.css", timeout=2
                )
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(serveur.stderr.read1().decode())
        with reponse:
            assert reponse.status == 200
            assert reponse.headers.get("Server") is None
        # The master opens its control socket after its start-up hook (when_ready), which may
        # finish after the worker already answers.
        for _ in range(100):
            if (var / "gunicorn.ctl").exists():
                break
            time.sleep(0.1)
        assert (var / "gunicorn.ctl").exists()
    finally:
        serveur.terminate()
        serveur.wait(timeout=10)
        serveur.stderr.close()


@pytest.mark.django_db
def test_an_address_trying_many_accounts_is_locked(client, settings):
    monde = creer_monde(observatoire_calcule=False)
    comptes = ["alice", "bastien", "chloe", "paula", "pierre"]
    statuts = []
    for mot_de_passe in ("essai-1", "essai-2", "essai-3", "essai-4"):
        for matricule in comptes:
            reponse = client.post(
                reverse("connexion"), {"username": matricule, "password": mot_de_passe}
            )
            statuts.append(reponse.status_code)
    # Each account saw only four failures (under the per-account limit of five), but the
    # address tried twenty times: it is locked, even with a good password.
    assert 429 in statuts
    assert statuts.index(429) <= settings.PARCOURS_ECHECS_PAR_ADRESSE
    reponse = client.post(
        reverse("connexion"), {"username": "octave", "password": "un-mot-de-passe-de-test"}
    )
    assert reponse.status_code == 429
    assert "temporairement bloqué" in reponse.content.decode()
    assert monde.p.octave.pk
