"""The page a person reaches from the link at the bottom of an e-mail: refusing the service's
messages. No account is needed; the link's signed token names the dossier, and the page tells
nothing about it (not even a name). And the SMS provider's delivery reports."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from parcours.messagerie.envois import opposer, personne_du_jeton
from parcours.messagerie.models import Canal, Envoi, StatutEnvoi


@login_not_required
@require_http_methods(["GET", "POST"])
def opposition(request, jeton: str):
    personne_id = personne_du_jeton(jeton)
    if personne_id is None:
        raise Http404("lien invalide")
    fait = False
    if request.method == "POST":
        opposer(personne_id, origine="lien d'un courriel")
        fait = True
    return render(request, "messagerie/opposition.html", {"fait": fait})


@csrf_exempt
@login_not_required
@require_POST
def accuse_sms(request):
    """The SMS provider's delivery report: `{"reference": <our receipt id>, "statut": "remis" |
    "echec", "raison": "…"}`, authenticated by the provider's token (`Authorization: Bearer`).
    Answers 204; 403 without the right token; 400 for a malformed report. Never says whether a
    receipt exists."""
    attendu = settings.PARCOURS_SMS_JETON
    recu = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not attendu or not constant_time_compare(recu, attendu):
        return HttpResponseForbidden("jeton du fournisseur absent ou invalide")
    try:
        rapport = json.loads(request.body)
        reference = int(rapport["reference"])
        statut = {"remis": StatutEnvoi.REMIS, "echec": StatutEnvoi.ECHEC}[rapport["statut"]]
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("rapport illisible : reference et statut attendus")
    champs = {"statut": statut}
    if statut == StatutEnvoi.REMIS:
        champs["remis_le"] = timezone.now()
    else:
        champs["erreur"] = f"non remis selon le fournisseur : {str(rapport.get('raison', ''))}"[
            :300
        ]
    Envoi.objects.filter(
        pk=reference, canal=Canal.SMS, statut__in=(StatutEnvoi.ENVOYE, StatutEnvoi.REMIS)
    ).update(**champs)
    return HttpResponse(status=204)
