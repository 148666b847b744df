"""System checks of the alignment app (`manage.py check`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def report_seal_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """In production, say so when the reports are sealed with a self-signed
    certificate: their seal checks as intact, but a PDF reader cannot tell who
    made it until someone trusts that certificate."""
    if settings.DEBUG or settings.REPORT_SIGNING_P12:
        return []
    return [
        checks.Warning(
            "Signed reports are sealed with a self-signed certificate, made in "
            f"{settings.REPORT_SIGNING_HOME}: PDF readers show the seal as intact but "
            "its signer as unknown.",
            hint=(
                "Set REPORT_SIGNING_P12 to a PKCS#12 file with your organisation's "
                "document-signing certificate and REPORT_SIGNING_PASSPHRASE to its "
                'passphrase (README, "The report\'s seal"); add REPORT_SIGNING_TSA_URL '
                "for a time-stamp."
            ),
            id="alignment.W001",
        )
    ]
