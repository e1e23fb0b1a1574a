"""The menu (only what the role may use) and the demo label, on every page."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from parcours.dossiers import perms as dossiers_perms
from parcours.imports import perms as imports_perms
from parcours.messagerie.courriels import dossier_courriels
from parcours.organisation import perms
from parcours.statistiques import perms as statistiques_perms
from parcours.territoire import perms as territoire_perms


@dataclass(frozen=True)
class Entree:
    libelle: str
    url: str
    nom: str


def menu_for(user) -> list[Entree]:
    if not user.is_authenticated:
        return []
    entrees = [Entree("Accueil", reverse("accueil"), "accueil")]
    if dossiers_perms.can_read_accompagnements(user):
        libelle = "Mes accompagnements" if user.role == "ass" else "Accompagnements"
        entrees.append(
            Entree(libelle, reverse("dossiers:mes_accompagnements"), "mes_accompagnements")
        )
    if dossiers_perms.can_create_signalement(user):
        libelle = "Mes signalements" if user.role == "partenaire" else "Signalements"
        entrees.append(Entree(libelle, reverse("dossiers:signalements"), "signalements"))
    if dossiers_perms.can_view_dossiers(user):
        entrees.append(Entree("Rechercher", reverse("dossiers:recherche"), "recherche"))
    if statistiques_perms.can_view_statistiques(user):
        entrees.append(
            Entree("Statistiques", reverse("statistiques:tableau_de_bord"), "tableau_de_bord")
        )
    if statistiques_perms.can_manage_rapports(user):
        entrees.append(Entree("Rapport annuel", reverse("statistiques:rapports"), "rapports"))
    if territoire_perms.can_view_observatoire(user):
        entrees.append(Entree("Observatoire", reverse("territoire:observatoire"), "observatoire"))
    if perms.can_view_lieux_accueil(user):
        entrees.append(Entree("Lieux d'accueil", reverse("lieux_accueil"), "lieux_accueil"))
    if perms.can_view_equipe(user):
        entrees.append(Entree("Mon équipe", reverse("equipe"), "equipe"))
    if dossiers_perms.can_read_journal(user):
        entrees.append(Entree("Journal des consultations", reverse("dossiers:journal"), "journal"))
    if perms.can_read_journal_comptes(user):
        entrees.append(Entree("Journal des comptes", reverse("journal_comptes"), "journal_comptes"))
    if imports_perms.can_import_any(user):
        entrees.append(Entree("Import de données", reverse("imports:televerser"), "televerser"))
    if perms.can_administer(user):
        entrees.append(Entree("Administration", reverse("admin:index"), "admin"))
        if dossier_courriels() is not None:
            entrees.append(Entree("Courriels envoyés", reverse("courriels"), "courriels"))
    return entrees


def navigation(request) -> dict:
    user = request.user
    demo = settings.DEMO
    if not demo and user.is_authenticated and user.organisme_id is not None:
        demo = user.organisme.demonstration
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"menu": menu_for(user), "demo": demo, "page_active": url_name}
