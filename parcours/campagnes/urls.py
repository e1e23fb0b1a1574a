from django.urls import include, path

app_name = "campagnes"
urlpatterns = [
    # The cadre's pages: campaigns, the list's check, weights, validation, letters.
    path("campagnes/", include("parcours.campagnes.urls_cadre")),
    # The agents' work list and the rows they call.
    path("campagnes/", include("parcours.campagnes.urls_agents")),
]
