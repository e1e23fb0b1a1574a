"""The menu (only what the role may use) and the demo label, on every page.

Each app publishes its entries in its own `menu.py`; the shell gathers and orders them."""

from django.conf import settings
from django.urls import reverse

from parcours.campagnes import menu as campagnes
from parcours.dossiers import menu as dossiers
from parcours.imports import menu as imports
from parcours.lib.menu import Entree
from parcours.observatoire import menu as observatoire
from parcours.organisation import menu as organisation
from parcours.rendezvous import menu as rendezvous
from parcours.statistiques import menu as statistiques

MENUS_DES_APPLICATIONS = (
    dossiers.entrees,
    rendezvous.entrees,
    campagnes.entrees,
    statistiques.entrees,
    observatoire.entrees,
    organisation.entrees,
    imports.entrees,
)


def menu_for(user) -> list[Entree]:
    if not user.is_authenticated:
        return []
    entrees = [Entree("Accueil", reverse("accueil"), "accueil", 0)]
    for entrees_de in MENUS_DES_APPLICATIONS:
        entrees.extend(entrees_de(user))
    return sorted(entrees, key=lambda e: e.rang)


def navigation(request) -> dict:
    user = request.user
    demo = settings.DEMO
    if not demo and user.is_authenticated and user.organisme_id is not None:
        demo = user.organisme.demonstration
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"menu": menu_for(user), "demo": demo, "page_active": url_name}
