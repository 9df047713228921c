from django.urls import path

from clients.views import home

app_name = "clients"

urlpatterns = [
    path("dashboard/", home.dashboard, name="dashboard"),
]
