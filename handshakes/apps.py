from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandshakesConfig(AppConfig):
    name = "handshakes"
    verbose_name = _("Handshake library")
