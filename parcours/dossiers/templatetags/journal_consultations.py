"""The access log's rights in a template: who sees the link to a dossier's consultations."""

from django import template

from parcours.dossiers import perms

register = template.Library()


@register.filter
def peut_lire_journal(user) -> bool:
    """Whether the user may read the access log (perms.can_read_journal)."""
    return perms.can_read_journal(user)
