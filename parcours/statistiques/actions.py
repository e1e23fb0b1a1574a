"""Operations on the annual report: its texts, its editions. Views call these; they never write
the report's tables themselves.

Texts saved from a stale version are refused (`ConflitDeVersion`, parcours.lib.verrou), as
dossiers are. Reading an edition never writes: an edition whose production stopped is told by
`RapportAnnuel.interrompu`, and recorded as failed by `clore_editions_interrompues`, called where
the application writes anyway (a new edition is asked for, the report command starts).
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from parcours.lib.verrou import verrouiller
from parcours.organisation.models import Agent
from parcours.statistiques import perms, taches
from parcours.statistiques.models import (
    ETAPE_INTERROMPUE,
    RapportAnnuel,
    StatutRapport,
    TexteRapport,
    ZoomAction,
)


@transaction.atomic
def enregistrer_textes(
    *,
    acting_user: Agent,
    annee: int,
    version: int,
    edito: str,
    contact: str,
    zooms: Mapping[str, tuple[str, str]],
) -> TexteRapport:
    """Save the texts of the user's organisme's report for `annee`: the editorial, the contact
    page and, per département code, the « zoom sur une action » (title, story).

    `version` is the one the form was opened on (0 while no text exists); ConflitDeVersion if
    someone saved in between, and nothing is written.
    """
    organisme = acting_user.organisme
    departements = {d.code: d for d in organisme.departements()}
    if inconnus := sorted(set(zooms) - set(departements)):
        raise ValidationError(
            f"département hors du territoire de l'organisme : {', '.join(inconnus)}"
        )
    cree, _ = TexteRapport.objects.get_or_create(
        organisme=organisme, annee=annee, defaults={"version": 0}
    )
    textes = verrouiller(TexteRapport, cree.pk, version)
    textes.edito = edito
    textes.contact = contact
    textes.version += 1
    textes.modifie_par = acting_user
    textes.save()
    for code, (titre, recit) in zooms.items():
        ZoomAction.objects.update_or_create(
            texte=textes,
            departement=departements[code],
            defaults={"titre": titre, "recit": recit},
        )
    return textes


@transaction.atomic
def clore_editions_interrompues() -> int:
    """Record as failed the editions whose production stopped (`RapportAnnuel.interrompu`);
    returns how many."""
    return RapportAnnuel.objects.interrompues().update(
        statut=StatutRapport.ECHEC, etape=ETAPE_INTERROMPUE
    )


@transaction.atomic
def demander_rapport(*, acting_user: Agent, annee: int) -> RapportAnnuel:
    """A new edition of the user's organisme's report for `annee`, produced in the background
    once the transaction commits, with the statistical secrecy of the user's role."""
    clore_editions_interrompues()
    edition = RapportAnnuel.objects.create(
        organisme_id=acting_user.organisme_id,
        annee=annee,
        demande_par=acting_user,
        role_vue=perms.role_vue(acting_user),
        etape="En attente",
    )
    transaction.on_commit(lambda: taches.lancer(edition))
    return edition
