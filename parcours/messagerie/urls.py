from django.urls import path

from parcours.messagerie import views

app_name = "messagerie"
urlpatterns = [
    path("opposition/<str:jeton>/", views.opposition, name="opposition"),
    path("sms/accuse/", views.accuse_sms, name="accuse_sms"),
]
