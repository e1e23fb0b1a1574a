"""The tokens of the links sent to a person (self-booking, a freed slot proposed): short enough
for one SMS with its text, signed, and meaningless — no person, no appointment is written in
them. The URL holds `random.signature`; the database keeps only the SHA-256 of the random part,
so a copy of the database gives no usable link.

The signature (an HMAC of the project's secret key, truncated to 48 bits) lets a forged or
mistyped token be refused without a database query; the 96 random bits are what protect the
link.
"""

import base64
import hashlib
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

OCTETS_ALEATOIRES = 12  # 96 bits → 16 characters
LONGUEUR_SIGNATURE = 8  # characters of the truncated HMAC (48 bits)


def _b64(octets: bytes) -> str:
    return base64.urlsafe_b64encode(octets).decode().rstrip("=")


def _signature(sel: str, aleatoire: str) -> str:
    return _b64(salted_hmac(sel, aleatoire, algorithm="sha256").digest())[:LONGUEUR_SIGNATURE]


def nouveau(sel: str) -> tuple[str, str]:
    """A new token for the URL and the hash to store."""
    aleatoire = _b64(secrets.token_bytes(OCTETS_ALEATOIRES))
    return f"{aleatoire}.{_signature(sel, aleatoire)}", empreinte(aleatoire)


def empreinte(aleatoire: str) -> str:
    return hashlib.sha256(aleatoire.encode()).hexdigest()


def verifier(sel: str, jeton: str) -> str | None:
    """The hash to look up if the token's signature holds, else None."""
    aleatoire, _, signature = jeton.partition(".")
    if len(aleatoire) != 16 or not constant_time_compare(signature, _signature(sel, aleatoire)):
        return None
    return empreinte(aleatoire)
