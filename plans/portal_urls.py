from django.urls import path

from plans.views import portal

app_name = "portal_plan"

urlpatterns = [
    path("", portal.plan, name="plan"),
    path("sessions/", portal.log, name="log"),
    path("sessions/<int:pk>/remove/", portal.remove, name="remove"),
]
