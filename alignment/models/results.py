"""What a signed quarter led to: the KPIs' actual readings and each bet's outcome.

They live beside the frozen snapshot, never in it: recording them changes
neither the signed hash nor the signed PDF.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alignment.models.measures import Kpi
from alignment.models.workshop import StrategicBet

NOTE_MAX = 500


class KpiReading(models.Model):
    """One actual value of a KPI of a signed quarter, as read on a date."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    taken_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=120, blank=True)
    comment = models.TextField(_("comment"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("KPI reading")
        verbose_name_plural = _("KPI readings")
        ordering = ["taken_on", "id"]
        indexes = [models.Index(fields=["kpi", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.kpi} = {self.value} on {self.taken_on}"


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    MISSED = "missed", _("Missed")
    DROPPED = "dropped", _("Dropped")


class BetOutcome(models.Model):
    """How a bet of a signed quarter turned out, as the team judged it."""

    bet = models.OneToOneField(StrategicBet, on_delete=models.CASCADE, related_name="outcome")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bet outcome")
        verbose_name_plural = _("bet outcomes")

    def __str__(self) -> str:
        return f"{self.bet}: {self.outcome}"
