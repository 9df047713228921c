from django.urls import path

from plans.views import trainer

app_name = "plans"

urlpatterns = [
    path("build/<int:assessment_pk>/", trainer.build, name="build"),
    path("carry-forward/<int:assessment_pk>/", trainer.carry_forward, name="carry_forward"),
    path("<int:pk>/", trainer.detail, name="detail"),
    path("<int:pk>/edit/", trainer.edit, name="edit"),
    path("<int:pk>/publish/", trainer.publish, name="publish"),
    path("<int:pk>/end/", trainer.end, name="end"),
    path("<int:pk>/discard/", trainer.discard, name="discard"),
    path("<int:pk>/history/", trainer.history, name="history"),
]
