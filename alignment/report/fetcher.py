"""What the report's renderer may read: the app's own static files and small
`data:` URLs, nothing else.

WeasyPrint is handed `SafeURLFetcher`: it serves the app's static files through
the `cvmstatic:` scheme and small `data:` URLs, and refuses everything else.
User text is auto-escaped by the templates, so it cannot add a tag or a `url()`
in the first place; the fetcher makes sure that even if it ever did, the server
would fetch or read nothing.
"""

from __future__ import annotations

import base64
import binascii
import logging
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, unquote_to_bytes

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Stylesheets, fonts and images of the report are addressed as
# `cvmstatic:css/report.css`. A scheme of our own (rather than /static/ or
# http://) means no URL can ever be mistaken for one the network could answer.
STATIC_SCHEME = "cvmstatic"
BASE_URL = f"{STATIC_SCHEME}:"
DATA_URL_LIMIT = 64 * 1024
STATIC_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class ResourceRefused(ValueError):
    """The report asked for something outside the app's own static files."""


# Fetching


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None, **kwargs) -> URLFetcherResponse:
    """Answer WeasyPrint's resource requests from the app's static files only.

    - `cvmstatic:<path>`: a file found by the staticfiles finders (or in
      STATIC_ROOT after collectstatic), with a known type; no `..`, no
      backslashes, no absolute paths.
    - `data:`: decoded in memory, at most DATA_URL_LIMIT bytes.
    - anything else (http, https, file, ftp, a relative path, ...): refused.

    Refusals raise `ResourceRefused`; WeasyPrint logs them and leaves the
    resource out. `timeout` and `ssl_context` are accepted for WeasyPrint's
    signature and unused: nothing here touches the network.
    """
    scheme, colon, _rest = url.partition(":")
    scheme = scheme.strip().lower() if colon else ""
    if scheme == STATIC_SCHEME:
        return _static_response(url)
    if scheme == "data":
        return _data_response(url)
    raise ResourceRefused(f"the report fetches only its own static files, not {url[:80]!r}")


class SafeURLFetcher(URLFetcher):
    """`safe_url_fetcher` in the class form WeasyPrint 70 requires.

    The base class is built with no allowed protocol and no redirects, so even
    its own network code would refuse if it were ever reached.
    """

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        try:
            return safe_url_fetcher(url)
        except ResourceRefused as refusal:
            logger.warning("Report resource refused: %s", refusal)
            raise


def _static_response(url: str) -> URLFetcherResponse:
    path = url.split(":", 1)[1].split("?", 1)[0].split("#", 1)[0]
    path = unquote(path).lstrip("/")
    parts = PurePosixPath(path).parts
    if (
        not parts
        or "\\" in path
        or "\x00" in path
        or ".." in parts
        or Path(path).suffix.lower() not in STATIC_TYPES
    ):
        raise ResourceRefused(f"not a static file of the app: {url[:80]!r}")
    found = _find_static(path)
    if found is None:
        raise ResourceRefused(f"no such static file: {path!r}")
    return URLFetcherResponse(
        url, found.read_bytes(), {"Content-Type": STATIC_TYPES[found.suffix.lower()]}
    )


def _find_static(path: str) -> Path | None:
    # Resolved and checked against the folder it was found in, so a symlink
    # inside the static files cannot lead out of them.
    found = finders.find(path)
    if found:
        root = Path(found).parents[len(PurePosixPath(path).parts) - 1].resolve()
        candidate = Path(found).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
        return None
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _data_response(url: str) -> URLFetcherResponse:
    if len(url) > DATA_URL_LIMIT * 2:
        raise ResourceRefused("data: URL over the size limit")
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise ResourceRefused("malformed data: URL")
    media_type = header.split(";", 1)[0].strip() or "text/plain"
    try:
        if header.endswith(";base64"):
            body = base64.b64decode(unquote_to_bytes(payload), validate=True)
        else:
            body = unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as error:
        raise ResourceRefused("malformed data: URL") from error
    if len(body) > DATA_URL_LIMIT:
        raise ResourceRefused("data: URL over the size limit")
    return URLFetcherResponse(url, body, {"Content-Type": media_type})
