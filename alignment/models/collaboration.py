"""The workshop's collaboration setup: agreements with other functional areas."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from alignment.models.workshop import AspectItem, StrategicBet, Workshop


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    AT_RISK = "at_risk", _("At risk")


class HandshakeAgreement(AspectItem):
    """A negotiated contract between CVM and one functional area.

    It pins the exact template version it was taken from, so a later edition of
    the library never changes what the team agreed; `covers` lists the positions
    of the template's key handshakes this agreement settles.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agreements")
    template = models.ForeignKey(
        "handshakes.HandshakeTemplate",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handshake template"),
    )
    owner = models.CharField(
        _("owner"), max_length=120, blank=True, help_text=_("A person or a team in that area.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.PROPOSED,
    )
    quality = models.PositiveSmallIntegerField(
        _("collaboration quality (1-5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        default=3,
    )
    bets = models.ManyToManyField(
        StrategicBet, blank=True, related_name="agreements", verbose_name=_("bets")
    )
    covers = models.JSONField(_("key handshakes covered"), default=list, blank=True)

    class Meta(AspectItem.Meta):
        verbose_name = _("handshake agreement")
        verbose_name_plural = _("handshake agreements")

    @property
    def covered_handshakes(self) -> list[str]:
        handshakes = self.template.key_handshakes
        return [handshakes[i] for i in self.covers if 0 <= i < len(handshakes)]


class AgreementEvent(models.Model):
    """A status change or a comment: the negotiation's record."""

    agreement = models.ForeignKey(
        HandshakeAgreement, on_delete=models.CASCADE, related_name="events"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    old_status = models.CharField(max_length=10, choices=AgreementStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=AgreementStatus.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=1000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.comment[:60]

    @property
    def is_status_change(self) -> bool:
        return self.old_status != self.new_status
