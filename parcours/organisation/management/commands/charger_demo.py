"""python manage.py charger_demo: the synthetic demo Carsat (Midi-Pyrénées), idempotent."""

from django.core.management.base import BaseCommand, CommandError

from parcours.organisation.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO, generer_demo


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
        from parcours.dossiers.demo import generer_historique, historique_present
        from parcours.statistiques.demo import textes_de_demo

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
        textes = textes_de_demo(organisme)
        self.stdout.write(f"Textes de démonstration du rapport annuel {textes.annee}.")
        self._observatoire(organisme)
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
        from parcours.imports.engine import importer
        from parcours.territoire import observatoire
        from parcours.territoire.fragilite import csv_fragilite_demo

        if not observatoire.a_des_donnees_de_fragilite(organisme):
            contenu = csv_fragilite_demo(observatoire.departements(organisme))
            rapport = importer(
                "fragilite", contenu.encode(), nom_fichier="fragilite-demonstration-synthetique.csv"
            )
            if not rapport.accepte:
                raise CommandError(f"données de fragilité de démonstration : {rapport.resume()}")
            self.stdout.write(
                f"Données de fragilité synthétiques : {rapport.lignes} communes (tirées au hasard "
                "sur les populations réelles)."
            )
        if observatoire.dernier_calcul(organisme) is None:
            observatoire.calculer(
                organisme, observatoire.Parametres(annee=observatoire.annee_par_defaut())
            )
            self.stdout.write("Observatoire territorial calculé.")
