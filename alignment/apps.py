from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from alignment.checks import report_seal_check


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = _("Alignment workshops")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports an app's config before its
        # models are ready, and the signal handlers (and the agenda they name
        # steps from) need the models. Connecting them keeps the caches honest.
        from alignment.realtime import signals

        signals.connect()
        checks.register(report_seal_check, checks.Tags.security)
