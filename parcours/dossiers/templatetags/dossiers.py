from django import template

from parcours.lib.telephone import formater_telephone

register = template.Library()


@register.filter
def telephone(valeur: str) -> str:
    """A stored (E.164) number in the French national form: 06 12 34 56 78."""
    return formater_telephone(valeur) if valeur else ""
