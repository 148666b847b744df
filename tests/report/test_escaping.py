"""Whatever a user typed is shown as text: escaped in the HTML, literal in the PDF."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from alignment.report.render import render_report_html, render_report_pdf
from tests.report.conftest import pdf_text, render_kwargs

SCRIPT = '<script>alert("owned")</script>'
BOLD = "<b>not bold</b> & <i>not italic</i>"


def squash(text: str) -> str:
    return "".join(text.split())


def test_markup_in_user_text_is_escaped_in_the_html(sample):
    sample["organization"]["name"] = f"Acme {SCRIPT}"
    sample["aspects"]["personas"][0]["title"] = f"Persona {BOLD}"
    sample["bets"][0]["title"] = f"Bet {SCRIPT}"
    sample["kpis"][0]["owner"] = f"Owner {BOLD}"
    sample["mots"][6]["high_reason"] = f"Reason {SCRIPT}"
    sample["agreements"][0]["covers"] = [f"Handshake {BOLD}"]
    sample["coherence"]["findings"][0]["message"] = f"Finding {SCRIPT}"
    signatures = [{"name": f"Signer {SCRIPT}", "role": "Leader", "title": BOLD, "signed_at": ""}]

    html = render_report_html(sample, **render_kwargs(signatures=signatures))

    assert "<script" not in html
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;i&gt;not italic&lt;/i&gt;" in html


def test_markup_in_user_text_appears_literally_in_the_pdf(sample):
    sample["bets"][0]["title"] = f"Bet {SCRIPT}"
    sample["aspects"]["needs"][0]["title"] = f"Need {BOLD}"
    sample["coherence"]["override"] = {"by": "Lena", "reason": SCRIPT, "at": None}
    signatures = [{"name": f"Signer {SCRIPT}", "role": "Leader", "title": "", "signed_at": ""}]

    # Narrow table cells may wrap inside the long "word": compare without spaces.
    text = squash(pdf_text(render_report_pdf(sample, **render_kwargs(signatures=signatures))))

    assert squash(f"Bet {SCRIPT}") in text
    assert squash(f"Need {BOLD}") in text
    assert squash(f"Signer {SCRIPT}") in text


def test_no_report_template_switches_escaping_off():
    for template in (Path(settings.BASE_DIR) / "templates" / "report").iterdir():
        source = template.read_text()
        assert "|safe" not in source, template.name
        assert "autoescape off" not in source, template.name
        assert "safeseq" not in source, template.name
