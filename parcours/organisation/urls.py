from django.contrib.auth import views as auth_views
from django.urls import path

from parcours.organisation import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("lieux-accueil/", views.lieux_accueil, name="lieux_accueil"),
    path("equipe/", views.equipe, name="equipe"),
]
