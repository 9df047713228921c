"""The project's URLs and two trivial views: the floors any page is compared with."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pong", content_type="text/plain")


# Behind LoginRequiredMiddleware like every project page: its time is what any signed-in
# request costs before the view does anything (session, user, the middleware stack).
def ping_signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    path("bench/ping/signed-in/", ping_signed_in, name="bench-ping-signed-in"),
    path("", include("trainer_site.urls")),
]
