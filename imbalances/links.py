"""Links to catalogue pages, for pages that list many of them."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

_SLUG_PLACEHOLDER = "slug-placeholder"


def slug_url_maker(url_name: str) -> Callable[[str], str]:
    """Builds the URL of page `url_name` for a slug, reversing only once.

    A page with hundreds of catalogue links spends more on reverse() than on its queries.
    """
    url = reverse(url_name, kwargs={"slug": _SLUG_PLACEHOLDER})
    return lambda slug: url.replace(_SLUG_PLACEHOLDER, quote(slug, safe=""))
