from django.urls import path

from parcours.territoire import views

app_name = "territoire"
urlpatterns = [
    path("communes/", views.communes, name="communes"),
]
