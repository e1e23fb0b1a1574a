"""Request helpers for security features (lock-out by address)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from parcours.lib.reseau import adresse_client


def adresse_du_client(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: honours PARCOURS_PROXY_COUNT."""
    return adresse_client(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.PARCOURS_PROXY_COUNT,
    )


def adresse_bloquee(request: HttpRequest) -> bool:
    """Too many failed logins from one address, whatever the accounts tried (django-axes locks
    an account per address; this locks the address that tries many accounts).

    PARCOURS_ECHECS_PAR_ADRESSE failures within AXES_COOLOFF_TIME lock the address for that long:
    behind a shared proxy, set PARCOURS_PROXY_COUNT so that each workstation keeps its address.
    """
    adresse = adresse_du_client(request)
    if not adresse:
        return False
    depuis = timezone.now() - settings.AXES_COOLOFF_TIME
    echecs = AccessAttempt.objects.filter(ip_address=adresse, attempt_time__gte=depuis).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return (echecs or 0) >= settings.PARCOURS_ECHECS_PAR_ADRESSE
