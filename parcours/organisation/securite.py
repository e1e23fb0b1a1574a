"""Request helpers for security features (lock-out by address)."""

from django.conf import settings
from django.http import HttpRequest

from parcours.lib.reseau import adresse_client


def adresse_du_client(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: honours PARCOURS_PROXY_COUNT."""
    return adresse_client(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.PARCOURS_PROXY_COUNT,
    )
