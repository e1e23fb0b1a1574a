import re

from django import forms
from django.utils import timezone

from parcours.dossiers.enums import (
    Complementaire,
    IssueAccompagnement,
    ModeEntretien,
    Sexe,
    SituationEmploi,
    SourceSignalement,
    StatutSignalement,
)
from parcours.dossiers.models import Mission, Objectif
from parcours.dossiers.sources import source_du_partenaire, source_par_defaut
from parcours.formulaires import DateInput, FormulaireDsfr, TelephoneField
from parcours.lib.dates import probleme_date_activite
from parcours.lib.nir import NirInvalide, normaliser_nir
from parcours.lib.texte import (
    LONGUEUR_ADRESSE,
    LONGUEUR_NOTES,
    LONGUEUR_TEXTE,
    normaliser,
)
from parcours.organisation.enums import Role
from parcours.organisation.models import Agent, LieuAccueil, Partenaire
from parcours.organisation.proximite import choix_groupes
from parcours.territoire.models import Commune


class NirField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "NIR (numéro de sécurité sociale)")
        kwargs.setdefault(
            "help_text", "15 caractères avec la clé, espaces permis : 2 95 10 99 126 111 93"
        )
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normaliser_nir(value)
        except NirInvalide as erreur:
            raise forms.ValidationError(str(erreur)) from None


class CommuneField(forms.CharField):
    """A commune by INSEE code or by name (accents and case ignored)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Commune de résidence")
        kwargs.setdefault("help_text", "nom ou code INSEE, par exemple Montauban ou 82121")
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "communes-proposees", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if len(value) == 5 and value[:2].isalnum() and value[2:].isdigit():
            commune = Commune.objects.filter(code=value.upper()).first()
            if commune:
                return commune
        entre_parentheses = re.search(r"\((\w{5})\)\s*$", value)
        if entre_parentheses:
            commune = Commune.objects.filter(code=entre_parentheses.group(1).upper()).first()
            if commune:
                return commune
        nom = value.rsplit("(", 1)[0].strip()
        candidates = [
            c
            for c in Commune.objects.communes().filter(nom__iexact=nom)[:10]
            if normaliser(c.nom) == normaliser(nom)
        ] or [
            c
            for c in Commune.objects.communes().filter(nom__icontains=nom.split(" ")[0])[:200]
            if normaliser(c.nom) == normaliser(nom)
        ]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise forms.ValidationError(f"commune inconnue « {value} »")
        codes = ", ".join(f"{c.code} ({c.departement_id})" for c in candidates)
        raise forms.ValidationError(
            f"plusieurs communes s'appellent {nom} : indiquez le code INSEE ({codes})"
        )


class IdentiteForm(FormulaireDsfr):
    nir = NirField()
    nom = forms.CharField(label="Nom", max_length=100)
    prenom = forms.CharField(label="Prénom", max_length=100)
    date_naissance = forms.DateField(label="Date de naissance", widget=DateInput())
    sexe = forms.ChoiceField(label="Sexe", choices=Sexe.choices, widget=forms.RadioSelect)
    commune = CommuneField(required=False)
    adresse = forms.CharField(
        label="Adresse",
        required=False,
        max_length=LONGUEUR_ADRESSE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    telephone = TelephoneField(required=False)
    email = forms.EmailField(label="Adresse électronique", required=False)

    def clean_date_naissance(self):
        valeur = self.cleaned_data["date_naissance"]
        if valeur > timezone.localdate():
            raise forms.ValidationError("la date de naissance ne peut pas être dans le futur")
        return valeur


class SituationForm(FormulaireDsfr):
    arret_travail_depuis = forms.DateField(
        label="En arrêt de travail depuis le", required=False, widget=DateInput()
    )
    ald = forms.BooleanField(label="Affection de longue durée (ALD)", required=False)
    invalidite = forms.BooleanField(label="Pension d'invalidité", required=False)
    css = forms.BooleanField(label="Complémentaire santé solidaire (CSS)", required=False)
    complementaire = forms.ChoiceField(
        label="Complémentaire santé", choices=Complementaire.choices, initial="INCONNU"
    )
    situation_emploi = forms.ChoiceField(
        label="Situation professionnelle",
        choices=[("", "—")] + SituationEmploi.choices,
        required=False,
    )
    situation_precision = forms.CharField(
        label="Situation : précisez", max_length=200, required=False
    )
    employeur = forms.CharField(label="Employeur", max_length=200, required=False)
    refus_campagnes = forms.BooleanField(
        label="La personne refuse d'être sollicitée par les campagnes d'aller-vers",
        required=False,
    )
    date_deces = forms.DateField(label="Décès connu, le", required=False, widget=DateInput())

    def clean(self):
        donnees = super().clean()
        if donnees.get("situation_emploi") == SituationEmploi.AUTRE and not donnees.get(
            "situation_precision"
        ):
            self.add_error("situation_precision", "précisez la situation")
        return donnees


class AssureForm(IdentiteForm, SituationForm):
    """Identity and situation together, the channels the person accepts for the service's
    messages, with the version the form was opened on."""

    consentement_sms = forms.BooleanField(
        label="La personne accepte de recevoir des SMS du service (rappels de rendez-vous)",
        required=False,
    )
    consentement_courriel = forms.BooleanField(
        label="La personne accepte de recevoir des courriels du service",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        donnees = super().clean()
        if donnees.get("consentement_sms") and not donnees.get("telephone"):
            self.add_error("consentement_sms", "indiquez le numéro de portable de la personne")
        if donnees.get("consentement_courriel") and not donnees.get("email"):
            self.add_error(
                "consentement_courriel", "indiquez l'adresse électronique de la personne"
            )
        return donnees


class SignalementForm(FormulaireDsfr):
    date = forms.DateField(label="Date de réception", widget=DateInput())
    source = forms.ChoiceField(label="Source", choices=SourceSignalement.choices)
    source_precision = forms.CharField(label="Source : précisez", max_length=200, required=False)
    motif = forms.CharField(
        label="Motif de la demande", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    mission = forms.ModelChoiceField(
        label="Mission suggérée",
        queryset=Mission.objects.actives(),
        required=False,
        empty_label="— à déterminer —",
    )
    commentaire = forms.CharField(
        label="Commentaire",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONGUEUR_TEXTE,
    )

    def __init__(self, *args, emetteur=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["source"].initial = SourceSignalement.ASSURE
        self.source_imposee = None
        if emetteur is not None and emetteur.role == Role.PARTENAIRE:
            # A partner sends in its own name, today (actions.enregistrer_signalement).
            source, precision, structure = source_du_partenaire(emetteur)
            self.source_imposee = structure.nom if structure else precision
            for champ in ("date", "source", "source_precision"):
                del self.fields[champ]
        elif emetteur is not None:
            self.fields["source"].initial = source_par_defaut(emetteur)

    def clean(self):
        donnees = super().clean()
        if donnees.get("source") == SourceSignalement.AUTRE and not donnees.get("source_precision"):
            self.add_error("source_precision", "précisez la source")
        if donnees.get("date") and donnees["date"] > timezone.localdate():
            self.add_error("date", "la date de réception ne peut pas être dans le futur")
        return donnees


class IntakeForm(IdentiteForm, SignalementForm):
    """A new signalement with the person's identity; `meme_personne` settles a homonym."""

    confirmer_nouvelle_personne = forms.BooleanField(
        label="Il s'agit bien d'une autre personne : créer un nouveau dossier", required=False
    )


def _agents_de_l_unite(unite_id, roles=(Role.ASS, Role.CADRE)):
    return Agent.objects.filter(unite_id=unite_id, role__in=roles, is_active=True).order_by(
        "nom", "prenom"
    )


class TriageForm(FormulaireDsfr):
    """The decision on a signalement; each decision has its own fields (the template shows
    those of the chosen decision only, with CSS: no JavaScript needed)."""

    statut = forms.ChoiceField(
        label="Suite donnée",
        choices=[c for c in StatutSignalement.choices if c[0] != StatutSignalement.A_TRAITER],
        widget=forms.RadioSelect,
    )
    mission = forms.ModelChoiceField(
        label="Mission",
        queryset=Mission.objects.actives(),
        required=False,
        empty_label="— choisir la mission —",
    )
    referent = forms.ModelChoiceField(
        label="Référent·e",
        queryset=Agent.objects.none(),
        required=False,
        empty_label="— choisir le ou la référent·e —",
    )
    mode = forms.ChoiceField(
        label="Mode de l'intervention",
        choices=ModeEntretien.choices,
        initial=ModeEntretien.TELEPHONE,
        required=False,
    )
    lieu_accueil = forms.ModelChoiceField(
        label="Lieu d'accueil",
        queryset=LieuAccueil.objects.none(),
        required=False,
    )
    motif_decision = forms.CharField(
        label="Orienté vers / motif",
        help_text="vers quel service la personne est orientée, ou pourquoi la demande sort du "
        "champ du service",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONGUEUR_TEXTE,
    )

    # The fields of each decision, in the order shown (actions.trier_signalement checks them).
    CHAMPS_PAR_DECISION = {
        StatutSignalement.ACCOMPAGNEMENT_OUVERT: ("mission", "referent"),
        StatutSignalement.INTERVENTION_PONCTUELLE: ("mode", "lieu_accueil"),
        StatutSignalement.ORIENTE_AILLEURS: ("motif_decision",),
        StatutSignalement.HORS_CHAMP: ("motif_decision",),
    }

    def __init__(self, *args, unite_id=None, commune=None, organisme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = _agents_de_l_unite(unite_id)
        lieux = LieuAccueil.objects.actifs().filter(unite__organisme=organisme)
        self.fields["lieu_accueil"].queryset = lieux
        self.fields["lieu_accueil"].choices = choix_groupes(
            lieux, unite_id=unite_id, commune=commune, organisme=organisme
        )
        self.fields["mission"].obligatoire_si = "pour ouvrir un accompagnement"
        self.fields["referent"].obligatoire_si = "pour ouvrir un accompagnement"
        self.fields["mode"].obligatoire_si = "pour une intervention ponctuelle"
        self.fields["lieu_accueil"].obligatoire_si = "pour une intervention au lieu d'accueil"
        self.fields["motif_decision"].obligatoire_si = "pour une orientation ou un hors champ"

    def champs_de_decision(self) -> list[dict]:
        """Each decision's field once, with the decisions that ask for it (CSS classes)."""
        decisions: dict[str, list[str]] = {}
        for decision, champs in self.CHAMPS_PAR_DECISION.items():
            for nom in champs:
                decisions.setdefault(nom, []).append(decision.value)
        return [{"champ": self[nom], "decisions": liste} for nom, liste in decisions.items()]


class OuvertureForm(FormulaireDsfr):
    mission = forms.ModelChoiceField(label="Mission", queryset=Mission.objects.actives())
    referent = forms.ModelChoiceField(label="Référent·e", queryset=Agent.objects.none())
    date_debut = forms.DateField(label="Date d'ouverture", widget=DateInput())

    def __init__(self, *args, unite_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = _agents_de_l_unite(unite_id)
        self.fields["date_debut"].initial = timezone.localdate()


class AccompagnementForm(OuvertureForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClotureForm(FormulaireDsfr):
    date_fin = forms.DateField(label="Date de clôture", widget=DateInput())
    issue = forms.ChoiceField(
        label="Issue",
        choices=[("", "—")] + IssueAccompagnement.choices,
        error_messages={"required": "la clôture exige une issue"},
    )
    issue_precision = forms.CharField(label="Issue : précisez", max_length=200, required=False)
    malgre_actions_en_retard = forms.BooleanField(
        label="Clore malgré les actions en retard du plan d'aide", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_fin"].initial = timezone.localdate()


def choix_des_agents(agent) -> list:
    """The colleagues an agent may name at a joint interview: their unit's first, then each
    other unit of the organisme; every name with its role (and unit) — no homonym is ambiguous."""
    collegues = (
        Agent.objects.filter(
            organisme_id=agent.organisme_id,
            is_active=True,
            role__in=(Role.ASS, Role.CSAM, Role.CADRE),
        )
        .exclude(pk=agent.pk)
        .select_related("unite")
        .order_by("unite__nom", "nom", "prenom")
    )
    par_unite: dict = {}
    for collegue in collegues:
        par_unite.setdefault(collegue.unite, []).append(collegue)
    choix: list = [("", "— personne —")]
    unites = sorted(par_unite, key=lambda u: (u is None or u.pk != agent.unite_id, str(u)))
    for unite in unites:
        titre = f"Votre unité — {unite}" if unite and unite.pk == agent.unite_id else str(unite)
        choix.append(
            (
                titre,
                [
                    (c.pk, f"{c.nom} {c.prenom} — {Role(c.role).label}, {unite}")
                    for c in par_unite[unite]
                ],
            )
        )
    return choix


def choix_des_partenaires(organisme_id) -> list:
    """The organisme's partner directory, by category."""
    par_categorie: dict = {}
    for partenaire in Partenaire.objects.actifs().de_l_organisme(organisme_id).order_by("nom"):
        par_categorie.setdefault(partenaire.get_categorie_display(), []).append(
            (partenaire.pk, partenaire.nom)
        )
    return [("", "— aucun —")] + [
        (categorie[:1].upper() + categorie[1:], liste)
        for categorie, liste in sorted(par_categorie.items())
    ]


class EntretienForm(FormulaireDsfr):
    date = forms.DateField(label="Date", widget=DateInput())
    mode = forms.ChoiceField(label="Mode", choices=ModeEntretien.choices)
    lieu_accueil = forms.ModelChoiceField(
        label="Lieu d'accueil", queryset=LieuAccueil.objects.none(), required=False
    )
    duree_minutes = forms.IntegerField(
        label="Durée (minutes)", min_value=1, max_value=600, required=False
    )
    second_agent = forms.ModelChoiceField(
        label="Second agent (entretien en binôme)",
        queryset=Agent.objects.none(),
        required=False,
        help_text="les collègues de votre unité d'abord, puis ceux des autres unités ; tapez "
        "les premières lettres du nom pour y aller",
    )
    partenaire = forms.ModelChoiceField(
        label="Partenaire présent (entretien conjoint)",
        queryset=Partenaire.objects.none(),
        required=False,
        help_text="une structure de l'annuaire des partenaires",
    )
    partenaire_present = forms.CharField(
        label="Personne présente pour le partenaire",
        help_text="nom et fonction, par exemple « Mme Durand, conseillère MisaS »",
        max_length=200,
        required=False,
    )
    notes = forms.CharField(
        label="Notes d'entretien",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONGUEUR_NOTES,
    )

    def __init__(self, *args, agent, assure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        lieux = LieuAccueil.objects.actifs().filter(unite__organisme_id=agent.organisme_id)
        self.fields["lieu_accueil"].queryset = lieux
        choix = choix_groupes(
            lieux,
            unite_id=agent.unite_id,
            commune=assure.commune if assure is not None else None,
            organisme=agent.organisme,
        )
        self.fields["lieu_accueil"].choices = choix
        if assure is not None and assure.commune_id and len(choix) > 1:
            # The default mode is « au lieu d'accueil »: the place nearest the person is the
            # likely one, chosen already (one action less).
            self.fields["lieu_accueil"].initial = choix[1][1][0][0]
        self.fields["second_agent"].queryset = Agent.objects.filter(
            organisme_id=agent.organisme_id,
            is_active=True,
            role__in=(Role.ASS, Role.CSAM, Role.CADRE),
        ).exclude(pk=agent.pk)
        self.fields["second_agent"].choices = choix_des_agents(agent)
        self.fields["partenaire"].queryset = Partenaire.objects.actifs().de_l_organisme(
            agent.organisme_id
        )
        self.fields["partenaire"].choices = choix_des_partenaires(agent.organisme_id)
        # Required with the default mode: said so, not « (facultatif) ».
        self.fields["lieu_accueil"].obligatoire_si = "pour un entretien au lieu d'accueil"

    def clean(self):
        donnees = super().clean()
        if donnees.get("mode") == ModeEntretien.LIEU_ACCUEIL and not donnees.get("lieu_accueil"):
            self.add_error("lieu_accueil", "indiquez le lieu d'accueil de l'entretien")
        if donnees.get("partenaire_present") and not donnees.get("partenaire"):
            self.add_error("partenaire", "choisissez la structure de la personne présente")
        return donnees


class CorrectionEntretienForm(EntretienForm):
    motif = forms.CharField(
        label="Motif de la correction",
        help_text="par exemple « mauvais collègue en binôme » : il reste dans l'historique",
        max_length=90,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnnulationEntretienForm(FormulaireDsfr):
    motif_annulation = forms.CharField(
        label="Motif de l'annulation",
        help_text="par exemple « saisi dans le mauvais dossier »",
        max_length=300,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ObjectifForm(FormulaireDsfr):
    libelle = forms.CharField(label="Nouvel objectif", max_length=300)


class ActionForm(FormulaireDsfr):
    libelle = forms.CharField(label="Nouvelle action", max_length=300)
    objectif = forms.ModelChoiceField(
        label="Objectif", queryset=Objectif.objects.none(), required=False
    )
    partenaire = forms.CharField(label="Partenaire impliqué", max_length=200, required=False)
    echeance = forms.DateField(label="Échéance", required=False, widget=DateInput())

    def __init__(self, *args, accompagnement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accompagnement is not None:
            self.fields["objectif"].queryset = accompagnement.objectifs.all()


class OrientationForm(FormulaireDsfr):
    date = forms.DateField(label="Date", widget=DateInput())
    partenaire = forms.CharField(label="Partenaire", max_length=200)
    motif = forms.CharField(
        label="Motif", widget=forms.Textarea(attrs={"rows": 2}), max_length=LONGUEUR_TEXTE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReponseForm(FormulaireDsfr):
    reponse = forms.CharField(
        label="Réponse reçue", widget=forms.Textarea(attrs={"rows": 2}), max_length=LONGUEUR_TEXTE
    )
    date_reponse = forms.DateField(label="Date de la réponse", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_reponse"].initial = timezone.localdate()


class RechercheForm(FormulaireDsfr):
    q = forms.CharField(
        label="Nom (suivi du prénom) ou NIR",
        max_length=100,
        help_text="le début du nom suffit, sans se soucier des accents : « lefe » trouve Lefèvre",
    )


class FiltreAccompagnementsForm(FormulaireDsfr):
    mission = forms.ModelChoiceField(
        label="Mission", queryset=Mission.objects.all(), required=False, empty_label="Toutes"
    )
    statut = forms.ChoiceField(
        label="Statut",
        choices=[("en_cours", "en cours"), ("clos", "clos"), ("tous", "tous")],
        required=False,
        initial="en_cours",
    )
    sans_contact = forms.IntegerField(
        label="Sans contact depuis (jours)", min_value=1, max_value=3650, required=False
    )


class FiltreJournalForm(FormulaireDsfr):
    """The access log's filters, in GET: kept in the pages' links, never a name nor a NIR.

    The person is their internal id (the dossier page's link sets it, a hidden field keeps it):
    a number that means nothing outside the service, already in every dossier's address."""

    personne = forms.IntegerField(
        label="Dossier",
        required=False,
        min_value=1,
        max_value=10**18 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Dossier inconnu : ouvrez le journal depuis la page du dossier.",
            "min_value": "Dossier inconnu : ouvrez le journal depuis la page du dossier.",
            "max_value": "Dossier inconnu : ouvrez le journal depuis la page du dossier.",
        },
    )
    agent = forms.ModelChoiceField(
        label="Agent",
        queryset=Agent.objects.none(),
        required=False,
        empty_label="Tous les agents",
        error_messages={"invalid_choice": "Choisissez un agent de la liste."},
    )
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents

    def clean(self):
        donnees = super().clean()
        aujourd_hui = timezone.localdate()
        for champ in ("du", "au"):
            jour = donnees.get(champ)
            if jour and (probleme := probleme_date_activite(jour, aujourd_hui)):
                self.add_error(champ, probleme)
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and du > au:
            self.add_error("au", "la date de fin précède la date de début")
        return donnees
