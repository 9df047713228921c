from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("clients/<int:client_pk>/export/", views.client_export_view, name="client_export"),
    path(
        "clients/<int:client_pk>/export/<int:export_pk>/download/",
        views.client_export_download,
        name="client_export_download",
    ),
    path("clients/<int:client_pk>/erase/", views.client_erase_view, name="client_erase"),
]
