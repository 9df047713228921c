from django.urls import path

from . import views

app_name = "imbalances"

# These URLs are printed in PDFs: keep them stable.
urlpatterns = [
    path("", views.index, name="index"),
    path("patterns/<slug:slug>/", views.pattern_detail, name="pattern"),
    path("muscles/<slug:slug>/", views.muscle_detail, name="muscle"),
    path("sources/", views.sources, name="sources"),
    path("measures/", views.measures, name="measures"),
    path("exercises/", views.exercises, name="exercises"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
    path("exercises/<slug:slug>/image/", views.exercise_image, name="exercise_image"),
]
