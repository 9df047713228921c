"""WeasyPrint reads nothing but our static files, and user text stays text."""

import base64
import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf.generic import NameObject

from reports import pdf as pdf_module
from reports.fetcher import FetchRefused, StaticOnlyFetcher
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf


class Listener:
    """A TCP port on 127.0.0.1 that counts who connects to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks for while a report renders."""
    urls: list[str] = []

    class SpyFetcher(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            urls.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf_module, "StaticOnlyFetcher", SpyFetcher)
    return urls


def _hostile(port: int) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f"<style>@import url(http://127.0.0.1:{port}/x.css)</style>",
        "<script>alert(1)</script>",
        f'<a rel="attachment" href="http://127.0.0.1:{port}/a">x</a>',
    ]


def _assert_no_attachment(pdf) -> None:
    root = pdf.reader.trailer["/Root"]
    names = root.get("/Names")
    assert names is None or NameObject("/EmbeddedFiles") not in names.get_object()
    assert pdf.reader.attachments == {}
    for page in pdf.reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"


@pytest.mark.parametrize("kind", ["progress", "summary"])
def test_hostile_text_is_printed_literally_and_fetches_nothing(
    client, trainer, client_record, listener, fetched, kind
):
    hostile = _hostile(listener.port)
    client_record.first_name = hostile[3]
    client_record.last_name = hostile[0]
    client_record.save()
    pattern = factories.PatternFactory(name=hostile[2][:110], description="\n".join(hostile))
    muscle = factories.MuscleFactory(lay_name=hostile[1], description=hostile[4], aliases=hostile[0])
    assessment = factories.AssessmentFactory(client=client_record, final=True, notes="\n".join(hostile))
    factories.PatternFindingFactory(assessment=assessment, pattern=pattern, note=hostile[0])
    factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, note=hostile[1])
    login_as(client, trainer)
    url = (
        reverse("reports:progress_pdf", args=[client_record.pk])
        if kind == "progress"
        else reverse("reports:summary_pdf", args=[assessment.pk])
    )

    response = client.get(url)

    assert response.status_code == 200
    pdf = read_pdf(b"".join(response.streaming_content))
    flat = pdf.text.replace("\n", "")
    for text in [
        "<script>alert(1)</script>",
        'src="file:///etc/passwd">',
        'rel="attachment"',
        "@import url(http",
    ]:
        assert text in flat
    _assert_no_attachment(pdf)
    assert fetched == [f"{settings.SITE_URL}/static/css/report.css"]
    assert listener.connections == 0


def test_hostile_text_is_escaped_in_the_html_page(client, trainer, client_record):
    client_record.first_name = "<script>alert(1)</script>"
    client_record.save()
    assessment = factories.AssessmentFactory(
        client=client_record, final=True, notes='<img src="file:///etc/passwd">'
    )
    login_as(client, trainer)

    page = client.get(reverse("reports:summary", args=[assessment.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in page


# The fetcher on its own.


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()


def test_fetcher_serves_our_static_files(fetcher):
    response = fetcher(f"{settings.SITE_URL}/static/css/report.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_fetcher_serves_static_files_by_file_url_inside_the_static_folder(fetcher):
    path = Path(settings.STATICFILES_DIRS[0]) / "css" / "report.css"

    assert b"@page" in fetcher(path.resolve().as_uri()).read()


def test_fetcher_serves_data_uris(fetcher):
    encoded = base64.b64encode(b"<svg/>").decode()

    assert fetcher(f"data:image/svg+xml;base64,{encoded}").read() == b"<svg/>"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://evil.example.com/etc/passwd",
        f"file://{settings.BASE_DIR}/manage.py",
        f"file://{settings.BASE_DIR}/static/../manage.py",
        "http://127.0.0.1:9/x.css",
        "https://example.com/static/css/report.css",
        "ftp://example.com/x",
        "https://studio.example.com/static/../manage.py",
        "https://studio.example.com/static/%2e%2e/manage.py",
        "https://studio.example.com/static/css/%2e%2e/%2e%2e/manage.py",
        "https://studio.example.com/media/secret.pdf",
        "https://studio.example.com/static/css/missing.css",
        "https://studio.example.com.evil.test/static/css/report.css",
        "https://studio.example.com:8443/static/css/report.css",
    ],
)
def test_fetcher_refuses_everything_else(fetcher, url, listener):
    with pytest.raises(FetchRefused):
        fetcher(url)
    assert listener.connections == 0


def test_fetcher_refuses_a_symlink_out_of_the_static_folder(fetcher, tmp_path, settings):
    static = tmp_path / "static"
    static.mkdir()
    (static / "leak.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = None

    with pytest.raises(FetchRefused):
        fetcher(f"{settings.SITE_URL}/static/leak.css")
