"""Cached pages go out gzipped to browsers that take it, with the CSRF token spliced in."""

import gzip
import re

import pytest
from django.test import Client as Browser
from django.urls import reverse

from pagecache.compress import deflate_pieces, gzip_join

BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize(
    "pieces",
    [
        [b"<p>only one piece</p>"],
        [b"", b"token first and last", b""],
        ["<h1>Zoë’s</h1> page, ".encode() * 500, b"<form>", b"</form>" * 3],
    ],
    ids=["one-piece", "empty-pieces", "long-unicode"],
)
def test_joined_pieces_are_one_valid_gzip_stream(pieces):
    """gzip checks the CRC and length in the trailer, so a wrong splice cannot pass."""
    token = b"a1B2c3" * 10
    assert gzip.decompress(gzip_join(token, pieces, deflate_pieces(pieces))) == token.join(pieces)


def _get(browser: Browser, url: str, **params):
    return browser.get(url, params, headers=BROWSER_ENCODINGS)


@pytest.fixture
def alice(trainer) -> Browser:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(trainer)
    return browser


@pytest.mark.django_db
def test_a_cached_page_is_gzipped_for_a_browser_that_takes_it(alice, client_record):
    url = client_record.get_absolute_url()
    plain = alice.get(url)
    for _ in range(2):  # rendered, then from the cache
        response = _get(alice, url)
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content)
        assert CSRF_INPUT.sub(b"", html) == CSRF_INPUT.sub(b"", plain.content)
        assert b"Jane" in html


@pytest.mark.django_db
def test_the_token_in_a_gzipped_page_is_accepted(alice, client_record):
    html = gzip.decompress(_get(alice, client_record.get_absolute_url()).content)
    token = CSRF_INPUT.search(html).group(1).decode()
    response = alice.post(
        reverse("clients:archive", kwargs={"pk": client_record.pk}), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.is_archived


@pytest.mark.django_db
def test_a_page_echoing_the_query_string_is_not_compressed(alice, client_record):
    """The search box shows what was typed beside client names: no size oracle (BREACH)."""
    response = _get(alice, reverse("clients:list"), q="Jan")
    assert "Content-Encoding" not in response
    assert b'value="Jan"' in response.content


@pytest.mark.django_db
def test_a_client_that_does_not_take_gzip_gets_plain_html(alice, client_record):
    response = alice.get(client_record.get_absolute_url(), headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response
    assert b"Jane" in response.content
