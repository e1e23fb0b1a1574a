"""The statistics' entries of the menu."""

from django.urls import reverse

from parcours.lib.menu import Entree
from parcours.statistiques import perms


def entrees(user) -> list[Entree]:
    resultat = []
    if perms.can_view_statistiques(user):
        resultat.append(
            Entree("Statistiques", reverse("statistiques:tableau_de_bord"), "tableau_de_bord", 50)
        )
    if perms.can_manage_rapports(user):
        resultat.append(Entree("Rapport annuel", reverse("statistiques:rapports"), "rapports", 60))
    return resultat
