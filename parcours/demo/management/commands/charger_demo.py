"""python manage.py charger_demo: the synthetic demo Carsat (Midi-Pyrénées), idempotent."""

from django.core.management.base import BaseCommand, CommandError

from parcours.demo.campagnes import campagnes_presentes, generer_campagnes
from parcours.demo.fragilite import csv_fragilite_demo
from parcours.demo.historique import generer_historique, historique_present
from parcours.demo.organisation import COMPTES_DEMO, MOT_DE_PASSE_DEMO, generer_demo
from parcours.demo.rapport import textes_de_demo
from parcours.demo.rendezvous import agendas_presents, generer_rendezvous
from parcours.imports.engine import importer
from parcours.observatoire import calculs


class Command(BaseCommand):
    help = (
        "Crée ou met à jour la Carsat de démonstration (données synthétiques sur la géographie "
        "réelle de Midi-Pyrénées) et ses comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sans-historique",
            action="store_true",
            help="ne pas générer les deux ans d'historique (dossiers, entretiens…)",
        )

    def handle(self, *args, sans_historique=False, **options):
        try:
            organisme = generer_demo()
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        if not sans_historique:
            if historique_present(organisme):
                self.stdout.write("Historique de démonstration déjà présent.")
            else:
                bilan = generer_historique(organisme)
                self.stdout.write(
                    f"Historique de démonstration (deux ans) : {bilan.assures} personnes, "
                    f"{bilan.signalements} signalements, {bilan.accompagnements} accompagnements, "
                    f"{bilan.entretiens} entretiens."
                )
        if agendas_presents(organisme):
            self.stdout.write("Agendas de démonstration déjà présents.")
        else:
            agendas = generer_rendezvous(organisme)
            statuts = agendas.statuts
            self.stdout.write(
                f"Agendas de démonstration : {agendas.plages} plages d'ouverture dans "
                f"{agendas.lieux} lieux d'accueil, {agendas.absences} absences, "
                f"{agendas.rendez_vous} rendez-vous ({statuts['PREVU']} prévus, {statuts['VU']} "
                f"vus, {statuts['ABSENT']} absents, {statuts['EXCUSE']} excusés, "
                f"{statuts['ANNULE_PERSONNE'] + statuts['ANNULE_SERVICE']} annulés)."
            )
        textes = textes_de_demo(organisme)
        self.stdout.write(f"Textes de démonstration du rapport annuel {textes.annee}.")
        self._observatoire(organisme)
        if campagnes_presentes(organisme):
            self.stdout.write("Campagnes de démonstration déjà présentes.")
        for c in generer_campagnes(organisme):  # after the observatory: the priority reads it
            self.stdout.write(
                f"Campagne de démonstration « {c.nom} » ({c.statut}) : {c.lignes} lignes, "
                f"{c.retenues} retenues, {c.contactees} contactées, {c.acceptantes} acceptantes, "
                f"{c.vues} rendez-vous honorés, {c.accompagnements} accompagnements ouverts."
            )
        unites = organisme.unites.count()
        lieux = sum(u.lieux_accueil.count() for u in organisme.unites.all())
        agents = organisme.agents.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisme.nom} : {unites} unités, {lieux} lieux d'accueil, {agents} agents "
                "(données de démonstration)."
            )
        )
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (un par rôle) :")
        for compte in COMPTES_DEMO:
            self.stdout.write(f"  {compte.matricule:<16} {compte.role:<11} {compte.description}")
        self.stdout.write(f"  mot de passe commun : {MOT_DE_PASSE_DEMO}")

    def _observatoire(self, organisme) -> None:
        """Synthetic fragility counts on the real populations, then the observatory."""
        if not calculs.a_des_donnees_de_fragilite(organisme):
            contenu = csv_fragilite_demo(calculs.departements(organisme))
            rapport = importer(
                "fragilite", contenu.encode(), nom_fichier="fragilite-demonstration-synthetique.csv"
            )
            if not rapport.accepte:
                raise CommandError(f"données de fragilité de démonstration : {rapport.resume()}")
            self.stdout.write(
                f"Données de fragilité synthétiques : {rapport.lignes} communes (tirées au hasard "
                "sur les populations réelles)."
            )
        if calculs.dernier_calcul(organisme) is None:
            calculs.calculer(organisme, calculs.Parametres(annee=calculs.annee_par_defaut()))
            self.stdout.write("Observatoire territorial calculé.")
