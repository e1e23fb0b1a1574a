"""Outgoing SMS (DESIGN §6): mobile numbers checked with `phonenumbers`, texts kept within one
SMS of the GSM 03.38 alphabet, and backends shaped like Django's e-mail backends, chosen by
`PARCOURS_SMS_BACKEND`:

- `FichierBackend` (default): one JSON line per message under `var/sms/`, which the demo shows;
- `ConsoleBackend`: printed, on a development machine;
- `MemoireBackend`: kept in `boite_envoi`, for tests (as Django's locmem e-mail backend);
- `HttpBackend`: a provider's HTTP API, configured by URL and token (production).

An SMS never carries a health detail — no mission, no motif: « Vous avez rendez-vous avec le
service social de l'Assurance Maladie le … à … ». The templates see to that; this module only
sees a number and a text, and never writes either into an error message (errors end up in logs
and on the receipts page).
"""

import json
import os
import re
import sys
import unicodedata
import urllib.error
import urllib.request
import uuid
from functools import lru_cache
from http.client import HTTPException
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from parcours.lib.fichiers import dossier_prive, fichier_prive
from parcours.lib.telephone import TelephoneInvalide, est_mobile, normaliser_telephone


class ErreurSms(Exception):
    """A French message saying why an SMS cannot be sent; never holds the number nor the text."""


class NumeroInvalide(ErreurSms):
    """Not a number that can receive an SMS."""


class ErreurFournisseur(ErreurSms):
    """The provider did not take the message. `temporaire`: worth trying again later (network,
    timeout, HTTP 429 or 5xx); otherwise the same request would be refused again."""

    def __init__(self, message: str, *, temporaire: bool, statut_http: int | None = None):
        super().__init__(message)
        self.temporaire = temporaire
        self.statut_http = statut_http


# Numbers ------------------------------------------------------------------------------------

PAS_UN_PORTABLE = "ce numéro n'est pas un portable : un SMS ne peut pas y être envoyé"


def normaliser_mobile(texte: str) -> str:
    """The mobile number in E.164 (+33612345678), or NumeroInvalide. A number written without
    a country is French. Numbers libphonenumber cannot tell apart (FIXED_LINE_OR_MOBILE, as in
    the United States) are accepted: refusing them would refuse real mobiles."""
    try:
        e164 = normaliser_telephone(texte)
    except TelephoneInvalide as erreur:
        raise NumeroInvalide(str(erreur)) from None
    if not est_mobile(e164):
        raise NumeroInvalide(PAS_UN_PORTABLE)
    return e164


# The GSM 03.38 alphabet ---------------------------------------------------------------------

# The basic set, in the order of its table (3GPP TS 23.038 §6.2.1), less the escape (0x1B).
# Position 0x09 is the capital Ç; the small ç is not in the alphabet.
GSM7_BASE = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# The extension table: each of these is sent as the escape and a second septet. (Its form
# feed is left out: a page break means nothing on a phone, it becomes a space.)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")

# What is not in the alphabet and has a near equivalent that decomposition (NFKD) would not
# find: typography of French texts first. Letters with accents not in the alphabet (ê, â, î, ô,
# û, ç, À…) lose their accent through NFKD; non-breaking and narrow spaces become spaces there
# too, listed here to be explicit.
EQUIVALENTS = {
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "’": "'",
    "‘": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "‹": "'",
    "›": "'",
    "`": "'",
    "´": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "•": "-",
    "·": ".",  # inclusive writing: « usager·es » → « usager.es »
    "…": "...",
    "°": "o",  # « n° » → « no »
    "×": "x",
    "⁄": "/",
    "\u00a0": " ",  # non-breaking space
    "\u202f": " ",  # narrow non-breaking space (before « ; : ! ? » in French)
    "\u2009": " ",  # thin space
    "\t": " ",
    "\x0b": " ",
    "\x0c": " ",
    # Invisible: soft hyphen, zero-width spaces and joiners, byte order mark.
    "\u00ad": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
INCONNU = "?"


@lru_cache(maxsize=4096)
def _en_gsm7(caractere: str) -> str:
    if caractere in GSM7_BASE or caractere in GSM7_EXTENSION:
        return caractere
    if caractere in EQUIVALENTS:
        return EQUIVALENTS[caractere]
    morceaux = []
    for morceau in unicodedata.normalize("NFKD", caractere):
        if unicodedata.combining(morceau):
            continue  # the accent of a decomposed letter
        if morceau in GSM7_BASE or morceau in GSM7_EXTENSION:
            morceaux.append(morceau)
        else:
            morceaux.append(EQUIVALENTS.get(morceau, INCONNU))
    return "".join(morceaux)


def en_gsm7(texte: str) -> str:
    """The text in the GSM 03.38 alphabet: its characters kept (é, è, à, ù, Ç…), the others
    replaced by the nearest (ê → e, ç → c, œ → oe, « » → ", ’ → ', … → ...), « ? » for what has
    no equivalent. Without it, one character outside the alphabet sends the whole SMS in UCS-2,
    70 characters a part instead of 160."""
    return "".join(_en_gsm7(c) for c in unicodedata.normalize("NFC", texte or ""))


LONGUEUR_MAX = 160  # septets in a single SMS
_LONGUEUR_PARTIE = 153  # septets in each part of a long one (7 go to the concatenation header)


def _septets(texte: str) -> list[int]:
    return [2 if c in GSM7_EXTENSION else 1 for c in en_gsm7(texte)]


def segments(texte: str) -> int:
    """How many SMS the text takes once in GSM-7: 0 when empty, 1 up to 160 septets, then parts
    of 153. A character of the extension table counts two septets, and its two are never split
    across two parts (as phones and providers cut), so a long text may take one part more than
    ceil(septets / 153)."""
    poids = _septets(texte)
    total = sum(poids)
    if total <= LONGUEUR_MAX:
        return 1 if total else 0
    parties, partie = 1, 0
    for septets in poids:
        if partie + septets > _LONGUEUR_PARTIE:
            parties, partie = parties + 1, 0
        partie += septets
    return parties


def verifier_un_sms(texte: str) -> str:
    """The text in GSM-7 if it fits in one SMS, else ErreurSms saying by how much it is too long:
    a message to a person is never cut, nor sent in several parts."""
    gsm7 = en_gsm7(texte)
    total = sum(_septets(gsm7))
    if not total:
        raise ErreurSms("le SMS est vide")
    if total > LONGUEUR_MAX:
        trop = total - LONGUEUR_MAX
        raise ErreurSms(
            f"SMS trop long de {trop} caractère{'s' if trop > 1 else ''} : un SMS en compte "
            f"{LONGUEUR_MAX} au plus, et {' '.join(sorted(GSM7_EXTENSION))} comptent double"
        )
    return gsm7


# Backends -----------------------------------------------------------------------------------


class BackendSms:
    """A way of sending SMS. `envoyer()` checks the number and the length, then hands over to
    `transmettre()`, which each backend implements."""

    def envoyer(self, numero: str, texte: str, reference: str) -> str:
        """Send one SMS; returns the provider's message id. `reference` is our receipt's id, for
        the provider's delivery reports. Raises NumeroInvalide or ErreurSms (too long) before
        anything is sent, ErreurFournisseur when the provider does not take it."""
        return self.transmettre(normaliser_mobile(numero), verifier_un_sms(texte), reference)

    def transmettre(self, numero: str, texte: str, reference: str) -> str:
        """Send a checked message: `numero` in E.164, `texte` in GSM-7 within one SMS."""
        raise NotImplementedError


def backend() -> BackendSms:
    """The backend of PARCOURS_SMS_BACKEND (a dotted path), ready to send."""
    chemin = settings.PARCOURS_SMS_BACKEND
    try:
        classe = import_string(chemin)
    except ImportError:
        raise ImproperlyConfigured(
            f"PARCOURS_SMS_BACKEND : {chemin!r} n'est pas une classe importable"
        ) from None
    if not (isinstance(classe, type) and issubclass(classe, BackendSms)):
        raise ImproperlyConfigured(f"PARCOURS_SMS_BACKEND : {chemin!r} n'est pas un BackendSms")
    return classe()


def dossier_sms() -> Path:
    return Path(settings.VAR_DIR) / "sms"


class FichierBackend(BackendSms):
    """Appends each message as one JSON line to var/sms/AAAA-MM-JJ.jsonl (a file per local day),
    readable by its owner only: the lines hold numbers and texts. Several worker processes may
    write at once: each line goes in a single write to a file opened in append mode."""

    def transmettre(self, numero: str, texte: str, reference: str) -> str:
        identifiant = f"fichier-{uuid.uuid4()}"
        maintenant = timezone.localtime()
        ligne = {
            "date": maintenant.isoformat(timespec="seconds"),
            "id": identifiant,
            "numero": numero,
            "texte": texte,
            "reference": reference,
            "segments": segments(texte),
        }
        fichier = fichier_prive(dossier_prive(dossier_sms()) / f"{maintenant:%Y-%m-%d}.jsonl")
        donnees = (json.dumps(ligne, ensure_ascii=False) + "\n").encode()
        descripteur = os.open(fichier, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(descripteur, donnees)
        finally:
            os.close(descripteur)
        return identifiant


def lire_sms(limite: int = 200) -> list[dict]:
    """The messages the file backend wrote, newest first (a line cut by a crash is skipped)."""
    messages: list[dict] = []
    dossier = dossier_sms()
    if not dossier.is_dir():
        return messages
    for fichier in sorted(dossier.glob("*.jsonl"), reverse=True):
        for ligne in reversed(fichier.read_text(encoding="utf-8").splitlines()):
            try:
                message = json.loads(ligne)
            except json.JSONDecodeError:
                continue
            messages.append(message)
            if len(messages) >= limite:
                return messages
    return messages


class ConsoleBackend(BackendSms):
    """Prints each message (a development machine)."""

    def __init__(self, flux: TextIO | None = None):
        self.flux = flux or sys.stdout

    def transmettre(self, numero: str, texte: str, reference: str) -> str:
        identifiant = f"console-{uuid.uuid4()}"
        self.flux.write(f"SMS {identifiant} à {numero} (réf. {reference}) :\n{texte}\n\n")
        self.flux.flush()
        return identifiant


# Messages sent through MemoireBackend, as Django's mail.outbox (tests empty it).
boite_envoi: list[dict] = []


class MemoireBackend(BackendSms):
    """Keeps each message in `boite_envoi` (tests)."""

    def transmettre(self, numero: str, texte: str, reference: str) -> str:
        identifiant = f"memoire-{uuid.uuid4()}"
        boite_envoi.append(
            {"id": identifiant, "numero": numero, "texte": texte, "reference": reference}
        )
        return identifiant


EXPEDITEUR = re.compile(r"[A-Za-z0-9]{1,11}")
_TAILLE_REPONSE_MAX = 64 * 1024


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    """A redirection is answered as an error: following it would carry the token (and the
    message) to another address than the configured one."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpBackend(BackendSms):
    """A provider's HTTP API: POST of JSON {to, text, sender, reference} to PARCOURS_SMS_URL with
    `Authorization: Bearer PARCOURS_SMS_JETON`; a 2xx answer in JSON gives the message's `id`.

    Network failures, timeouts, 429 and 5xx are temporary (the caller tries again later); other
    refusals are not. A 2xx answer without an id is not retried either: the message may have
    left, and a second try could send it twice.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        jeton: str | None = None,
        expediteur: str | None = None,
        delai: int | None = None,
    ):
        self.url = settings.PARCOURS_SMS_URL if url is None else url
        self.jeton = settings.PARCOURS_SMS_JETON if jeton is None else jeton
        self.expediteur = settings.PARCOURS_SMS_EXPEDITEUR if expediteur is None else expediteur
        self.delai = settings.PARCOURS_SMS_DELAI if delai is None else delai
        if not self.url:
            raise ImproperlyConfigured(
                "PARCOURS_SMS_URL est vide : l'envoi de SMS par un fournisseur HTTP a besoin "
                "de l'adresse de son API"
            )
        adresse = urlsplit(self.url)
        if adresse.scheme not in ("http", "https") or not adresse.hostname:
            raise ImproperlyConfigured(
                "PARCOURS_SMS_URL doit être une adresse http:// ou https:// (par exemple "
                "https://sms.fournisseur.example/v1/messages)"
            )
        if not self.jeton:
            raise ImproperlyConfigured(
                "PARCOURS_SMS_JETON est vide : le fournisseur de SMS demande un jeton d'accès"
            )
        if not EXPEDITEUR.fullmatch(self.expediteur or ""):
            raise ImproperlyConfigured(
                "PARCOURS_SMS_EXPEDITEUR doit compter de 1 à 11 lettres ou chiffres, sans espace "
                f"ni accent, pas {self.expediteur!r}"
            )
        if self.delai <= 0:
            raise ImproperlyConfigured("PARCOURS_SMS_DELAI doit être un nombre de secondes > 0")
        # Named in error messages: the host, never the path (it may hold an account id) nor
        # credentials written in the URL.
        self.hote = adresse.netloc.rpartition("@")[2]
        self._ouvreur = urllib.request.build_opener(_SansRedirection)

    def transmettre(self, numero: str, texte: str, reference: str) -> str:
        requete = urllib.request.Request(
            self.url,
            data=json.dumps(
                {"to": numero, "text": texte, "sender": self.expediteur, "reference": reference}
            ).encode(),
            headers={
                "Authorization": f"Bearer {self.jeton}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            method="POST",
        )
        fournisseur = f"le fournisseur de SMS ({self.hote})"
        # No exception is chained (`from None`): an answer's body may repeat the number.
        try:
            with self._ouvreur.open(requete, timeout=self.delai) as reponse:
                corps = reponse.read(_TAILLE_REPONSE_MAX)
        except urllib.error.HTTPError as erreur:
            erreur.close()
            temporaire = erreur.code == 429 or erreur.code >= 500
            raise ErreurFournisseur(
                f"{fournisseur} a refusé le message (HTTP {erreur.code})"
                + (", nouvel essai plus tard" if temporaire else ""),
                temporaire=temporaire,
                statut_http=erreur.code,
            ) from None
        except urllib.error.URLError as erreur:
            raise ErreurFournisseur(
                f"{fournisseur} est injoignable ({_raison(erreur.reason)})", temporaire=True
            ) from None
        except TimeoutError:
            raise ErreurFournisseur(
                f"{fournisseur} n'a pas répondu en {self.delai} s", temporaire=True
            ) from None
        except (OSError, HTTPException) as erreur:
            raise ErreurFournisseur(
                f"{fournisseur} a coupé la connexion ({type(erreur).__name__})", temporaire=True
            ) from None
        try:
            identifiant = json.loads(corps)["id"]
        except (ValueError, TypeError, KeyError):
            identifiant = None
        if not isinstance(identifiant, str | int) or isinstance(identifiant, bool):
            identifiant = None
        if identifiant is None or str(identifiant) == "":
            raise ErreurFournisseur(
                f"{fournisseur} a répondu sans identifiant de message : le message est peut-être "
                "parti, il n'est pas renvoyé",
                temporaire=False,
            )
        return str(identifiant)


def _raison(raison: object) -> str:
    """Why a connection failed, without the address (the host is named already)."""
    if isinstance(raison, TimeoutError):
        return "délai dépassé"
    if isinstance(raison, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(raison, OSError) and raison.strerror:
        return raison.strerror
    return type(raison).__name__ if isinstance(raison, BaseException) else str(raison)
