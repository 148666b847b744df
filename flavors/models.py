"""The three CVM flavors: how an organisation sets up Customer Value Management.

Reference data shipped by a data migration (texts in `flavors/content.py`) and
edited by staff in the admin. Workshops refer to a flavor by its stable `code`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from flavors.vocabulary import (
    HANDSHAKE_AREAS,
    KPI_CODES,
    validate_handshake_areas,
    validate_kpi_codes,
)


class FlavorCode(models.TextChoices):
    """The three flavors, in the order organisations usually go through them."""

    PRODUCT_CENTRIC = "product_centric", _("Product-centric")
    COORDINATED = "coordinated", _("Coordinated")
    SEGMENT_CENTRIC = "segment_centric", _("Segment-centric")


class Perspective(models.TextChoices):
    """The four balanced-scorecard perspectives a flavor is described from."""

    FINANCIAL = "financial", _("Financial")
    CUSTOMER_BASE = "customer_base", _("Customer base")
    CUSTOMER_EXPERIENCE = "customer_experience", _("Customer experience")
    INTERNAL_PROCESS = "internal_process", _("Internal process")


class FlavorQuerySet(models.QuerySet):
    def with_details(self) -> FlavorQuerySet:
        """Everything a flavor page shows, in three queries whatever the data size."""
        return self.select_related("next_stage").prefetch_related("activities", "challenges")


class Flavor(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        choices=FlavorCode.choices,
        unique=True,
        help_text=_("Stable identifier that workshops store; never changes."),
    )
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    summary = models.CharField(_("summary"), max_length=240, help_text=_("One line."))
    financial = models.TextField(_("financial perspective"))
    customer_base = models.TextField(_("customer base perspective"))
    customer_experience = models.TextField(_("customer experience perspective"))
    internal_process = models.TextField(_("internal process perspective"))
    telco_examples = models.TextField(
        _("telco examples"), blank=True, help_text=_("One example per line.")
    )
    next_stage = models.ForeignKey(
        "self",
        verbose_name=_("next stage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="previous_stages",
        help_text=_("The flavor organisations usually move to next, if any."),
    )
    next_stage_note = models.TextField(
        _("when to move on"),
        blank=True,
        help_text=_("What usually tells an organisation it is time for the next stage."),
    )
    suggested_kpi_codes = models.JSONField(
        _("suggested KPIs"),
        default=list,
        blank=True,
        validators=[validate_kpi_codes],
        help_text=_("KPI catalogue codes the workshop suggests for this flavor."),
    )
    suggested_handshake_areas = models.JSONField(
        _("suggested handshakes"),
        default=list,
        blank=True,
        validators=[validate_handshake_areas],
        help_text=_("Functional areas whose handshakes the workshop suggests for this flavor."),
    )

    objects = FlavorQuerySet.as_manager()

    class Meta:
        verbose_name = _("CVM flavor")
        verbose_name_plural = _("CVM flavors")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.next_stage_id is not None and self.next_stage_id == self.pk:
            raise ValidationError({"next_stage": _("A flavor cannot be its own next stage.")})

    @property
    def telco_example_list(self) -> list[str]:
        return [line.strip() for line in self.telco_examples.splitlines() if line.strip()]

    @property
    def perspectives(self) -> list[tuple[str, str, str]]:
        """(key, label, text) for each of the four perspectives, in the usual order."""
        return [(p.value, p.label, getattr(self, p.value)) for p in Perspective]

    @property
    def suggested_kpis(self) -> list[tuple[str, str]]:
        """(code, label) pairs; codes no longer in the vocabulary are skipped."""
        return [(c, KPI_CODES[c]) for c in self.suggested_kpi_codes if c in KPI_CODES]

    @property
    def suggested_handshakes(self) -> list[tuple[str, str]]:
        return [
            (a, HANDSHAKE_AREAS[a]) for a in self.suggested_handshake_areas if a in HANDSHAKE_AREAS
        ]


class FlavorActivity(models.Model):
    """One of the main activities of the CVM role in a flavor."""

    flavor = models.ForeignKey(Flavor, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("activity"))

    class Meta:
        verbose_name = _("main CVM activity")
        verbose_name_plural = _("main CVM activities")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class FlavorChallenge(models.Model):
    """A challenge the CVM role typically faces in a flavor, with a concrete example."""

    flavor = models.ForeignKey(Flavor, on_delete=models.CASCADE, related_name="challenges")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("challenge"), max_length=200)
    example = models.TextField(_("example"), blank=True)

    class Meta:
        verbose_name = _("typical challenge")
        verbose_name_plural = _("typical challenges")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title
