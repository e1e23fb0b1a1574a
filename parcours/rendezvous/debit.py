"""A rate limit for the public pages (the links sent to persons): so many requests per client
and minute, counted in the database so that every web process shares the count. The client is
known by a salted hash of its address, never the address itself."""

from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from parcours.rendezvous.models import Compteur

PAR_MINUTE = 30


def client(request) -> str:
    adresse = request.META.get("REMOTE_ADDR", "")
    return salted_hmac("parcours.rendezvous.debit", adresse).hexdigest()[:40]


def compter(cle: str) -> int:
    """Count one request of `cle` this minute; returns the count so far."""
    minute = timezone.now().replace(second=0, microsecond=0)
    modifies = Compteur.objects.filter(cle=cle, minute=minute).update(nombre=F("nombre") + 1)
    if not modifies:
        try:
            with transaction.atomic():
                Compteur.objects.create(cle=cle, minute=minute, nombre=1)
        except IntegrityError:  # created meanwhile by another request
            Compteur.objects.filter(cle=cle, minute=minute).update(nombre=F("nombre") + 1)
    return Compteur.objects.filter(cle=cle, minute=minute).values_list("nombre", flat=True)[0]


@task()
def nettoyer() -> int:
    """Drop the counts of past minutes (the nightly clean-up)."""
    limite = timezone.now() - timedelta(minutes=5)
    return Compteur.objects.filter(minute__lt=limite).delete()[0]


def limite(par_minute: int = PAR_MINUTE):
    """Decorate a public view: beyond `par_minute` requests of one client in a minute, a French
    « trop de demandes » page with status 429 and Retry-After."""

    def decorateur(vue):
        @wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if compter(client(request)) > par_minute:
                secondes = 60 - timezone.now().second
                reponse = render(request, "rendezvous/public_trop.html", status=429)
                reponse["Retry-After"] = str(secondes)
                return reponse
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
