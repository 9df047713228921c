from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from clients.views import home
from security.forms import SignInForm
from security.passwords import LimitedPasswordChangeView, RateLimitedPasswordResetView

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", LimitedPasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("catalogue/", include("imbalances.urls")),
    path("clients/", include("clients.urls")),
    path("portal/plan/", include("plans.portal_urls")),
    path("portal/", include("clients.portal_urls")),
    path("assessments/", include("assessments.urls")),
    path("plans/", include("plans.urls")),
    path("reports/", include("reports.urls")),
    path("privacy/", include("security.urls")),
    path("studio/", include("studio.urls")),
]

admin.site.site_header = "Trainer Studio administration"
admin.site.site_title = "Trainer Studio admin"
