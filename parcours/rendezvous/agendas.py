"""The agendas' pages (issue 14, point 10).

- An agent's week: their appointments (joint ones included), with their openings, absences and
  the public holidays as context; after an appointment, seen / absent / excused; before it,
  cancel (by the service, or at the person's request).
- A reception place's day sheet, for the permanence, and its printable PDF: each read is
  logged, since it names the persons with their phone.
- The unit's occupancy, for its manager: hours open, hours booked, appointments seen and missed,
  per agent and per place. Agents come in the order of their names: the CNIL refused per-worker
  activity indicators for this service (DESIGN §3); this table is for arranging the openings, it
  is not a ranking and is never sorted by a figure.

Permissions are in parcours.rendezvous.perms; the operations in parcours.rendezvous.actions.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from parcours.dossiers import perms as dossiers_perms
from parcours.dossiers.messages import a_refuse, canaux_autorises
from parcours.lib.texte import LONGUEUR_NOTES
from parcours.organisation.models import Agent, LieuAccueil
from parcours.rendezvous import actions, perms
from parcours.rendezvous.creneaux import PARIS, a_paris, absences_de, jours_feries, occurrences
from parcours.rendezvous.enums import STATUTS_ANNULES, StatutRendezVous
from parcours.rendezvous.models import Participation, Plage, RendezVous

CONSTATS = {s.value: s for s in actions.CONSTATS}


# --- Small helpers --------------------------------------------------------------------------


def _date_demandee(request, nom: str) -> date | None:
    """A date of the query string (YYYY-MM-DD), None when absent, malformed or implausible."""
    try:
        jour = date.fromisoformat(request.GET.get(nom, ""))
    except ValueError:
        return None
    return jour if 2000 <= jour.year <= 2099 else None


def _lundi(jour: date) -> date:
    return jour - timedelta(days=jour.weekday())


def _bornes(du: date, au: date) -> tuple[datetime, datetime]:
    """From the start of day `du` to the end of day `au`, Paris time."""
    return a_paris(du, time.min), a_paris(au + timedelta(days=1), time.min)


def _duree(minutes: int) -> str:
    """« 0 h », « 3 h », « 12 h 30 »."""
    heures, reste = divmod(int(minutes), 60)
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"


def _minutes(debut: datetime, fin: datetime) -> int:
    return int((fin.astimezone(UTC) - debut.astimezone(UTC)).total_seconds() // 60)


def _hors_absences(
    debut: datetime, fin: datetime, absences: Iterable[tuple[datetime, datetime]]
) -> int:
    """The minutes of [debut, fin] outside the absences."""
    morceaux = [(debut, fin)]
    for a_debut, a_fin in absences:
        restes = []
        for m_debut, m_fin in morceaux:
            if a_fin <= m_debut or m_fin <= a_debut:
                restes.append((m_debut, m_fin))
                continue
            if m_debut < a_debut:
                restes.append((m_debut, a_debut))
            if a_fin < m_fin:
                restes.append((a_fin, m_fin))
        morceaux = restes
    return sum(_minutes(d, f) for d, f in morceaux)


@dataclass(frozen=True)
class Ouverture:
    """One occurrence of an opening period: an agent receives there, that day, then."""

    plage: Plage
    jour: date
    debut: datetime
    fin: datetime


def ouvertures(plages: Iterable[Plage], du: date, au: date) -> list[Ouverture]:
    """The occurrences of the openings from `du` to `au` (inclusive): their rule expanded,
    minus their excluded dates and the public holidays of the place's département (of the
    agent's unit for an opening away from a place). `plage.lieu.commune` and `plage.agent.unite`
    should be selected with them."""
    feries: dict[str | None, set[date]] = {}
    resultat = []
    for plage in plages:
        premier = max(du, plage.date_debut)
        dernier = min(au, plage.date_fin or au)
        if premier > dernier:
            continue
        if plage.lieu is not None:
            departement = plage.lieu.commune.departement_id
        else:
            departement = plage.agent.unite.departement_id if plage.agent.unite else None
        if departement not in feries:
            feries[departement] = jours_feries(departement, du, au)
        exclues = {date.fromisoformat(j) for j in plage.exceptions}
        for jour in occurrences(plage.regle, plage.date_debut, premier, dernier):
            if jour in exclues or jour in feries[departement]:
                continue
            resultat.append(
                Ouverture(plage, jour, a_paris(jour, plage.debut), a_paris(jour, plage.fin))
            )
    resultat.sort(key=lambda o: (o.debut, o.plage.pk))
    return resultat


def _plages(du: date, au: date):
    """Openings in force at some time between two dates."""
    return Plage.objects.filter(date_debut__lte=au).filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=du)
    )


def _avec_agents(rendez_vous):
    """The appointments with each of their agents (joint ones), in one more query."""
    return rendez_vous.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("agent").order_by("agent__nom", "pk"),
        )
    )


def _dossiers_lisibles(user, assure_ids: set[int]) -> set[int]:
    """Which of these persons' dossiers the user may open (one query)."""
    if not assure_ids:
        return set()
    return set(
        dossiers_perms.assures_visible_to(user)
        .filter(pk__in=assure_ids)
        .values_list("pk", flat=True)
    )


def _choix_lieux(user) -> list[tuple[str, list[LieuAccueil]]]:
    """The places of the organisme, by unit (the user's first), for the day-sheet chooser."""
    par_unite: dict[int, tuple[str, list]] = {}
    for lieu in (
        perms.lieux_visible_to(user).select_related("unite").order_by("unite__nom", "nom", "pk")
    ):
        par_unite.setdefault(lieu.unite_id, (lieu.unite.nom, []))[1].append(lieu)
    groupes = sorted(par_unite.items(), key=lambda u: (u[0] != user.unite_id, u[1][0]))
    return [groupe for _, groupe in groupes]


def _url_semaine(jour: date, agent_id: int | None = None) -> str:
    parametres = {"du": _lundi(jour).isoformat()}
    if agent_id is not None:
        parametres["agent"] = agent_id
    return f"{reverse('rendezvous:semaine')}?{urlencode(parametres)}"


def _retour(user, rdv: RendezVous) -> str:
    """The week the appointment is in, as the user sees it: their own if they hold it, else
    (a manager) the main agent's."""
    jour = timezone.localtime(rdv.debut, PARIS).date()
    return _url_semaine(jour, None if perms.tient(user, rdv) else rdv.agent_id)


def _quand(rdv: RendezVous) -> str:
    return f"{timezone.localtime(rdv.debut, PARIS):%d/%m/%Y à %H:%M}"


# --- An agent's week ------------------------------------------------------------------------


@dataclass
class Jour:
    jour: date
    ferie: bool = False
    absences: list[str] = field(default_factory=list)
    ouvertures: list[dict] = field(default_factory=list)
    rendez_vous: list[dict] = field(default_factory=list)

    @property
    def vide(self) -> bool:
        return not (self.absences or self.ouvertures or self.rendez_vous)


def _absence_du_jour(jour: date, debut: datetime, fin: datetime) -> str | None:
    matin, soir = _bornes(jour, jour)
    if fin <= matin or soir <= debut:
        return None
    if debut <= matin and soir <= fin:
        return "absence toute la journée"
    de = max(debut, matin)
    a = min(fin, soir)
    return (
        f"absence de {timezone.localtime(de, PARIS):%H:%M} à {timezone.localtime(a, PARIS):%H:%M}"
    )


@require_GET
def semaine(request):
    user = request.user
    if not perms.can_view_agendas(user):
        raise PermissionDenied
    agent: Agent = user
    if "agent" in request.GET:
        demande = request.GET["agent"]
        if not demande.isdigit() or len(demande) > 18:
            raise Http404("agent introuvable")
        agent = perms.get_agent_for_user(user, int(demande))
    lundi = _lundi(_date_demandee(request, "du") or timezone.localdate())
    dimanche = lundi + timedelta(days=6)
    debut, fin = _bornes(lundi, dimanche)
    maintenant = timezone.now()

    rendez_vous = list(
        _avec_agents(
            RendezVous.objects.filter(debut__gte=debut, debut__lt=fin)
            .filter(perms.tenus_par([agent.pk]))
            .select_related("assure", "motif", "lieu", "agent", "contact_partenaire")
            .order_by("debut", "pk")
        )
    )
    lisibles = _dossiers_lisibles(user, {r.assure_id for r in rendez_vous})
    plages = (
        _plages(lundi, dimanche)
        .filter(agent=agent)
        .select_related("lieu__commune", "agent__unite")
        .prefetch_related("motifs")
    )
    absences = absences_de([agent.pk], debut, fin).get(agent.pk, [])
    departement = agent.unite.departement_id if agent.unite_id else None
    feries = jours_feries(departement, lundi, dimanche)

    jours = {lundi + timedelta(days=i): Jour(lundi + timedelta(days=i)) for i in range(7)}
    for j in jours.values():
        j.ferie = j.jour in feries
        j.absences = [a for d, f in absences if (a := _absence_du_jour(j.jour, d, f))]
    for o in ouvertures(plages, lundi, dimanche):
        lien_feuille = None
        if o.plage.lieu is not None:
            lien_feuille = reverse("rendezvous:feuille", args=[o.plage.lieu_id])
            lien_feuille += "?" + urlencode({"jour": o.jour.isoformat()})
        jours[o.jour].ouvertures.append(
            {
                "debut": o.debut,
                "fin": o.fin,
                "lieu": o.plage.lieu,
                "motifs": [m.libelle for m in o.plage.motifs.all()],
                "absent": _hors_absences(o.debut, o.fin, absences) < _minutes(o.debut, o.fin),
                "feuille": lien_feuille,
            }
        )
    for rdv in rendez_vous:
        jour = timezone.localtime(rdv.debut, PARIS).date()
        jours[jour].rendez_vous.append(
            {
                "rdv": rdv,
                "dossier": rdv.assure_id in lisibles,
                "avec": [p.agent for p in rdv.participations.all() if p.agent_id != agent.pk]
                + ([rdv.agent] if rdv.agent_id != agent.pk else []),
                "constater": perms.a_constater(rdv, maintenant) and perms.can_constater(user, rdv),
                "annuler": perms.a_venir(rdv, maintenant) and perms.can_annuler(user, rdv),
            }
        )
    autre = agent.pk if agent.pk != user.pk else None
    return render(
        request,
        "rendezvous/semaine.html",
        {
            "agent": agent,
            "le_sien": agent.pk == user.pk,
            "jours": [j for j in jours.values() if j.jour.weekday() < 5 or not j.vide],
            "lundi": lundi,
            "dimanche": dimanche,
            "precedente": _url_semaine(lundi - timedelta(days=7), autre),
            "suivante": _url_semaine(lundi + timedelta(days=7), autre),
            "cette_semaine": _url_semaine(timezone.localdate(), autre),
            "agents": (
                perms.agents_visible_to(user).filter(is_active=True).order_by("nom", "prenom")
                if perms.can_view_occupation(user)
                else []
            ),
            "choix_lieux": _choix_lieux(user),
            "aujourd_hui": timezone.localdate(),
        },
    )


# --- After and before the appointment -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def constat(request, pk: int):
    """Seen, absent or excused. « Seen » records the interview (actions.constater), with the
    notes typed here by those who may write notes (not the CSAM)."""
    user = request.user
    if not perms.can_view_agendas(user):
        raise PermissionDenied
    rdv = perms.get_rendez_vous_for_user(user, pk)
    if not perms.can_constater(user, rdv):
        raise PermissionDenied
    peut_noter = dossiers_perms.can_read_accompagnements(user)
    donnees = request.POST if request.method == "POST" else request.GET
    statut = donnees.get("statut", StatutRendezVous.VU)
    notes = request.POST.get("notes", "") if peut_noter else ""
    erreur = ""
    code = 200
    if request.method == "POST":
        if statut not in CONSTATS:
            erreur = "Choisissez : vu, absent ou excusé."
        elif len(notes) > LONGUEUR_NOTES:
            erreur = f"Les notes dépassent {LONGUEUR_NOTES} caractères."
        else:
            try:
                rdv = actions.constater(rdv, statut, acting_user=user, notes=notes.strip())
            except actions.RegleRendezVous as refus:
                erreur, code = f"{str(refus)[:1].upper()}{str(refus)[1:]}.", 409
            except ValidationError as refus:  # the interview's rules (dossiers.actions)
                erreur, code = " ; ".join(refus.messages), 409
            else:
                libelle = CONSTATS[statut].label
                if statut == StatutRendezVous.VU:
                    messages.success(
                        request,
                        f"Rendez-vous du {_quand(rdv)} marqué « {libelle} » : l'entretien est "
                        "enregistré dans le dossier.",
                    )
                    if _dossiers_lisibles(user, {rdv.assure_id}):
                        return redirect("dossiers:dossier", pk=rdv.assure_id)
                else:
                    messages.success(request, f"Rendez-vous du {_quand(rdv)} marqué « {libelle} ».")
                return redirect(_retour(user, rdv))
    return render(
        request,
        "rendezvous/constat.html",
        {
            "rdv": rdv,
            "statut": statut if statut in CONSTATS else StatutRendezVous.VU,
            "choix": [(s.value, s.label) for s in actions.CONSTATS],
            "notes": notes,
            "peut_noter": peut_noter,
            "possible": perms.a_constater(rdv),
            "erreur": erreur,
            "retour": _retour(user, rdv),
            "dossier": bool(_dossiers_lisibles(user, {rdv.assure_id})),
        },
        status=code,
    )


QUI_ANNULE = (
    ("service", "Le service annule (agent indisponible, lieu fermé…)"),
    ("personne", "À la demande de la personne"),
)


@require_http_methods(["GET", "POST"])
def annuler(request, pk: int):
    """Cancel an appointment to come, after confirmation; the person is told through the
    channels they accepted (actions.annuler)."""
    user = request.user
    if not perms.can_view_agendas(user):
        raise PermissionDenied
    rdv = perms.get_rendez_vous_for_user(user, pk)
    if not perms.can_annuler(user, rdv):
        raise PermissionDenied
    par = request.POST.get("par", "")
    erreur = ""
    code = 200
    if request.method == "POST":
        if par not in dict(QUI_ANNULE):
            erreur = "Indiquez qui annule le rendez-vous."
        elif not perms.a_venir(rdv):
            erreur, code = (
                "Ce rendez-vous a commencé ou n'est plus prévu : il ne s'annule plus "
                "(marquez-le vu, absent ou excusé).",
                409,
            )
        else:
            try:
                rdv = actions.annuler(rdv, acting_user=user, par_la_personne=par == "personne")
            except actions.RegleRendezVous as refus:
                erreur, code = f"{str(refus)[:1].upper()}{str(refus)[1:]}.", 409
            else:
                messages.success(
                    request,
                    f"Rendez-vous du {_quand(rdv)} annulé ({rdv.get_statut_display()}).",
                )
                return redirect(_retour(user, rdv))
    return render(
        request,
        "rendezvous/annuler.html",
        {
            "rdv": rdv,
            "par": par,
            "choix": QUI_ANNULE,
            "possible": perms.a_venir(rdv),
            "erreur": erreur,
            "canaux": canaux_autorises(rdv.assure),
            "refus": a_refuse(rdv.assure),
            "retour": _retour(user, rdv),
            "dossier": bool(_dossiers_lisibles(user, {rdv.assure_id})),
        },
        status=code,
    )


# --- A place's day sheet --------------------------------------------------------------------


def _feuille(request, pk: int) -> dict:
    """What the day sheet shows (HTML or PDF), its read logged."""
    user = request.user
    if not perms.can_view_agendas(user):
        raise PermissionDenied
    lieu = perms.get_lieu_for_user(user, pk)
    jour = _date_demandee(request, "jour") or timezone.localdate()
    debut, fin = _bornes(jour, jour)
    rendez_vous = list(
        _avec_agents(
            RendezVous.objects.actifs()
            .filter(lieu=lieu, debut__gte=debut, debut__lt=fin)
            .select_related("assure", "motif", "agent", "contact_partenaire")
            .order_by("agent__nom", "agent__prenom", "agent_id", "debut", "pk")
        )
    )
    annules = RendezVous.objects.filter(
        lieu=lieu, debut__gte=debut, debut__lt=fin, statut__in=STATUTS_ANNULES
    ).count()
    perms.journaliser_lecture(user, {r.assure_id for r in rendez_vous})
    lisibles = _dossiers_lisibles(user, {r.assure_id for r in rendez_vous})
    par_agent: dict[int, dict] = {}
    for rdv in rendez_vous:
        groupe = par_agent.setdefault(rdv.agent_id, {"agent": rdv.agent, "lignes": []})
        groupe["lignes"].append(
            {
                "rdv": rdv,
                "dossier": rdv.assure_id in lisibles,
                "avec": [p.agent for p in rdv.participations.all() if p.agent_id != rdv.agent_id],
            }
        )
    ouvertes = ouvertures(
        _plages(jour, jour).filter(lieu=lieu).select_related("lieu__commune", "agent__unite"),
        jour,
        jour,
    )
    return {
        "lieu": lieu,
        "jour": jour,
        "groupes": list(par_agent.values()),
        "nombre": len(rendez_vous),
        "annules": annules,
        "ouvertures": ouvertes,
        "ferie": jour in jours_feries(lieu.commune.departement_id, jour, jour),
        "veille": (jour - timedelta(days=1)).isoformat(),
        "lendemain": (jour + timedelta(days=1)).isoformat(),
        "imprime_le": timezone.localtime(timezone.now(), PARIS),
    }


@require_GET
def feuilles(request):
    """The chooser of a day sheet (a place, a day): the sheet itself once both are chosen."""
    user = request.user
    if not perms.can_view_agendas(user):
        raise PermissionDenied
    demande = request.GET.get("lieu", "")
    if demande.isdigit() and len(demande) <= 18:
        lieu = perms.get_lieu_for_user(user, int(demande))
        jour = _date_demandee(request, "jour") or timezone.localdate()
        adresse = reverse("rendezvous:feuille", args=[lieu.pk])
        return redirect(f"{adresse}?{urlencode({'jour': jour.isoformat()})}")
    return render(
        request,
        "rendezvous/feuille.html",
        {"lieu": None, "jour": timezone.localdate(), "choix_lieux": _choix_lieux(user)},
    )


@require_GET
def feuille(request, pk: int):
    contexte = _feuille(request, pk)
    contexte["choix_lieux"] = _choix_lieux(request.user)
    return render(request, "rendezvous/feuille.html", contexte)


def _police(nom: str) -> str:
    """A DSFR font as a local file for WeasyPrint (as the annual report does): no URL."""
    chemin = finders.find(f"dsfr/dist/fonts/{nom}.woff")
    return f"file://{chemin}" if chemin else ""


@require_GET
def feuille_pdf(request, pk: int):
    """The day sheet as a tagged PDF (PDF/UA-1), to print for the permanence."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    contexte = _feuille(request, pk)
    contexte["polices"] = {
        "regular": _police("Marianne-Regular"),
        "bold": _police("Marianne-Bold"),
    }
    html = render_to_string("rendezvous/feuille_pdf.html", contexte)
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    nom = f"feuille-{slugify(contexte['lieu'].code)}-{contexte['jour'].isoformat()}.pdf"
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{nom}"'
    return reponse


# --- The unit's occupancy -------------------------------------------------------------------


@dataclass
class Occupation:
    """One row: an agent or a place, over the period. No figure of it ranks anyone."""

    libelle: str
    lien: str = ""
    minutes_ouvertes: int = 0
    minutes_reservees: int = 0
    rendez_vous: int = 0
    vus: int = 0
    absents: int = 0
    excuses: int = 0

    @property
    def heures_ouvertes(self) -> str:
        return _duree(self.minutes_ouvertes)

    @property
    def heures_reservees(self) -> str:
        return _duree(self.minutes_reservees)

    @property
    def taux(self) -> str:
        """Hours booked ÷ hours open, rounded to the unit (DESIGN §3); « — » without opening."""
        if not self.minutes_ouvertes:
            return "—"
        return f"{round(100 * self.minutes_reservees / self.minutes_ouvertes)} %"

    def compter(self, debut: datetime, fin: datetime, statut: str) -> None:
        self.minutes_reservees += _minutes(debut, fin)
        self.rendez_vous += 1
        self.vus += statut == StatutRendezVous.VU
        self.absents += statut == StatutRendezVous.ABSENT
        self.excuses += statut == StatutRendezVous.EXCUSE


def _total(libelle: str, lignes: list[Occupation]) -> Occupation:
    total = Occupation(libelle)
    for ligne in lignes:
        total.minutes_ouvertes += ligne.minutes_ouvertes
        total.minutes_reservees += ligne.minutes_reservees
        total.rendez_vous += ligne.rendez_vous
        total.vus += ligne.vus
        total.absents += ligne.absents
        total.excuses += ligne.excuses
    return total


def _periode(request) -> tuple[str, date, date]:
    """« semaine » (from Monday) or « mois » (from the 1st) containing the date asked for."""
    periode = "mois" if request.GET.get("periode") == "mois" else "semaine"
    jour = _date_demandee(request, "du") or timezone.localdate()
    if periode == "semaine":
        du = _lundi(jour)
        return periode, du, du + timedelta(days=6)
    du = jour.replace(day=1)
    suivant = (du + timedelta(days=32)).replace(day=1)
    return periode, du, suivant - timedelta(days=1)


def occupation_de_l_unite(
    agents: list[Agent], lieux: list[LieuAccueil], du: date, au: date
) -> tuple[list[Occupation], list[Occupation]]:
    """Per agent (their openings anywhere) and per place (every agent's openings there): the
    hours open (minus absences), the hours booked and the appointments (not cancelled) from
    `du` to `au`. A constant number of queries, whatever the number of rows."""
    debut, fin = _bornes(du, au)
    ids_agents = [a.pk for a in agents]
    ids_lieux = [lieu.pk for lieu in lieux]
    plages = list(
        _plages(du, au)
        .filter(Q(agent_id__in=ids_agents) | Q(lieu_id__in=ids_lieux))
        .select_related("lieu__commune", "agent__unite")
    )
    absences = absences_de({p.agent_id for p in plages}, debut, fin)
    par_agent = {a.pk: Occupation(a.get_full_name()) for a in agents}
    par_lieu = {lieu.pk: Occupation(lieu.nom) for lieu in lieux}
    for o in ouvertures(plages, du, au):
        minutes = _hors_absences(o.debut, o.fin, absences.get(o.plage.agent_id, []))
        if o.plage.agent_id in par_agent:
            par_agent[o.plage.agent_id].minutes_ouvertes += minutes
        if o.plage.lieu_id in par_lieu:
            par_lieu[o.plage.lieu_id].minutes_ouvertes += minutes
    tenus = (
        RendezVous.objects.actifs()
        .filter(debut__gte=debut, debut__lt=fin)
        .filter(perms.tenus_par(ids_agents))
        .only("agent_id", "debut", "fin", "statut")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.only("rendez_vous", "agent"))
        )
    )
    for rdv in tenus:
        for agent_id in {rdv.agent_id, *(p.agent_id for p in rdv.participations.all())}:
            if agent_id in par_agent:
                par_agent[agent_id].compter(rdv.debut, rdv.fin, rdv.statut)
    for lieu_id, d, f, statut in (
        RendezVous.objects.actifs()
        .filter(lieu_id__in=ids_lieux, debut__gte=debut, debut__lt=fin)
        .values_list("lieu_id", "debut", "fin", "statut")
    ):
        par_lieu[lieu_id].compter(d, f, statut)
    return list(par_agent.values()), list(par_lieu.values())


@require_GET
def occupation(request):
    user = request.user
    if not perms.can_view_occupation(user):
        raise PermissionDenied
    periode, du, au = _periode(request)
    # In the order of names, never of a figure (DESIGN §3).
    agents = list(
        perms.agents_visible_to(user).filter(is_active=True).order_by("nom", "prenom", "pk")
    )
    lieux = list(perms.lieux_de_l_unite(user).order_by("nom", "pk"))
    par_agent, par_lieu = occupation_de_l_unite(agents, lieux, du, au)
    for agent, ligne in zip(agents, par_agent, strict=True):
        ligne.lien = _url_semaine(du, agent.pk)
    for lieu, ligne in zip(lieux, par_lieu, strict=True):
        ligne.lien = (
            f"{reverse('rendezvous:feuille', args=[lieu.pk])}?{urlencode({'jour': du.isoformat()})}"
        )
    if periode == "semaine":
        precedent, suivant = du - timedelta(days=7), du + timedelta(days=7)
    else:
        precedent, suivant = (du - timedelta(days=1)).replace(day=1), au + timedelta(days=1)
    adresse = reverse("rendezvous:occupation")
    return render(
        request,
        "rendezvous/occupation.html",
        {
            "periode": periode,
            "du": du,
            "au": au,
            "agents": par_agent,
            "total_agents": _total("Total des agents", par_agent),
            "lieux": par_lieu,
            "total_lieux": _total("Total des lieux", par_lieu),
            "precedente": f"{adresse}?{urlencode({'periode': periode, 'du': precedent})}",
            "suivante": f"{adresse}?{urlencode({'periode': periode, 'du': suivant})}",
        },
    )
