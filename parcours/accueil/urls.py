"""The root URLs: the home page, then each app under its prefix."""

from django.contrib import admin
from django.urls import include, path

from parcours.accueil import views

admin.site.site_header = "Parcours — administration"
admin.site.site_title = "Parcours"
admin.site.index_title = "Référentiels, organisation et comptes"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("", include("parcours.organisation.urls")),
    path("imports/", include("parcours.imports.urls")),
    path("", include("parcours.dossiers.urls")),
    path("", include("parcours.rendezvous.urls")),
    path("", include("parcours.campagnes.urls")),
    path("territoire/", include("parcours.territoire.urls")),
    path("territoire/observatoire/", include("parcours.observatoire.urls")),
    path("statistiques/", include("parcours.statistiques.urls")),
    path("messages/", include("parcours.messagerie.urls")),
    path("admin/", admin.site.urls),
]
