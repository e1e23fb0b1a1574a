"""The letters of a campaign (issue 15, point 6): one A4 page per person, the address block
placed for a French DL window envelope, printed by the cadre in PDF batches (LOT_MAX letters).

A letter goes to a retained row of a validated campaign that allows letters, not yet answered
(neither accepted nor refused), whose matched person has a postal address; the others are
listed as « adresse inconnue ». The text invites the person to call the 36 46 or to come to a
reception place, and never says why they were chosen: no health detail, not the campaign's
source nor its name (an envelope is opened by whoever finds it). Each letter printed is an
attempt (channel and outcome « courrier »), and the row's first contact if it had none.
"""

from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.campagnes.enums import (
    CanalContact,
    EtatCible,
    ResultatTentative,
    StatutCampagne,
    SuiviCible,
)
from parcours.campagnes.models import Campagne, Cible, Tentative
from parcours.lib.texte import normaliser
from parcours.organisation.models import Agent, LieuAccueil

# Where the address block sits on the A4 page, in mm from its top-left corner: a DL window
# envelope (110 × 220 mm) shows about 45 × 100 mm of the letter folded in three, 100–110 mm from
# the page's left edge and 45–55 mm from its top.
FENETRE = {"gauche": 110, "haut": 50, "largeur": 90, "hauteur": 40}
LIEUX_PAR_LETTRE = 2
# Letters per PDF: WeasyPrint makes about 30 pages a second, so a batch stays a few seconds
# long, within a request; the next click prints the next batch (rows already written to are
# left out), by decreasing priority.
LOT_MAX = 200


class RegleCourrier(Exception):
    """A rule of the letters refused; the message is for the user."""


def imprimable(campagne: Campagne) -> str:
    """Why the campaign's letters cannot be printed, or "" when they can."""
    if campagne.statut != StatutCampagne.VALIDEE:
        return (
            "les lettres s'impriment une fois la liste validée, tant que la campagne est en cours"
        )
    if CanalContact.COURRIER not in (campagne.canaux or []):
        return "cette campagne n'autorise pas le courrier (voir ses canaux)"
    return ""


def sans_reponse(campagne: Campagne, *, y_compris_deja_ecrites: bool = False) -> QuerySet[Cible]:
    """The rows a letter may go to: retained, not yet answered (and, unless asked, not yet
    written to), by decreasing priority."""
    cibles = (
        Cible.objects.filter(campagne=campagne, etat=EtatCible.RETENUE)
        .exclude(suivi__in=(SuiviCible.ACCEPTE, SuiviCible.REFUS))
        .order_by("-score", "ligne", "pk")
    )
    if not y_compris_deja_ecrites:
        cibles = cibles.exclude(Exists(_lettres(OuterRef("pk"))))
    return cibles


def _lettres(cible) -> QuerySet[Tentative]:
    return Tentative.objects.filter(cible=cible, canal=CanalContact.COURRIER)


ADRESSE_CONNUE = Q(assure__isnull=False) & ~Q(assure__adresse="")


def resume(campagne: Campagne, *, y_compris_deja_ecrites: bool = False) -> dict:
    """For the page: how many letters the batch holds, the rows without a known address (the
    first 200) and how many, how many rows already got a letter. A few counts, whatever the
    list's size."""
    cibles = sans_reponse(campagne, y_compris_deja_ecrites=y_compris_deja_ecrites)
    sans_adresse = cibles.exclude(ADRESSE_CONNUE)
    lettres = cibles.filter(ADRESSE_CONNUE).count()
    return {
        "lettres": lettres,
        "prochaines": min(lettres, LOT_MAX),
        "sans_adresse": list(sans_adresse[:200]),
        "nombre_sans_adresse": sans_adresse.count(),
        "deja_ecrites": sans_reponse(campagne, y_compris_deja_ecrites=True)
        .filter(Exists(_lettres(OuterRef("pk"))))
        .count(),
    }


def adresse_postale(assure) -> list[str]:
    """The lines under the name: the stored address, then the commune (in capitals, as La
    Poste asks) unless the address already ends with it; [] when the address is unknown."""
    if assure is None:
        return []
    lignes = [" ".join(ligne.split()) for ligne in (assure.adresse or "").splitlines()]
    lignes = [ligne for ligne in lignes if ligne]
    if not lignes:
        return []
    if assure.commune is not None:
        if normaliser(lignes[-1]).endswith(normaliser(assure.commune.nom)):
            lignes[-1] = lignes[-1].upper()  # « 82000 Montauban », as typed
        else:
            lignes.append(assure.commune.nom.upper())
    return lignes


def civilite(assure) -> str:
    return {"F": "Madame", "M": "Monsieur"}.get(assure.sexe, "Madame, Monsieur")


def preparer(campagne: Campagne, *, y_compris_deja_ecrites: bool = False) -> list[Cible]:
    """The letters of the next batch (LOT_MAX at most), each row with its address lines
    (`adresse`)."""
    lettres = []
    for cible in (
        sans_reponse(campagne, y_compris_deja_ecrites=y_compris_deja_ecrites)
        .filter(ADRESSE_CONNUE)
        .select_related("assure__commune", "unite")[:LOT_MAX]
    ):
        cible.adresse = adresse_postale(cible.assure)
        if cible.adresse:  # not an address made of blanks
            lettres.append(cible)
    return lettres


def _police(nom: str) -> str:
    """A DSFR font as a local file for WeasyPrint (as the day sheet does): no URL."""
    chemin = finders.find(f"dsfr/dist/fonts/{nom}.woff")
    return f"file://{chemin}" if chemin else ""


def _lieux_par_unite(unites: set[int]) -> dict[int, list[LieuAccueil]]:
    par_unite: dict[int, list[LieuAccueil]] = {}
    for lieu in (
        LieuAccueil.objects.actifs()
        .filter(unite_id__in=unites)
        .select_related("commune")
        .order_by("nom", "pk")
    ):
        par_unite.setdefault(lieu.unite_id, []).append(lieu)
    return par_unite


def rendre(campagne: Campagne, lettres: list[Cible]) -> bytes:
    """The batch as a tagged PDF (PDF/UA-1), one page per letter."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    lieux = _lieux_par_unite({c.unite_id for c in lettres if c.unite_id})
    for cible in lettres:
        cible.civilite = civilite(cible.assure)
        cible.lieux = lieux.get(cible.unite_id, [])[:LIEUX_PAR_LETTRE]
    html = render_to_string(
        "campagnes/agent_courriers_pdf.html",
        {
            "organisme": campagne.organisme,
            "lettres": lettres,
            "fenetre": FENETRE,
            "le": timezone.localdate(),
            "polices": {
                "regular": _police("Marianne-Regular"),
                "bold": _police("Marianne-Bold"),
            },
        },
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@transaction.atomic
def imprimer(
    campagne: Campagne, *, acting_user: Agent, y_compris_deja_ecrites: bool = False
) -> tuple[bytes, int]:
    """Print the batch and log each letter as an attempt (who, when, « courrier »); the row's
    first contact is the print if it had none. Returns the PDF and the number of letters."""
    courante = (
        Campagne.objects.select_for_update(of=("self",))
        .select_related("organisme")
        .get(pk=campagne.pk)
    )
    if raison := imprimable(courante):
        raise RegleCourrier(raison)
    lettres = preparer(courante, y_compris_deja_ecrites=y_compris_deja_ecrites)
    if not lettres:
        raise RegleCourrier("aucune lettre à imprimer")
    pdf = rendre(courante, lettres)
    ids = [c.pk for c in lettres]
    Tentative.objects.bulk_create(
        [
            Tentative(
                cible_id=pk,
                agent=acting_user,
                canal=CanalContact.COURRIER,
                resultat=ResultatTentative.COURRIER,
            )
            for pk in ids
        ],
        batch_size=2_000,
    )
    maintenant = timezone.now()
    for debut in range(0, len(ids), 2_000):
        Cible.objects.filter(
            pk__in=ids[debut : debut + 2_000], premier_contact_le__isnull=True
        ).update(premier_contact_le=maintenant)
    return pdf, len(ids)
