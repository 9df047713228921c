"""Refusing a request without telling whether the object it names exists."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


def require_methods(*methods: str, lookup: Callable[..., object]) -> Callable:
    """Lets `methods` through to the view; any other method gets 405, but only once
    `lookup(request, **kwargs)` has found an object this person may see.

    Django's `require_http_methods` answers 405 before the view looks anything up, which
    tells a stranger that an id exists; `lookup` raises Http404 first for what is not
    theirs, so a missing id and another trainer's id answer alike, whatever the method.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            if request.method not in methods:
                lookup(request, **kwargs)
                return HttpResponseNotAllowed(methods)
            return view(request, **kwargs)

        return wrapper

    return decorator
