"""URL path converters that bound what they accept, registered on import: every urls.py that
uses `<id:…>` or `<annee:…>` imports this module first.

Ids and years in URLs are bounded: an id longer than a database integer or a year of twenty
digits answers 404, instead of an error deep in the database (issue 10, point 10).
"""

from django.urls import register_converter


class Identifiant:
    """A primary key: 1 to 18 digits (a 64-bit integer holds 18 digits)."""

    regex = "[0-9]{1,18}"

    def to_python(self, valeur: str) -> int:
        return int(valeur)

    def to_url(self, valeur: int) -> str:
        return str(valeur)


class Annee(Identifiant):
    """A plausible year of activity: 1990 to 2099."""

    regex = "(?:199[0-9]|20[0-9][0-9])"


register_converter(Identifiant, "id")
register_converter(Annee, "annee")
