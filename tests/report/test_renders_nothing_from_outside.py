"""Text typed by a user can never make the report renderer fetch or read anything.

Proved with a real listener on a loopback port: markup and CSS that point at it
are put into the user text of a snapshot, the PDF is rendered, and the listener
must not have seen a single connection.
"""

from __future__ import annotations

import pytest

from alignment.report import fetcher
from alignment.report.render import render_report_pdf, render_with
from tests.report.conftest import render_kwargs


def hostile_markup(port: int) -> str:
    target = f"http://127.0.0.1:{port}"
    return (
        f'<img src="{target}/img.png">'
        f'<link rel="stylesheet" href="{target}/link.css">'
        f"<style>@import url({target}/import.css); body {{ background: url({target}/bg.png) }}</style>"
        f'<p style="background-image: url({target}/inline.png)">x</p>'
        f'<object data="{target}/object.svg"></object><embed src="{target}/embed.svg">'
        f'<svg><image href="{target}/svg-image.png"/></svg>'
        f'<img src="file:///etc/passwd"><img src="/static/../../etc/passwd">'
    )


def poison(snapshot: dict, markup: str) -> dict:
    snapshot["organization"]["name"] += markup
    snapshot["workshop"]["title"] += markup
    snapshot["flavor"]["headline"] += markup
    snapshot["flavor"]["activities"].append(markup)
    for group in snapshot["aspects"].values():
        for item in group:
            item["title"] += markup
            item["description"] += markup
    for item in (*snapshot["bets"], *snapshot["kpis"], *snapshot["mots"]):
        item["title"] += markup
        item["description"] += markup
    for kpi in snapshot["kpis"]:
        kpi["unit"] += markup
        kpi["owner"] += markup
    for mot in snapshot["mots"]:
        mot["high_reason"] += markup
    for agreement in snapshot["agreements"]:
        agreement["owner"] += markup
        agreement["covers"].append(markup)
    snapshot["coherence"]["findings"].append(
        {"rule": markup, "severity": "blocker", "message": markup}
    )
    snapshot["coherence"]["override"] = {
        "by": markup,
        "reason": markup,
        "at": "2026-09-30T16:05:00+00:00",
    }
    snapshot["changes"]["steps"][0]["added"].append(markup)
    return snapshot


def test_user_text_pointing_at_a_listener_reaches_nobody(sample, listener):
    markup = hostile_markup(listener.server_address[1])
    signatures = [{"name": markup, "role": markup, "title": markup, "signed_at": ""}]

    pdf = render_report_pdf(poison(sample, markup), **render_kwargs(signatures=signatures))

    assert pdf.startswith(b"%PDF")
    assert listener.connections == []
    assert listener.requests == []


def test_even_unescaped_markup_fetches_nothing_but_static_files(listener, monkeypatch):
    # Defence in depth: were escaping ever lost, the fetcher alone still refuses.
    asked = []
    real_fetcher = fetcher.safe_url_fetcher

    def recording_fetcher(url, *args, **kwargs):
        asked.append(url)
        return real_fetcher(url, *args, **kwargs)

    monkeypatch.setattr(fetcher, "safe_url_fetcher", recording_fetcher)
    markup = hostile_markup(listener.server_address[1])
    html = (
        "<!doctype html><html><head>"
        '<link rel="stylesheet" href="cvmstatic:css/report.css"></head>'
        f"<body><h1>Report</h1>{markup}</body></html>"
    )

    pdf = render_with(html)

    assert pdf.startswith(b"%PDF")
    assert listener.connections == []
    assert listener.requests == []
    port = listener.server_address[1]
    assert any(f"127.0.0.1:{port}" in url for url in asked), "WeasyPrint did ask; we refused"
    served = [url for url in asked if url.startswith(("cvmstatic:", "data:"))]
    refused = [url for url in asked if url not in served]
    assert all(url.startswith("cvmstatic:") for url in served)
    for url in refused:
        with pytest.raises(fetcher.ResourceRefused):
            real_fetcher(url)
