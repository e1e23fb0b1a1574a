"""The dossiers' entries of the menu."""

from django.urls import reverse

from parcours.dossiers import perms
from parcours.lib.menu import Entree
from parcours.organisation.enums import Role
from parcours.organisation.perms import role_de


def entrees(user) -> list[Entree]:
    role = role_de(user)
    resultat = []
    if perms.can_read_accompagnements(user):
        libelle = "Mes accompagnements" if role == Role.ASS else "Accompagnements"
        resultat.append(
            Entree(libelle, reverse("dossiers:mes_accompagnements"), "mes_accompagnements", 20)
        )
    if perms.can_create_signalement(user):
        libelle = "Mes signalements" if role == Role.PARTENAIRE else "Signalements"
        resultat.append(Entree(libelle, reverse("dossiers:signalements"), "signalements", 30))
    if perms.can_view_dossiers(user):
        resultat.append(Entree("Rechercher", reverse("dossiers:recherche"), "recherche", 40))
    if perms.can_read_journal(user):
        resultat.append(
            Entree("Journal des consultations", reverse("dossiers:journal"), "journal", 100)
        )
    return resultat
