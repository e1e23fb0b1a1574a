"""Plausible dates: what a form or an import accepts before it reaches the database.

A year 1 interview or a signalement of 1900 is a typing error, never history: activity dates
start in 1990 (the service's national tool dates from 1994), birth dates in 1900, and neither
lies in the future.
"""

from datetime import date

DATE_MIN_ACTIVITE = date(1990, 1, 1)
DATE_MIN_NAISSANCE = date(1900, 1, 1)


def probleme_date_activite(jour: date, aujourd_hui: date) -> str | None:
    """Why an activity date (interview, signalement, opening, closing) is refused, or None."""
    if jour > aujourd_hui:
        return "la date ne peut pas être dans le futur"
    if jour < DATE_MIN_ACTIVITE:
        return f"date invraisemblable (avant le {DATE_MIN_ACTIVITE:%d/%m/%Y})"
    return None


def probleme_date_naissance(jour: date, aujourd_hui: date) -> str | None:
    if jour > aujourd_hui:
        return "la date de naissance ne peut pas être dans le futur"
    if jour < DATE_MIN_NAISSANCE:
        return f"date de naissance invraisemblable (avant le {DATE_MIN_NAISSANCE:%d/%m/%Y})"
    return None
