"""Sign-off: each leader signs the exact content; a frozen report is what they signed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alignment.models.workshop import Workshop


class Decision(models.TextChoices):
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")


class Signature(models.Model):
    """A leader's decision on one version of the content (its SHA-256): signed,
    possibly with a reservation, or declined with a reason.

    A decision is void once the content changes; voided ones stay on record. A
    decline in force blocks the freeze.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(_("content SHA-256"), max_length=64)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.SIGNED)
    # The reservation a signature carries, or the reason for a decline.
    note = models.TextField(blank=True)
    # When the signer first opened this content (on the page or as the draft
    # PDF); empty when they signed without having opened it.
    opened_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "signer"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_signer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer} {self.decision} {self.content_hash[:12]}"

    @property
    def declined(self) -> bool:
        return self.decision == Decision.DECLINED


class SignerEventKind(models.TextChoices):
    INVITED = "invited", _("Invited to sign")
    OPENED = "opened", _("Opened the content")
    SIGNED = "signed", _("Signed")
    RESERVED = "reserved", _("Signed with a reservation")
    DECLINED = "declined", _("Declined")
    VOIDED = "voided", _("Signature voided")


class SignerEvent(models.Model):
    """One line of the completion certificate: what happened to whom, when, from where.

    Written once and never changed. The IP address and user agent are recorded
    for what the signer did themselves (opening, signing, declining).
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="signer_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=SignerEventKind.choices)
    content_hash = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The reservation, the decline's reason, or the change that voided a signature.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["workshop", "user", "kind"])]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.content_hash[:12]}"


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be rendered")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """The signed alignment report: the frozen snapshot, its hash, and its PDF.

    The PDF is rendered from `snapshot`, never from live rows, so it shows exactly
    what was signed; `pdf_sha256` lets anyone verify a copy of the file later.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.OneToOneField(Workshop, on_delete=models.PROTECT, related_name="report")
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64, db_index=True)
    signatures = models.JSONField(default=list)
    # The completion certificate: every signer event up to the freeze, and who
    # froze it. Not part of the signed content (the leaders cannot sign the
    # record of their own signing).
    certificate = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Report {self.workshop.quarter} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        return f"cvm-alignment-{self.snapshot['organization']['slug']}-{self.snapshot['workshop']['quarter']}.pdf"
