"""CVM KPIs (a staff-curated catalogue and the workshop's own) and Moments of Truth."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from alignment.models.workshop import (
    TEXT_MAX,
    TITLE_MAX,
    AspectItem,
    Persona,
    StrategicBet,
    Workshop,
    quarter_validator,
)


class KpiCategory(models.TextChoices):
    """The five CVMBoK categories, derived from the balanced scorecard."""

    CUSTOMER_BASE = "customer_base", _("Customer base")
    REVENUE = "revenue", _("Revenue")
    CUSTOMER_EXPERIENCE = "customer_experience", _("Customer experience")
    COSTS = "costs", _("Costs")
    INTERNAL_PROCESSES = "internal_processes", _("Internal processes")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class CatalogueKpi(models.Model):
    """A KPI from the curated catalogue; workshops copy it into their own KPIs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=24, choices=KpiCategory.choices)
    definition = models.TextField(_("definition"), max_length=TEXT_MAX)
    unit = models.CharField(_("unit"), max_length=30)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    overarching = models.BooleanField(
        _("overarching"), default=False, help_text=_("Balances all the others, as CLV does.")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("catalogue KPI")
        verbose_name_plural = _("KPI catalogue")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Kpi(AspectItem):
    """A CVM KPI the workshop commits to: title is its name, description its definition."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="kpis")
    catalogue = models.ForeignKey(
        CatalogueKpi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the catalogue"),
    )
    category = models.CharField(
        _("category"), max_length=24, choices=KpiCategory.choices, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_quarter = models.CharField(
        _("target quarter"), max_length=7, blank=True, validators=[quarter_validator]
    )
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    bets = models.ManyToManyField(
        StrategicBet, blank=True, related_name="kpis", verbose_name=_("bets")
    )

    class Meta(AspectItem.Meta):
        verbose_name = _("CVM KPI")
        verbose_name_plural = _("CVM KPIs")

    @property
    def direction_warning(self) -> str:
        """A target on the wrong side of the baseline is worth a second look, not an error."""
        if self.baseline is None or self.target is None:
            return ""
        if self.direction == Direction.UP and self.target < self.baseline:
            return str(_("The target is below the baseline, but higher is better."))
        if self.direction == Direction.DOWN and self.target > self.baseline:
            return str(_("The target is above the baseline, but lower is better."))
        return ""


class JourneyStage(models.TextChoices):
    DISCOVER = "discover", _("Discover it")
    BUY = "buy", _("Buy it")
    USE_AND_FIX = "use_and_fix", _("Use it and fix it")
    CUSTOMERS_FOR_LIFE = "customers_for_life", _("Customers for life")


class LifecycleStage(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ADOPTION = "adoption", _("Adoption")
    RENEWAL = "renewal", _("Renewal")
    UPSELL = "upsell", _("Upsell")
    RETENTION = "retention", _("Retention")
    CANCELLATION = "cancellation", _("Cancellation and win-back")


class Channel(models.TextChoices):
    INBOUND_ASSISTED = "inbound_assisted", _("Inbound, assisted")
    INBOUND_UNASSISTED = "inbound_unassisted", _("Inbound, unassisted")
    OUTBOUND_ASSISTED = "outbound_assisted", _("Outbound, assisted")
    OUTBOUND_UNASSISTED = "outbound_unassisted", _("Outbound, unassisted")


HIGH_PRIORITY = 15

one_to_five = [MinValueValidator(1), MaxValueValidator(5)]


class MomentOfTruth(AspectItem):
    """A point in the journey where the customer's view of us can swing.

    Priority = impact x (6 - current performance): a high-impact moment we handle
    badly scores highest. At 15 or more, or when the facilitator marks it with a
    reason, it is high priority and must trace to a strategic bet.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="mots")
    journey_stage = models.CharField(
        _("journey stage"), max_length=20, choices=JourneyStage.choices
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=14, choices=LifecycleStage.choices
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    persona = models.ForeignKey(
        Persona,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mots",
        verbose_name=_("persona"),
    )
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"), validators=one_to_five, default=3)
    performance = models.PositiveSmallIntegerField(
        _("current performance (1-5)"), validators=one_to_five, default=3
    )
    marked_high = models.BooleanField(_("marked high priority by the facilitator"), default=False)
    high_reason = models.CharField(_("reason for high priority"), max_length=TITLE_MAX, blank=True)
    bets = models.ManyToManyField(
        StrategicBet, blank=True, related_name="mots", verbose_name=_("bets")
    )
    kpis = models.ManyToManyField(Kpi, blank=True, related_name="mots", verbose_name=_("KPIs"))

    class Meta(AspectItem.Meta):
        verbose_name = _("Moment of Truth")
        verbose_name_plural = _("Moments of Truth")

    @property
    def priority(self) -> int:
        return self.impact * (6 - self.performance)

    @property
    def is_high_priority(self) -> bool:
        return self.priority >= HIGH_PRIORITY or self.marked_high
