from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("assessments/<int:pk>/summary/", views.summary, name="summary"),
    path("assessments/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("clients/<int:pk>/progress/", views.progress, name="progress"),
    path("clients/<int:pk>/progress.pdf", views.progress_pdf, name="progress_pdf"),
    path("portal/assessments/<int:pk>/summary/", views.portal_summary, name="portal_summary"),
    path("portal/assessments/<int:pk>/summary.pdf", views.portal_summary_pdf, name="portal_summary_pdf"),
    path("portal/progress/", views.portal_progress, name="portal_progress"),
    path("portal/progress.pdf", views.portal_progress_pdf, name="portal_progress_pdf"),
]
