from django.urls import path

from clients.views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.portal_home, name="home"),
    path("welcome/<uidb64>/<token>/", portal.PortalSetPasswordView.as_view(), name="set_password"),
]
