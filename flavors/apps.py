from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlavorsConfig(AppConfig):
    name = "flavors"
    verbose_name = _("CVM flavors")
