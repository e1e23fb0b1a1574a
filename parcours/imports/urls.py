from django.urls import path

from parcours.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.televerser, name="televerser"),
    path("<int:pk>/", views.suivi, name="suivi"),
    path("<int:pk>/progression/", views.progression, name="progression"),
]
