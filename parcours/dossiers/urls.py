from django.urls import path

import parcours.convertisseurs  # noqa: F401  (registers <id:…> and <annee:…>)
from parcours.dossiers.views import accompagnements, dossiers, entretiens, journal, signalements

app_name = "dossiers"
urlpatterns = [
    path("recherche/", dossiers.recherche, name="recherche"),
    path("signalements/", signalements.signalements, name="signalements"),
    path("signalements/nouveau/", signalements.signalement_nouveau, name="signalement_nouveau"),
    path("signalements/<id:pk>/", signalements.signalement, name="signalement"),
    path("dossiers/<id:pk>/", dossiers.dossier, name="dossier"),
    path("dossiers/<id:pk>/identite/", dossiers.assure_modifier, name="assure_modifier"),
    path("dossiers/<id:pk>/historique/", dossiers.historique, name="historique"),
    path("dossiers/<id:pk>/refus-messages/", dossiers.refus_messages, name="refus_messages"),
    path("dossiers/<id:pk>/entretien/", accompagnements.entretien_rapide, name="entretien_rapide"),
    path(
        "dossiers/<id:pk>/accompagnement/",
        accompagnements.accompagnement_ouvrir,
        name="accompagnement_ouvrir",
    ),
    path("entretiens/<id:pk>/corriger/", entretiens.entretien_corriger, name="entretien_corriger"),
    path("accompagnements/", accompagnements.mes_accompagnements, name="mes_accompagnements"),
    path("accompagnements/<id:pk>/", accompagnements.accompagnement, name="accompagnement"),
    path(
        "accompagnements/<id:pk>/rouvrir/",
        accompagnements.accompagnement_rouvrir,
        name="accompagnement_rouvrir",
    ),
    path(
        "accompagnements/<id:pk>/actions/<id:action_id>/",
        accompagnements.action_basculer,
        name="action_basculer",
    ),
    path(
        "accompagnements/<id:pk>/objectifs/<id:objectif_id>/",
        accompagnements.objectif_basculer,
        name="objectif_basculer",
    ),
    path(
        "accompagnements/<id:pk>/orientations/<id:orientation_id>/",
        accompagnements.orientation_reponse,
        name="orientation_reponse",
    ),
    path("journal/", journal.journal, name="journal"),
]
