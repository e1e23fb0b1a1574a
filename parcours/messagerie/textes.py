"""Plain-text messages (SMS, the text part of e-mails) rendered without HTML escaping: an
apostrophe stays an apostrophe (« l'Assurance Maladie », « Permanence de l'Isle »), never
`&#x27;`. The HTML part of e-mails keeps Django's escaping."""

from django.template import Context
from django.template.loader import get_template


def rendre_texte(nom: str, contexte: dict) -> str:
    return get_template(nom).template.render(Context(contexte, autoescape=False))
