from django.urls import path

from assessments.views import actions, form

app_name = "assessments"

urlpatterns = [
    path("new/<int:client_pk>/", form.create, name="create"),
    path("new/<int:client_pk>/from-last/", actions.start_from_last, name="start_from_last"),
    path("<int:pk>/", actions.detail, name="detail"),
    path("<int:pk>/edit/", form.update, name="update"),
    path("<int:pk>/finalise/", actions.finalise, name="finalise"),
    path("<int:pk>/reopen/", actions.reopen, name="reopen"),
    path("<int:pk>/history/", actions.history, name="history"),
    path("patterns/<slug:slug>/muscles/", form.pattern_muscles, name="pattern_muscles"),
]
