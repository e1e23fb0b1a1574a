from django.urls import path

from parcours.dossiers.views import accompagnements, dossiers, signalements

app_name = "dossiers"
urlpatterns = [
    path("recherche/", dossiers.recherche, name="recherche"),
    path("signalements/", signalements.signalements, name="signalements"),
    path("signalements/nouveau/", signalements.signalement_nouveau, name="signalement_nouveau"),
    path("signalements/<int:pk>/", signalements.signalement, name="signalement"),
    path("dossiers/<int:pk>/", dossiers.dossier, name="dossier"),
    path("dossiers/<int:pk>/identite/", dossiers.assure_modifier, name="assure_modifier"),
    path("dossiers/<int:pk>/historique/", dossiers.historique, name="historique"),
    path("dossiers/<int:pk>/entretien/", accompagnements.entretien_rapide, name="entretien_rapide"),
    path(
        "dossiers/<int:pk>/accompagnement/",
        accompagnements.accompagnement_ouvrir,
        name="accompagnement_ouvrir",
    ),
    path("accompagnements/", accompagnements.mes_accompagnements, name="mes_accompagnements"),
    path("accompagnements/<int:pk>/", accompagnements.accompagnement, name="accompagnement"),
    path(
        "accompagnements/<int:pk>/rouvrir/",
        accompagnements.accompagnement_rouvrir,
        name="accompagnement_rouvrir",
    ),
    path(
        "accompagnements/<int:pk>/actions/<int:action_id>/",
        accompagnements.action_basculer,
        name="action_basculer",
    ),
    path(
        "accompagnements/<int:pk>/objectifs/<int:objectif_id>/",
        accompagnements.objectif_basculer,
        name="objectif_basculer",
    ),
    path(
        "accompagnements/<int:pk>/orientations/<int:orientation_id>/",
        accompagnements.orientation_reponse,
        name="orientation_reponse",
    ),
    path("journal/", dossiers.journal, name="journal"),
]
