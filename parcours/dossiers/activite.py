"""What a member of a unit sees first on their home page: what waits for them."""

from django.db.models import Q
from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.models.accompagnements import DELAI_SANS_CONTACT
from parcours.organisation.enums import Role


def activite_du_jour(user) -> dict:
    aujourd_hui = timezone.localdate()
    activite = {"delai": DELAI_SANS_CONTACT}
    a_traiter = perms.signalements_visible_to(user).a_traiter().filter(unite_id=user.unite_id)
    if user.role == Role.ASS:
        a_traiter = a_traiter.filter(Q(agent=user) | Q(agent__isnull=True))
    activite["a_traiter"] = a_traiter.count()
    if perms.can_read_accompagnements(user):
        en_cours = perms.accompagnements_visible_to(user).en_cours()
        if user.role == Role.ASS:
            en_cours = en_cours.de_l_agent(user)
        suivis = en_cours.avec_suivi(aujourd_hui)
        activite["en_cours"] = en_cours.count()
        activite["sans_contact"] = suivis.sans_contact(aujourd_hui).count()
        activite["actions_en_retard"] = suivis.filter(actions_en_retard__gt=0).count()
    return activite
