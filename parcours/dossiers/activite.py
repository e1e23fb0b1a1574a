"""What a member of a unit sees first on their home page: what waits for them."""

from django.utils import timezone

from parcours.dossiers import perms
from parcours.dossiers.models.accompagnements import DELAI_SANS_CONTACT
from parcours.organisation.enums import Role


def activite_du_jour(user) -> dict:
    aujourd_hui = timezone.localdate()
    activite = {"delai": DELAI_SANS_CONTACT}
    activite["a_traiter"] = perms.signalements_visible_to(user).a_traiter().file_de(user).count()
    if perms.can_read_accompagnements(user):
        en_cours = perms.accompagnements_visible_to(user).en_cours()
        if user.role == Role.ASS:
            en_cours = en_cours.de_l_agent(user)
        suivis = en_cours.avec_suivi(aujourd_hui)
        activite["en_cours"] = en_cours.count()
        activite["sans_contact"] = suivis.sans_contact(aujourd_hui).count()
        activite["actions_en_retard"] = suivis.filter(actions_en_retard__gt=0).count()
    return activite
