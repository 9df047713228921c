"""The only way WeasyPrint may read anything while rendering a report.

It serves the project's own static files and data: URIs and refuses the rest:
no network, no other local file, no redirects. A refusal raises; WeasyPrint
then leaves the resource out and carries on rendering.
"""

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request, url2pathname

from django.conf import settings
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A report asked for something outside the static files."""


def static_roots() -> list[Path]:
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside_roots(path: Path) -> Path | None:
    resolved = path.resolve()
    for root in static_roots():
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def _static_relative_path(url_path: str) -> str:
    """`/static/css/x.css` -> `css/x.css`; refuse anything that climbs out or is odd."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not url_path.startswith(prefix):
        raise FetchRefused(f"not a static file: {url_path}")
    relative = unquote(url_path.removeprefix(prefix))
    parts = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or any(p in ("", ".", "..") for p in parts):
        raise FetchRefused(f"unsafe static path: {url_path}")
    return relative


class StaticOnlyFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file", "http", "https"), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            # urllib's data: parser reads only the URL itself.
            response = DataHandler().data_open(Request(url))
            return URLFetcherResponse(url, response.read(), dict(response.headers.items()))
        if scheme == "file":
            if parts.netloc not in ("", "localhost") or ".." in unquote(parts.path).split("/"):
                raise FetchRefused(f"refused: {url}")
            path = _inside_roots(Path(url2pathname(parts.path)))
        elif scheme in ("http", "https") and f"{scheme}://{parts.netloc}" == _site_origin():
            # Our own /static/ URLs, read from disk: the network is never touched.
            relative = _static_relative_path(parts.path)
            path = next(
                (found for root in static_roots() if (found := _inside_roots(root / relative))),
                None,
            )
        else:
            raise FetchRefused(f"refused: {url}")
        if path is None:
            raise FetchRefused(f"no such static file: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme.lower()}://{parts.netloc}"


def stored_data_uri(name: str) -> str:
    """A file from storage (a logo, a photo) as a data: URI, the one kind of picture besides our
    static files that WeasyPrint may read; "" when there is none or it cannot be read, so that a
    report goes out without the picture rather than not at all. Reads storage: call it only for
    the PDF, as it is laid out."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError:
        return ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
