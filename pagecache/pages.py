"""Whole pages rendered once and served again until their data changes.

A cached page is keyed by who asks (their id, name and what PAGE_CACHE_VIEWER says of
them: the role the page header shows), the full URL, today's date (screening falls due
by the calendar) and the stamps of the data it shows. Views check access before asking for a page, so the
cache never decides who may see what. Two things differ per request and are never
cached: the CSRF token, swapped in on the way out, and one-off messages, whose
presence makes the page render afresh.

A URL with a query string (a search, a page number, a period) is rendered every time:
anyone could otherwise fill the cache with made-up queries and push out the pages
people use. Nor would such pages be compressed: they echo what was typed beside
private data, which would let someone who sees response sizes guess that data
(BREACH). Browsers that take gzip get every other page compressed (compress.py).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from pagecache.compress import accepts_gzip, deflate_pieces, gzip_join
from pagecache.stamps import tokens

CACHE_ALIAS = "pages"
# A page nobody asks for again leaves the cache by itself; stamps make it stale long before.
TIMEOUT_SECONDS = 6 * 3600
# Never a real token (those are letters and digits only), so it is safe to replace.
CSRF_PLACEHOLDER = "__csrf-token-placeholder__"


def render_page(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict],
    *,
    scopes: tuple[str, ...],
) -> HttpResponse:
    """`render()` for a page whose content depends only on the data of `scopes`.

    `context` is called only when the page has to be rendered, after the stamps were read,
    and must read everything the page shows itself: an object the view loaded earlier (to
    check access) could predate a change whose stamp is already in the key.
    """
    if request.GET or len(get_messages(request)):
        return HttpResponse(render_to_string(template_name, context(), request))
    cache = caches[CACHE_ALIAS]
    key = _key(request, template_name, scopes)
    # Kept encoded and cut where the token goes, and deflated piece by piece (compress.py).
    cached = cache.get(key)
    if cached is None:
        html = render_to_string(template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        pieces = html.encode().split(CSRF_PLACEHOLDER.encode())
        cached = (pieces, deflate_pieces(pieces))
        cache.set(key, cached, TIMEOUT_SECONDS)
    pieces, deflated = cached
    token = get_token(request).encode()
    if not accepts_gzip(request):
        response = HttpResponse(token.join(pieces))
    else:
        response = HttpResponse(gzip_join(token, pieces, deflated))
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _key(request: HttpRequest, template_name: str, scopes: tuple[str, ...]) -> str:
    user = request.user
    parts = (
        template_name,
        request.get_full_path(),
        user.pk,
        user.get_full_name() if user.is_authenticated else "",
        user.get_username(),
        # Named by the settings: the catalogue's pages use this cache and must not import clients.
        import_string(settings.PAGE_CACHE_VIEWER)(user),
        timezone.localdate().isoformat(),
        *scopes,
        *tokens(*scopes),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
