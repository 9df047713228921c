from django.urls import path

from clients.views import actions, gate, home
from clients.views.clients import ClientCreateView, ClientDetailView, ClientListView, ClientUpdateView

app_name = "clients"

urlpatterns = [
    path("", ClientListView.as_view(), name="list"),
    path("dashboard/", home.dashboard, name="dashboard"),
    path("new/", ClientCreateView.as_view(), name="create"),
    path("<int:pk>/", ClientDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", ClientUpdateView.as_view(), name="update"),
    path("<int:pk>/screening/", actions.screening, name="screening"),
    path("<int:pk>/screenings/<int:screening_pk>/clearance/", gate.clearance, name="clearance"),
    path(
        "<int:pk>/screenings/<int:screening_pk>/clearance/letter/",
        gate.clearance_letter,
        name="clearance_letter",
    ),
    path("<int:pk>/assess-anyway/", gate.assess_anyway, name="assess_anyway"),
    path("<int:pk>/archive/", actions.archive, name="archive"),
    path("<int:pk>/restore/", actions.restore, name="restore"),
    path("<int:pk>/portal/invite/", actions.invite, name="invite"),
    path("<int:pk>/portal/resend/", actions.resend_invite, name="resend_invite"),
    path("<int:pk>/portal/revoke/", actions.revoke_access, name="revoke_access"),
]
