from django.contrib.auth import views as auth_views
from django.urls import path

from parcours.organisation import views

urlpatterns = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("lieux-accueil/", views.lieux_accueil, name="lieux_accueil"),
    path("equipe/", views.equipe, name="equipe"),
    path("compte/activation/<uidb64>/<token>/", views.ActivationView.as_view(), name="activation"),
    path("comptes/journal/", views.journal_comptes, name="journal_comptes"),
    path("administration/courriels/", views.courriels, name="courriels"),
]
