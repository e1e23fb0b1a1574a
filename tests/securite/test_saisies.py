"""Issue 10, point 10: garbage in every field of every form answers a 400 or the form with a
message, never a server error.

Every page each identity reaches is read; every POST form on it is posted again and again with
one field replaced by letters, a huge integer, a negative number, nothing, or a NUL byte, the
other fields keeping the values the page gave them. A POST-only view that no page shows fails
the test, so a new one cannot escape the walk.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import resolve, reverse

from tests.securite.monde import creer_monde
from tests.securite.test_urls import MATRICE, POST_SEULEMENT, urls_du_projet

pytestmark = pytest.mark.django_db

DECHETS = ["abc", "9" * 25, "-5", "", "a\x00b"]
ECRIVAINS = ("ass", "csam", "cadre", "pilotage", "partenaire", "admin")
# Forms the walk leaves aside: logging out (it would end the walk), and search filters sent
# with GET.
ACTIONS_EXCLUES = {"/deconnexion/"}
PAGES_ADMIN = [
    "admin:organisation_agent_add",
    "admin:organisation_unite_add",
    "admin:organisation_lieuaccueil_add",
    "admin:organisation_secteur_add",
    "admin:dossiers_mission_add",
]


class _Formulaires(HTMLParser):
    """The POST forms of a page: action, and each field with the value the page gives it."""

    def __init__(self):
        super().__init__()
        self.formulaires: list[dict] = []
        self._courant: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, balise, attributs):
        a = dict(attributs)
        if balise == "form" and a.get("method", "get").lower() == "post":
            self._courant = {"action": a.get("action") or "", "champs": {}}
            self.formulaires.append(self._courant)
        if self._courant is None:
            return
        nom = a.get("name")
        if balise == "input" and nom:
            genre = a.get("type", "text")
            if genre in ("checkbox", "radio") and nom in self._courant["champs"]:
                return
            if genre not in ("submit", "button", "file"):
                self._courant["champs"][nom] = a.get("value", "")
        elif balise == "textarea" and nom:
            self._courant["champs"][nom] = ""
        elif balise == "select" and nom:
            self._select = nom
            self._courant["champs"].setdefault(nom, "")
        elif balise == "option" and self._select:
            valeur = a.get("value", "")
            champs = self._courant["champs"]
            if not champs[self._select] or "selected" in a:
                champs[self._select] = valeur

    def handle_endtag(self, balise):
        if balise == "form":
            self._courant = None
        elif balise == "select":
            self._select = None


def _formulaires(contenu: str, url: str) -> list[dict]:
    lecteur = _Formulaires()
    lecteur.feed(contenu)
    for f in lecteur.formulaires:
        f["action"] = urljoin(url, f["action"]) if f["action"] else url
    return lecteur.formulaires


def test_garbage_in_every_field_of_every_form_never_makes_a_server_error(client):
    monde = creer_monde()
    pages = []
    for nom, _ in urls_du_projet():
        if MATRICE[nom] is POST_SEULEMENT or nom in ("deconnexion", "connexion"):
            continue
        pages.append(reverse(nom, args=monde.arguments.get(nom, [])))
    pages.append(reverse("dossiers:accompagnement", args=[monde.acc_clos.pk]))
    formulaires: dict[tuple[str, str], dict] = {}
    for identite in ECRIVAINS:
        agent = monde.identites[identite]
        client.force_login(agent)
        for url in pages + ([reverse(n) for n in PAGES_ADMIN] if identite == "admin" else []):
            reponse = client.get(url)
            if reponse.status_code != 200 or "html" not in reponse.get("Content-Type", ""):
                continue
            for f in _formulaires(reponse.content.decode(), url):
                chemin = f["action"].replace("http://testserver", "")
                if chemin.split("?")[0] in ACTIONS_EXCLUES:
                    continue
                # Each form once, posted by the first identity that reaches it.
                if chemin not in {c for _, c in formulaires}:
                    formulaires[(identite, chemin)] = f

    # Every POST-only view was reached through a page.
    atteintes = {resolve(chemin.split("?")[0]).view_name for _, chemin in formulaires}
    post_seulement = {n for n, _ in urls_du_projet() if MATRICE[n] is POST_SEULEMENT}
    assert post_seulement - {"deconnexion"} <= atteintes, post_seulement - atteintes

    envois = 0
    for (identite, chemin), f in formulaires.items():
        agent = monde.identites[identite]
        champs = {k: v for k, v in f["champs"].items() if k != "csrfmiddlewaretoken"}
        for champ in champs:
            for dechet in DECHETS:
                client.force_login(agent)
                reponse = client.post(chemin, {**champs, champ: dechet})
                envois += 1
                assert reponse.status_code < 500, (identite, chemin, champ, dechet)
    assert envois > 300
