"""The report's URL fetcher serves the app's own static files and nothing else."""

from __future__ import annotations

import base64
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint.urls import URLFetcher

from alignment.report.fetcher import (
    DATA_URL_LIMIT,
    ResourceRefused,
    SafeURLFetcher,
    safe_url_fetcher,
)

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def test_it_serves_the_report_stylesheet_from_the_static_files():
    response = safe_url_fetcher("cvmstatic:css/report.css")
    assert response.content_type == "text/css"
    assert response.read() == (STATIC_DIR / "css" / "report.css").read_bytes()


def test_it_serves_the_shipped_fonts():
    response = safe_url_fetcher("cvmstatic:fonts/inter/inter-latin-400-normal.woff2")
    assert response.content_type == "font/woff2"
    assert response.read()[:4] == b"wOF2"


def test_it_serves_files_collected_into_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "collected-only.css").write_text("p { color: navy }")
    assert safe_url_fetcher("cvmstatic:css/collected-only.css").read() == b"p { color: navy }"


def test_it_accepts_the_keyword_arguments_weasyprint_passes():
    response = safe_url_fetcher("cvmstatic:css/report.css", timeout=3, ssl_context=None, extra=1)
    assert response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://localhost/x.png",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1:70/x",
        "javascript:alert(1)",
        "/static/../../etc/passwd",
        "/static/css/report.css",
        "../../etc/passwd",
        "etc/passwd",
        "",
    ],
)
def test_it_refuses_every_other_scheme_and_every_relative_url(url):
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(url)


@pytest.mark.parametrize(
    "url",
    [
        "cvmstatic:../../etc/passwd",
        "cvmstatic:/etc/passwd",
        "cvmstatic:///etc/passwd",
        "cvmstatic:css/../../../../etc/passwd",
        "cvmstatic:%2e%2e/%2e%2e/etc/passwd",
        "cvmstatic:css%2f..%2f..%2fcvm_align%2fsettings.py",
        "cvmstatic:..\\..\\etc\\passwd",
        "cvmstatic:css/report.css%00.png",
        "cvmstatic:../cvm_align/settings.py",
        "cvmstatic:css/missing.css",
        "cvmstatic:",
    ],
)
def test_it_refuses_paths_outside_the_static_files(url):
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(url)


def test_it_refuses_static_files_of_unknown_types():
    # Present in the static files, but nothing the report needs to read.
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("cvmstatic:fonts/inter/OFL.txt")


def test_it_refuses_a_symlink_in_static_root_that_leads_outside(settings, tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("secret")
    (root / "leak.css").symlink_to(secret)
    settings.STATIC_ROOT = root
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("cvmstatic:leak.css")


def test_it_refuses_a_symlink_in_the_static_dirs_that_leads_outside(settings, tmp_path):
    static_dir = tmp_path / "static"
    static_dir.mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("secret")
    (static_dir / "leak.css").symlink_to(secret)
    (static_dir / "fine.css").write_text("p { color: navy }")
    settings.STATICFILES_DIRS = [static_dir]
    assert safe_url_fetcher("cvmstatic:fine.css").read() == b"p { color: navy }"
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("cvmstatic:leak.css")


def test_it_decodes_small_data_urls_in_memory():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    response = safe_url_fetcher(url)
    assert response.content_type == "image/png"
    assert response.read() == png
    assert safe_url_fetcher("data:text/plain,hello%20there").read() == b"hello there"


def test_it_refuses_data_urls_over_the_size_limit():
    big = base64.b64encode(b"\x00" * (DATA_URL_LIMIT + 1)).decode()
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("data:image/png;base64," + big)
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("data:text/plain," + "a" * (DATA_URL_LIMIT + 1))


def test_it_refuses_malformed_data_urls():
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("data:image/png;base64")
    with pytest.raises(ResourceRefused):
        safe_url_fetcher("data:image/png;base64,@@@not-base64@@@")


def test_weasyprint_gets_it_as_a_url_fetcher_whose_own_network_code_is_off():
    fetcher = SafeURLFetcher()
    assert isinstance(fetcher, URLFetcher)
    assert fetcher("cvmstatic:css/report.css").read()
    with pytest.raises(ResourceRefused):
        fetcher("http://127.0.0.1/")
    with pytest.raises(ValueError, match="disallowed protocol"):
        # The base class's own fetch, should anything ever reach it.
        URLFetcher.fetch(fetcher, "http://127.0.0.1/")


def test_the_listener_does_see_a_real_request(listener):
    # The control for the tests below: a fetch that really happens is recorded.
    port = listener.server_address[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/probe.css", timeout=5) as response:
        assert response.status == 200
    assert listener.requests == ["/probe.css"]


def test_it_refuses_a_loopback_listener_without_connecting(listener):
    port = listener.server_address[1]
    for url in (f"http://127.0.0.1:{port}/x.png", f"https://127.0.0.1:{port}/x.png"):
        with pytest.raises(ResourceRefused):
            safe_url_fetcher(url)
        with pytest.raises(ResourceRefused):
            SafeURLFetcher()(url)
    assert listener.connections == []
    assert listener.requests == []
