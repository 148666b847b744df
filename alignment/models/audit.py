"""Audit log: who changed what, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "admin.action": _("Admin action"),
    "admin.added": _("Added in the admin"),
    "admin.changed": _("Changed in the admin"),
    "admin.deleted": _("Deleted in the admin"),
    "agreement.commented": _("Commented on an agreement"),
    "bet.outcome_set": _("Recorded a bet's outcome"),
    "answer.joined": _("Joined two hidden answers as duplicates"),
    "answer.put_back": _("Put a set-aside answer back"),
    "answer.set_aside": _("Set an answer aside"),
    "brainstorm.opened": _("Opened a private brainstorm"),
    "brainstorm.revealed": _("Revealed the brainstorm"),
    "group.answer_moved": _("Moved an answer between groups"),
    "group.merged": _("Merged two groups of answers"),
    "group.renamed": _("Renamed a group of answers"),
    "group.ungrouped": _("Ungrouped a group of answers"),
    "groups.cleared": _("Undid all groups of a step"),
    "groups.proposed": _("Grouped similar answers"),
    "coherence.override": _("Recorded a coherence override"),
    "flavor.answered": _("Answered the flavor diagnostic"),
    "item.added": _("Added"),
    "item.changed": _("Changed"),
    "item.deleted": _("Deleted"),
    "items.reordered": _("Reordered"),
    "kpi.reading_added": _("Recorded a KPI reading"),
    "kpi.reading_deleted": _("Removed a KPI reading"),
    "member.added": _("Added a member"),
    "member.invited": _("Invited someone"),
    "member.invitation_resent": _("Sent an invitation again"),
    "member.invitation_revoked": _("Withdrew an invitation"),
    "member.joined": _("Joined by invitation"),
    "member.role_changed": _("Changed a role"),
    "report.downloaded": _("Downloaded the report"),
    "signatures.voided": _("Signatures voided"),
    "signoff.declined": _("Declined to sign"),
    "signoff.signed": _("Signed"),
    "vote.closed": _("Closed a dot vote"),
    "vote.opened": _("Opened a dot vote"),
    "workshop.created": _("Created the workshop"),
    "workshop.exported": _("Exported as JSON"),
    "workshop.frozen": _("Froze the signed workshop"),
    "workshop.imported": _("Imported from JSON"),
    "workshop.next_quarter": _("Started from the previous quarter"),
    "workshop.status": _("Changed the status"),
}


class AuditEntry(models.Model):
    """One recorded action. Written by services, never edited afterwards."""

    organization = models.ForeignKey(
        "alignment.Organization", on_delete=models.CASCADE, related_name="audit_entries", null=True
    )
    workshop = models.ForeignKey(
        "alignment.Workshop",
        on_delete=models.CASCADE,
        related_name="audit_entries",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    target = models.CharField(_("what"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor}: {self.action} {self.target}"

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))
