"""Links for pages that list many of them: each URL pattern reversed once per page.

A page with hundreds of links spends more on reverse() than on its queries.
"""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

_SLUG_PLACEHOLDER = "slug-placeholder"
# No primary key reaches this, and no URL of ours holds these digits otherwise.
_PK_PLACEHOLDER = 987654321987654321


def slug_url_maker(url_name: str) -> Callable[[str], str]:
    """Builds the URL of page `url_name` for a slug, reversing only once."""
    url = reverse(url_name, kwargs={"slug": _SLUG_PLACEHOLDER})
    return lambda slug: url.replace(_SLUG_PLACEHOLDER, quote(slug, safe=""))


def pk_url_maker(url_name: str) -> Callable[[int], str]:
    """Builds the URL of page `url_name` for a primary key, reversing only once."""
    url = reverse(url_name, kwargs={"pk": _PK_PLACEHOLDER})
    return lambda pk: url.replace(str(_PK_PLACEHOLDER), str(int(pk)))
