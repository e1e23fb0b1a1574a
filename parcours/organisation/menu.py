"""The organisation's entries of the menu: places, team, accounts, administration."""

from django.urls import reverse

from parcours.lib.menu import Entree
from parcours.messagerie.courriels import dossier_courriels
from parcours.organisation import perms


def entrees(user) -> list[Entree]:
    resultat = []
    if perms.can_view_lieux_accueil(user):
        resultat.append(Entree("Lieux d'accueil", reverse("lieux_accueil"), "lieux_accueil", 80))
    if perms.can_view_equipe(user):
        resultat.append(Entree("Mon équipe", reverse("equipe"), "equipe", 90))
    if perms.can_read_journal_comptes(user):
        resultat.append(
            Entree("Journal des comptes", reverse("journal_comptes"), "journal_comptes", 110)
        )
    if perms.can_read_envois(user):
        resultat.append(Entree("Messages envoyés", reverse("envois"), "envois", 125))
    if perms.can_administer(user):
        resultat.append(Entree("Administration", reverse("admin:index"), "admin", 130))
        if dossier_courriels() is not None:
            resultat.append(Entree("Courriels envoyés", reverse("courriels"), "courriels", 140))
    return resultat
