"""No personal value in a log line (DESIGN §1): NIR, e-mail address, phone number, and the
values a database quotes in its error details are masked in every record, message and
traceback alike, before any handler sees it.

Names and free text cannot be recognised by their shape: the code never logs them (imports
quote lines and columns, never values; views log no request data); this filter is the net
under that rule. Installed by `configurer` (Django's LOGGING_CONFIG), for every process.
"""

import logging
import logging.config
import re
import traceback

MASQUE = "[masqué]"

_MOTIFS = [
    # PostgreSQL: « DETAIL:  Key (nir)=(1850578006084 91) already exists. », and other DETAIL
    # lines, which quote the row's values.
    (re.compile(r"(Key \([^)]*\)=\()[^)]*(\))"), rf"\1{MASQUE}\2"),
    (re.compile(r"(?m)^(\s*DETAIL:).*$"), rf"\1 {MASQUE}"),
    (re.compile(r"(Failing row contains \().*?(\)\.?)$", re.M), rf"\1{MASQUE}\2"),
    # A NIR, with or without its key and spaces: 13 characters (Corsica 2A/2B) and 2 digits.
    (
        re.compile(
            r"(?<![\w])[12478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AaBb])\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\w)"
        ),
        MASQUE,
    ),
    # E-mail addresses.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASQUE),
    # French phone numbers: 0X XX XX XX XX, +33 X XX XX XX XX (spaces, dots or dashes).
    (re.compile(r"(?<![\w])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)"), MASQUE),
]


def expurger(texte: str) -> str:
    """`texte` with every personal value that has a recognisable shape masked."""
    for motif, remplacement in _MOTIFS:
        texte = motif.sub(remplacement, texte)
    return texte


_fabrique_d_origine = logging.getLogRecordFactory()


def fabrique(*args, **kwargs) -> logging.LogRecord:
    """A LogRecord whose message and exception text are masked at creation."""
    record = _fabrique_d_origine(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a badly formatted call: keep the template only
        message = str(record.msg)
    record.msg, record.args = expurger(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        texte = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = expurger(texte)
        # The exception object itself (and its frames' variables) goes no further.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = expurger(record.stack_info)
    return record


def installer() -> None:
    logging.setLogRecordFactory(fabrique)


def configurer(configuration: dict) -> None:
    """Django's LOGGING_CONFIG: mask first, then the usual dictConfig."""
    installer()
    logging.config.dictConfig(configuration)
