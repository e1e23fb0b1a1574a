"""Numbers as French readers expect them: rounding half away from zero, thin-space thousands,
decimal comma."""

from decimal import ROUND_HALF_UP, Decimal

ESPACE_FINE = "\u202f"


def arrondi(x: float, decimales: int = 0) -> float:
    """Half away from zero, as people round (Python's round() goes to even)."""
    pas = Decimal(1).scaleb(-decimales)
    return float(Decimal(repr(x)).quantize(pas, rounding=ROUND_HALF_UP))


def format_compte(n: int) -> str:
    """12 345 with a narrow no-break space between thousands."""
    return f"{n:,}".replace(",", ESPACE_FINE)


def decimal_fr(x: float) -> str:
    """French decimal to one place: 12,5 — or 12 when whole."""
    x = arrondi(x, 1)
    return format_compte(int(x)) if x == int(x) else f"{x:.1f}".replace(".", ",")


def pourcent(x: float | None) -> str:
    """12,5 % (a dash when unknown)."""
    return "—" if x is None else f"{decimal_fr(x)}{ESPACE_FINE}%"
