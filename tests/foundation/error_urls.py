"""The site's URLs plus two that fail on purpose, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from trainer_site.urls import urlpatterns as site_urlpatterns


@login_not_required
def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("injected: a request the site refuses to read")


@login_not_required
def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("injected: a bug")


urlpatterns = [
    path("fails/suspicious/", suspicious),
    path("fails/broken/", broken),
    *site_urlpatterns,
]
