from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Whatever is answered to a signed-in person is theirs alone: no browser or proxy keeps it.

    Every page they see names them in its header, and most show a client's health data.
    Anonymous pages (the public catalogue, the login page) are left to their views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Reading the user reads the session, so SessionMiddleware adds "Vary: Cookie" itself.
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
