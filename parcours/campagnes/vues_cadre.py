"""The cadre's pages of the campaigns (issue 15, points 1–4 and the validation): the organisme's
campaigns, a campaign's parameters, its target list uploaded and checked in the background, the
rows to correct, to confirm, excluded and retained (with their priority explained), the
priority's weights, and the validation.

Only a unit manager (`cadre`) reaches them, and only for their organisme's campaigns: another
organisme's campaign or row answers 404, as if it did not exist (parcours.campagnes.perms). The
list changes only while the campaign is in preparation. The work is in parcours.campagnes.liste.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.campagnes import analyse, contacts, liste, perms
from parcours.campagnes.enums import CanalContact, EtatCible, SourceCampagne, StatutCampagne
from parcours.campagnes.models import Campagne, Cible
from parcours.dossiers.models import Assure, Mission
from parcours.formulaires import (
    ChoixModele,
    ChoixModeles,
    DateInput,
    FormulaireDsfr,
    FormulaireModeleDsfr,
    appliquer_classes_dsfr,
    rafraichir_version,
)
from parcours.imports.televersement import en_mo, taille_max
from parcours.lib.verrou import ConflitDeVersion
from parcours.messagerie.sms import ErreurSms, verifier_un_sms
from parcours.organisation.models import Unite
from parcours.rendezvous.models import Motif

LIGNES_PAR_PAGE = 50
# The self-booking link appended to the SMS is this long at most (parcours.rendezvous.liens).
LIEN_FICTIF = "x" * 65

# The tabs of the list: label, rows, order, the figure of liste.comptes() they show.
ONGLETS = {
    "corriger": ("À corriger", Q(etat=EtatCible.ERREUR), ("ligne",), "erreurs"),
    "confirmer": ("À confirmer", liste.A_CONFIRMER, ("ligne",), "a_confirmer"),
    "exclues": ("Exclues", Q(etat=EtatCible.EXCLUE), ("ligne",), "exclues"),
    "retenues": ("Retenues", Q(etat=EtatCible.RETENUE), ("-score", "ligne"), "retenues"),
}


# Access --------------------------------------------------------------------------------------


def get_campagne_for_user(user, pk: int) -> Campagne:
    """A campaign of the cadre's organisme; 403 to every other role, 404 outside it."""
    if not perms.can_manage(user):
        raise PermissionDenied
    try:
        return perms.campagnes_visibles(user).get(pk=pk)
    except Campagne.DoesNotExist:
        raise Http404("campagne introuvable") from None


def get_cible_for_user(user, pk: int) -> Cible:
    """A row of a campaign of the cadre's organisme; 403 to every other role, 404 outside."""
    if not perms.can_manage(user):
        raise PermissionDenied
    try:
        return perms.cibles_visibles(user).select_related("campagne").get(pk=pk)
    except Cible.DoesNotExist:
        raise Http404("ligne introuvable") from None


def _onglet(valeur: str | None) -> str | None:
    return valeur if valeur in ONGLETS else None


def _vers_campagne(campagne: Campagne, onglet: str | None = None, ancre: str = "") -> str:
    url = reverse("campagnes:campagne", args=[campagne.pk])
    if onglet:
        url += "?" + urlencode({"onglet": onglet})
    return url + (f"#{ancre}" if ancre else "")


def _figee(request: HttpRequest, campagne: Campagne) -> HttpResponse | None:
    """A redirection with the reason when the campaign's list may not change any more."""
    if campagne.statut == StatutCampagne.PREPARATION:
        return None
    messages.error(request, liste.MESSAGE_FIGEE[0].upper() + liste.MESSAGE_FIGEE[1:] + ".")
    return redirect(_vers_campagne(campagne))


def _phrase(texte: str) -> str:
    """A rule's message as a sentence on the page."""
    texte = str(texte)
    return texte[:1].upper() + texte[1:] + ("" if texte.endswith(".") else ".")


# The campaigns -------------------------------------------------------------------------------


@require_GET
def liste_campagnes(request: HttpRequest) -> HttpResponse:
    """The organisme's campaigns, newest first, with their status and their rows' figures."""
    user = request.user
    if not perms.can_manage(user):
        raise PermissionDenied
    campagnes = perms.campagnes_visibles(user).select_related("mission").order_by("-cree_le", "-pk")
    return render(
        request,
        "campagnes/cadre_liste.html",
        {"campagnes": liste.comptes_des_campagnes(campagnes)},
    )


CODE = re.compile(r"^[A-Za-z0-9_-]+$")


class CampagneForm(FormulaireModeleDsfr):
    """A campaign's parameters; once validated, only a few stay editable."""

    canaux = forms.MultipleChoiceField(
        label="Canaux autorisés",
        choices=CanalContact.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, max_value=2**31 - 1)

    class Meta:
        model = Campagne
        field_classes = {
            "mission": ChoixModele,
            "motif_rendez_vous": ChoixModele,
            "unites": ChoixModeles,
        }
        fields = [
            "nom",
            "code",
            "mission",
            "source",
            "unites",
            "date_debut",
            "date_fin",
            "canaux",
            "validite_jours",
            "relance_jours",
            "recontact_mois",
            "motif_rendez_vous",
            "texte_sms",
            "texte_courriel",
        ]
        widgets = {
            "unites": forms.CheckboxSelectMultiple,
            "date_debut": DateInput,
            "date_fin": DateInput,
            "texte_sms": forms.Textarea(attrs={"rows": 3}),
            "texte_courriel": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "code": "lettres, chiffres, « - » ou « _ » ; celui de la commande « cibles »",
            "validite_jours": "10 jours par défaut",
            "relance_jours": "3 jours par défaut ; la relance part seulement si l'invitation "
            "reste valable au moins 2 jours de plus",
            "texte_sms": "un seul SMS, lien de prise de rendez-vous compris ; aucun détail de "
            "santé (ni motif ni mission). Vide : « Service social Assurance Maladie : un "
            "rendez-vous vous est proposé »",
            "texte_courriel": "aucun détail de santé ; le lien de prise de rendez-vous est ajouté",
        }

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisme_id = organisme_id
        instance = self.instance
        self.fields["unites"].queryset = Unite.objects.filter(organisme_id=organisme_id)
        self.fields["unites"].required = False
        self.fields["unites"].help_text = "aucune : toutes les unités de l'organisme"
        self.fields["mission"].queryset = Mission.objects.filter(
            Q(active=True) | Q(pk=instance.mission_id)
        )
        self.fields["motif_rendez_vous"].queryset = Motif.objects.filter(
            Q(actif=True, reservable_par_la_personne=True) | Q(pk=instance.motif_rendez_vous_id)
        )
        self.fields["motif_rendez_vous"].help_text = (
            "celui du lien de prise de rendez-vous envoyé par SMS ou courriel (motifs "
            "réservables par la personne)"
        )
        if instance.pk is not None and instance.statut != StatutCampagne.PREPARATION:
            for nom, champ in self.fields.items():
                if nom not in (*liste.CHAMPS_APRES_VALIDATION, "version"):
                    champ.disabled = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE.match(code):
            raise forms.ValidationError("lettres sans accent, chiffres, « - » ou « _ » seulement")
        autres = Campagne.objects.filter(organisme_id=self.organisme_id, code=code)
        if self.instance.pk is not None:
            autres = autres.exclude(pk=self.instance.pk)
        if autres.exists():
            raise forms.ValidationError("une autre campagne de l'organisme porte déjà ce code")
        return code

    def clean_texte_sms(self) -> str:
        texte = self.cleaned_data["texte_sms"].strip()
        if texte:
            # The SMS as it leaves, with a link of the longest length.
            complet = render_to_string(
                "messagerie/sms/invitation_campagne.txt", {"texte": texte, "lien": LIEN_FICTIF}
            ).strip()
            try:
                verifier_un_sms(complet)
            except ErreurSms as erreur:
                raise forms.ValidationError(
                    f"{erreur} (lien de prise de rendez-vous compris)"
                ) from None
        return texte

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "la fin de la période précède son début")
        validite, relance = donnees.get("validite_jours"), donnees.get("relance_jours")
        if validite and relance and validite - relance < 2:
            self.add_error(
                "relance_jours",
                "la relance doit partir au moins 2 jours avant la fin de validité de "
                f"l'invitation ({validite} jours) : {max(validite - 2, 0)} jours au plus",
            )
        canaux = donnees.get("canaux") or []
        messagerie = {CanalContact.SMS, CanalContact.COURRIEL} & set(canaux)
        if messagerie and not donnees.get("motif_rendez_vous"):
            self.add_error(
                "motif_rendez_vous",
                "choisissez le motif du rendez-vous proposé : les invitations par SMS ou "
                "courriel portent un lien de prise de rendez-vous",
            )
        return donnees


def _enregistrer(request: HttpRequest, campagne: Campagne) -> HttpResponse:
    """The form of a new campaign, or of one to modify (optimistic locking on its version)."""
    user = request.user
    nouvelle = campagne.pk is None
    actuel = None
    if request.method == "POST":
        form = CampagneForm(request.POST, instance=campagne, organisme_id=user.organisme_id)
        if form.is_valid():
            champs = {nom: valeur for nom, valeur in form.cleaned_data.items() if nom != "version"}
            try:
                enregistree = liste.enregistrer_campagne(
                    Campagne() if nouvelle else campagne,
                    champs,
                    acting_user=user,
                    version=form.cleaned_data.get("version"),
                )
            except ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                actuel = conflit.objet
                rafraichir_version(form, actuel.version)
            else:
                messages.success(
                    request, "Campagne créée." if nouvelle else "Campagne enregistrée."
                )
                return redirect("campagnes:campagne", pk=enregistree.pk)
    else:
        form = CampagneForm(
            instance=campagne,
            initial={"version": campagne.version} if not nouvelle else {},
            organisme_id=user.organisme_id,
        )
    return render(
        request,
        "campagnes/cadre_formulaire.html",
        {"form": form, "campagne": None if nouvelle else campagne, "actuel": actuel},
    )


@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage(request.user):
        raise PermissionDenied
    return _enregistrer(request, Campagne(organisme_id=request.user.organisme_id))


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    return _enregistrer(request, get_campagne_for_user(request.user, pk))


# A campaign's page ---------------------------------------------------------------------------


class ListeForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Fichier cibles.csv",
        help_text="UTF-8, séparateur « ; » ou « , », une ligne d'en-tête : "
        + ";".join(analyse.COLONNES),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].widget.attrs["accept"] = ".csv,text/csv"


class PoidsForm(FormulaireDsfr):
    """The points of each named contribution of the priority (0 to 10)."""

    def __init__(self, *args, poids: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for code, libelle in analyse.LIBELLES_CONTRIBUTIONS.items():
            self.fields[code] = forms.IntegerField(
                label=libelle[:1].upper() + libelle[1:],
                min_value=0,
                max_value=10,
                initial=poids.get(code, 0),
            )
        # The fields exist only now: their DSFR classes too.
        appliquer_classes_dsfr(self)


def _lignes(campagne: Campagne, onglet: str, comptes: dict, numero: str | None):
    """The tab's page of rows, with each row's contributions weighed and, to confirm, the
    persons proposed: a constant number of queries whatever the list's length."""
    _, filtre, ordre, compte = ONGLETS[onglet]
    lignes = Cible.objects.filter(campagne=campagne).filter(filtre).order_by(*ordre, "pk")
    paginator = Paginator(lignes, LIGNES_PAR_PAGE)
    # The count is already known (liste.comptes): no second query for it.
    paginator.__dict__["count"] = comptes[compte]
    page = paginator.get_page(numero)
    poids = campagne.poids_effectifs()
    cibles = list(page.object_list)
    proposes = {}
    if onglet == "confirmer":
        ids = {pk for c in cibles for pk in c.homonymes}
        proposes = {a.pk: a for a in Assure.objects.filter(pk__in=ids).select_related("commune")}
    for cible in cibles:
        cible.parts = [(poids.get(code, 0), texte) for code, texte in cible.contributions]
        cible.proposes = [proposes[pk] for pk in cible.homonymes if pk in proposes]
    page.object_list = cibles
    return page, paginator


@require_http_methods(["GET", "POST"])
def campagne(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign: its figures, the upload of its list (in preparation), the rows by tab, the
    weights and the validation."""
    user = request.user
    objet = get_campagne_for_user(user, pk)
    en_preparation = objet.statut == StatutCampagne.PREPARATION
    form = ListeForm()
    erreur_fichier = ""
    statut = 200
    if request.method == "POST":
        if (reponse := _figee(request, objet)) is not None:
            return reponse
        form = ListeForm(request.POST, request.FILES)
        if trop_gros := getattr(request, "televersement_trop_gros", None):
            form = ListeForm()
            erreur_fichier = (
                f"fichier trop volumineux ({en_mo(trop_gros)}) : une liste peut peser "
                f"{en_mo(taille_max())} au plus"
            )
            statut = 400
        elif form.is_valid():
            try:
                liste.televerser(objet, form.cleaned_data["fichier"], acting_user=user)
            except contacts.RegleCampagne as erreur:
                messages.error(request, _phrase(erreur))
            return redirect(_vers_campagne(objet, ancre="liste-cibles"))
        else:
            statut = 400
    comptes = liste.comptes(objet)
    onglet = _onglet(request.GET.get("onglet"))
    if onglet is None:
        onglet = next((o for o in ("corriger", "confirmer") if comptes[ONGLETS[o][3]]), "retenues")
    page, paginator = _lignes(objet, onglet, comptes, request.GET.get("page"))
    filtres = QueryDict(mutable=True)
    filtres["onglet"] = onglet
    return render(
        request,
        "campagnes/cadre_campagne.html",
        {
            **_progression(objet),
            "en_preparation": en_preparation,
            "comptes": comptes,
            "exclusions": liste.comptes_par_exclusion(objet),
            "form": form,
            "erreur_fichier": erreur_fichier,
            "poids": PoidsForm(poids=objet.poids_effectifs(), auto_id="poids_%s"),
            "onglet": onglet,
            "onglets": [
                (code, libelle, comptes[compte])
                for code, (libelle, _, _, compte) in ONGLETS.items()
            ],
            "page": page,
            "pages": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtres": filtres,
            "canaux": [CanalContact(c).label for c in objet.canaux if c in CanalContact.values],
            "source": SourceCampagne(objet.source).label if objet.source else "",
        },
        status=statut,
    )


def _progression(campagne: Campagne, *, rafraichir: bool = False) -> dict:
    """What the progress fragment shows of the campaign's latest upload."""
    derniere = liste.derniere_liste(campagne)
    en_cours = derniere is not None and derniere.statut in liste.STATUTS_EN_COURS
    return {
        "campagne": campagne,
        "derniere": derniere,
        "en_cours": en_cours,
        "en_attente": en_cours and derniere.statut == liste.StatutListe.EN_ATTENTE,
        "detail": f"{derniere.lignes} lignes vérifiées" if en_cours and derniere.lignes else "",
        "avertissement": derniere.etape.partition(" ; ")[2] if derniere is not None else "",
        # Finished while the page was polling: the rows shown are not the new ones yet.
        "rafraichir": rafraichir,
    }


@require_GET
def progression(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX fragment polled by the campaign's page while its list is checked."""
    objet = get_campagne_for_user(request.user, pk)
    return render(request, "campagnes/cadre_progression.html", _progression(objet, rafraichir=True))


@require_POST
def poids(request: HttpRequest, pk: int) -> HttpResponse:
    """New weights for the priority: every retained row's score is recomputed."""
    objet = get_campagne_for_user(request.user, pk)
    form = PoidsForm(request.POST, poids=objet.poids_effectifs())
    if not form.is_valid():
        for nom, erreurs in form.errors.items():
            libelle = form.fields[nom].label if nom in form.fields else ""
            for erreur in erreurs:
                messages.error(request, _phrase(f"{libelle} : {erreur}" if libelle else erreur))
        return redirect(_vers_campagne(objet, ancre="poids"))
    try:
        liste.reponderer(objet, form.cleaned_data)
    except contacts.RegleCampagne as erreur:
        messages.error(request, _phrase(erreur))
    else:
        messages.success(request, "Poids enregistrés : l'ordre des personnes retenues suit.")
    return redirect(_vers_campagne(objet, "retenues"))


@require_POST
def valider(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadre validates the list: assigned, then the invitations leave."""
    objet = get_campagne_for_user(request.user, pk)
    try:
        nombre = liste.valider(objet, acting_user=request.user)
    except contacts.RegleCampagne as erreur:
        messages.error(request, f"Validation impossible : {_phrase(erreur)}")
        return redirect(_vers_campagne(objet, ancre="validation"))
    messages.success(
        request,
        f"Liste validée : {nombre} personne{'s' if nombre > 1 else ''} à contacter. Les "
        "invitations partent par SMS ou courriel quand c'est possible ; les autres sont "
        "appelées.",
    )
    return redirect("campagnes:campagne", pk=objet.pk)


# The rows ------------------------------------------------------------------------------------


class CorrectionForm(FormulaireDsfr):
    """The row's fields as the file gave them, as text: the check says what is wrong with
    them (the same check as the whole list's); only what the check requires is required."""

    nir = forms.CharField(label="NIR", max_length=30)
    nom = forms.CharField(label="Nom", max_length=100)
    prenom = forms.CharField(label="Prénom", max_length=100)
    date_naissance = forms.CharField(
        label="Date de naissance", max_length=20, help_text="JJ/MM/AAAA ou AAAA-MM-JJ"
    )
    commune = forms.CharField(
        label="Commune", max_length=10, help_text="code INSEE, par exemple 82121"
    )
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    email = forms.CharField(label="Adresse électronique", max_length=254, required=False)
    date_debut_arret = forms.CharField(
        label="Début de l'arrêt de travail",
        max_length=20,
        required=False,
        help_text="JJ/MM/AAAA ou AAAA-MM-JJ",
    )
    motif = forms.ChoiceField(label="Motif", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, max_value=2**31 - 1)
    onglet = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args, motif_saisi: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choix = [
            ("", "— aucun —"),
            *((code, f"{code} — {nom}") for code, nom in SourceCampagne.choices),
        ]
        if motif_saisi and motif_saisi not in SourceCampagne.values:
            # What was typed stays offered, to be seen and replaced.
            choix.append((motif_saisi, f"{motif_saisi} (inconnu)"))
        self.fields["motif"].choices = choix
        self.fields["telephone"].widget.input_type = "tel"
        self.fields["nom"].widget.attrs["autocomplete"] = "off"


def _cible_et_campagne(request: HttpRequest, pk: int) -> tuple[Cible, HttpResponse | None]:
    cible = get_cible_for_user(request.user, pk)
    return cible, _figee(request, cible.campagne)


def _erreurs_sur(form: forms.Form, erreurs: list[dict]) -> None:
    """The check's errors beside their fields (a field the form already flags keeps its own)."""
    for erreur in erreurs:
        colonne = erreur.get("colonne") or None
        champ = colonne if colonne in form.fields else None
        if champ is None or champ not in form.errors:
            form.add_error(champ, erreur["motif"])


@require_http_methods(["GET", "POST"])
def cible_corriger(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a row's fields; it is checked again alone. A row still in error keeps what was
    typed, with its remaining errors beside the fields."""
    cible, figee = _cible_et_campagne(request, pk)
    if figee is not None:
        return figee
    actuel = None
    statut = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, motif_saisi=request.POST.get("motif", ""))
        onglet = _onglet(request.POST.get("onglet"))
        if form.is_valid():
            valeurs = {c: form.cleaned_data[c] for c in analyse.COLONNES}
            try:
                cible = liste.corriger(cible, valeurs, version=form.cleaned_data["version"])
            except ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                actuel = conflit.objet
                rafraichir_version(form, actuel.version)
                statut = 409
            except contacts.RegleCampagne as erreur:
                messages.error(request, _phrase(erreur))
                return redirect(_vers_campagne(cible.campagne))
            else:
                if cible.etat != EtatCible.ERREUR:
                    messages.success(
                        request, f"Ligne {cible.ligne} vérifiée : {cible.get_etat_display()}."
                    )
                    return redirect(_vers_campagne(cible.campagne, onglet))
                rafraichir_version(form, cible.version)
                _erreurs_sur(form, cible.erreurs)
                messages.warning(
                    request,
                    "Votre saisie est enregistrée, mais la ligne a encore des erreurs : "
                    "corrigez-les ou excluez la ligne.",
                )
                statut = 400
        else:
            statut = 400
    else:
        onglet = _onglet(request.GET.get("onglet"))
        donnees = {**liste.valeurs_de(cible), "version": cible.version, "onglet": onglet or ""}
        form = CorrectionForm(donnees, motif_saisi=cible.motif)
        form.is_valid()
        _erreurs_sur(form, cible.erreurs)
    return render(
        request,
        "campagnes/cadre_cible_corriger.html",
        {
            "form": form,
            "cible": cible,
            "campagne": cible.campagne,
            "actuel": actuel,
            "onglet": onglet,
        },
        status=statut,
    )


class ExclusionForm(FormulaireDsfr):
    motif = forms.CharField(
        label="Motif de l'exclusion",
        max_length=200,
        help_text="pourquoi cette personne ne sera pas contactée, par exemple « déjà suivie par "
        "l'hôpital »",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, max_value=2**31 - 1)
    onglet = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


@require_http_methods(["GET", "POST"])
def cible_exclure(request: HttpRequest, pk: int) -> HttpResponse:
    """Exclude a row by hand, with the reason typed."""
    cible, figee = _cible_et_campagne(request, pk)
    if figee is not None:
        return figee
    statut = 200
    if request.method == "POST":
        form = ExclusionForm(request.POST)
        onglet = _onglet(request.POST.get("onglet"))
        if form.is_valid():
            try:
                liste.exclure(
                    cible, form.cleaned_data["motif"], version=form.cleaned_data["version"]
                )
            except ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                rafraichir_version(form, conflit.objet.version)
                statut = 409
            except contacts.RegleCampagne as erreur:
                form.add_error("motif", str(erreur))
                statut = 400
            else:
                messages.success(request, f"Ligne {cible.ligne} exclue.")
                return redirect(_vers_campagne(cible.campagne, onglet))
        else:
            statut = 400
    else:
        onglet = _onglet(request.GET.get("onglet"))
        form = ExclusionForm(initial={"version": cible.version, "onglet": onglet or ""})
    return render(
        request,
        "campagnes/cadre_cible_exclure.html",
        {"form": form, "cible": cible, "campagne": cible.campagne, "onglet": onglet},
        status=statut,
    )


AUTRE_PERSONNE = "autre"


class HomonymeForm(FormulaireDsfr):
    decision = forms.ChoiceField(
        label="Cette ligne désigne-t-elle une personne connue ?", widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, max_value=2**31 - 1)

    def __init__(self, *args, proposes: list[Assure], **kwargs):
        super().__init__(*args, **kwargs)
        choix = [
            (
                str(a.pk),
                f"C'est la même personne que {a.prenom} {a.nom}, NIR {a.nir}"
                + (f", {a.commune.nom}" if a.commune_id else ""),
            )
            for a in proposes
        ]
        choix.append((AUTRE_PERSONNE, "C'est une autre personne"))
        self.fields["decision"].choices = choix


@require_http_methods(["GET", "POST"])
def cible_homonyme(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide on the known persons of the same name and birth date proposed for a row: never
    merged without the cadre's word."""
    cible, figee = _cible_et_campagne(request, pk)
    if figee is not None:
        return figee
    if cible.assure_id is not None or not cible.homonymes or cible.etat != EtatCible.RETENUE:
        messages.info(request, f"Ligne {cible.ligne} : aucune personne n'est à confirmer.")
        return redirect(_vers_campagne(cible.campagne, "confirmer"))
    proposes = list(
        Assure.objects.filter(pk__in=cible.homonymes).select_related("commune").order_by("pk")
    )
    statut = 200
    if request.method == "POST":
        form = HomonymeForm(request.POST, proposes=proposes)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                cible = liste.decider_homonyme(
                    cible,
                    None if decision == AUTRE_PERSONNE else int(decision),
                    version=form.cleaned_data["version"],
                )
            except ConflitDeVersion as conflit:
                form.add_error(None, str(conflit))
                rafraichir_version(form, conflit.objet.version)
                statut = 409
            except contacts.RegleCampagne as erreur:
                form.add_error("decision", str(erreur))
                statut = 400
            else:
                if decision == AUTRE_PERSONNE:
                    texte = "une autre personne : elle sera enregistrée quand elle sera contactée"
                else:
                    texte = f"personne confirmée ({cible.get_etat_display()}"
                    if cible.exclusion:
                        texte += f" : {cible.get_exclusion_display()}"
                    texte += ")"
                messages.success(request, f"Ligne {cible.ligne} : {texte}.")
                return redirect(_vers_campagne(cible.campagne, "confirmer"))
        else:
            statut = 400
    else:
        form = HomonymeForm(initial={"version": cible.version}, proposes=proposes)
    return render(
        request,
        "campagnes/cadre_cible_homonyme.html",
        {"form": form, "cible": cible, "campagne": cible.campagne, "proposes": proposes},
        status=statut,
    )
