from django.contrib.auth import views as auth_views
from django.urls import path

from parcours.organisation import views

urlpatterns = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("lieux-accueil/", views.lieux_accueil, name="lieux_accueil"),
    path("equipe/", views.equipe, name="equipe"),
    path("compte/activation/<uidb64>/<token>/", views.ActivationView.as_view(), name="activation"),
    path(
        "mot-de-passe-oublie/",
        views.MotDePasseOublieView.as_view(),
        name="mot_de_passe_oublie",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        views.MotDePasseOublieEnvoyeView.as_view(),
        name="mot_de_passe_oublie_envoye",
    ),
    path("comptes/journal/", views.journal_comptes, name="journal_comptes"),
    path("administration/courriels/", views.courriels, name="courriels"),
    path("messages/envois/", views.envois, name="envois"),
]
