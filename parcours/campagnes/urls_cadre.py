"""The cadre's pages of the campaigns (parcours.campagnes.vues_cadre), under /campagnes/."""

from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…>)
from parcours.campagnes import vues_cadre

urlpatterns = [
    path("", vues_cadre.liste_campagnes, name="liste"),
    path("nouvelle/", vues_cadre.nouvelle, name="nouvelle"),
    path("<id:pk>/", vues_cadre.campagne, name="campagne"),
    path("<id:pk>/modifier/", vues_cadre.modifier, name="modifier"),
    path("<id:pk>/progression/", vues_cadre.progression, name="progression"),
    path("<id:pk>/poids/", vues_cadre.poids, name="poids"),
    path("<id:pk>/valider/", vues_cadre.valider, name="valider"),
    path("lignes/<id:pk>/corriger/", vues_cadre.cible_corriger, name="cible_corriger"),
    path("lignes/<id:pk>/exclure/", vues_cadre.cible_exclure, name="cible_exclure"),
    path("lignes/<id:pk>/homonyme/", vues_cadre.cible_homonyme, name="cible_homonyme"),
]
