"""Refusals: one type for every workflow, and every message in one table.

A workflow that will not do what it was asked raises `Refused` with a code from
`MESSAGES` (and the values the message names). A view catches `Refused` and shows
its `message`, in the language of the person who asked: the table is translated
once, here, and read when the message is shown. Subclasses exist only where a
caller must tell a refusal apart and act on more than its message: `Conflict`
carries the text someone else saved, `Frozen` is the signed workshop that the
admin explains in its own words, `InvitationGone` answers 410.

Modelled on pretix's `OrderError` and its `error_messages`
(src/pretix/base/services/orders.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # A signed workshop: every write path asks `revision.ensure_editable`.
    "frozen": _("This workshop is signed and frozen. Start the next quarter to make changes."),
    # Members and invitations
    "own_standing": _(
        "You cannot change your own role or remove yourself; ask another organisation admin."
    ),
    "last_admin": _("The organisation needs at least one organisation admin."),
    "role_unknown": _("Please choose one of the listed roles."),
    "already_member": _("This person is already a member."),
    "invitation_used": _("This invitation was already accepted or withdrawn."),
    "invitation_expired": _("This invitation has expired."),
    "wrong_account": _("This invitation is for %(email)s. Sign in with that address to accept it."),
    "account_exists": _("An account with %(email)s exists already. Sign in with it to accept."),
    # The workshop's status
    "no_such_status": _("There is no such status."),
    "transition_impossible": _("A workshop cannot go from %(from)s to %(to)s."),
    "hidden_answers": _(
        "Reveal the answers of the private brainstorm on %(steps)s first: leaders "
        "sign only what everyone can see."
    ),
    "blockers_before_signing": _(
        "Signing needs a coherence review without blockers (%(count)s left), "
        "or an override with a reason."
    ),
    # Items
    "conflict": _(
        "Someone else changed this answer while you were editing. Their version is shown; "
        "copy what you need and save again."
    ),
    "other_workshop": _("%(item)s belongs to another workshop and cannot be linked here."),
    "too_many_items": _("A workshop holds at most %(cap)s %(kind)s."),
    "list_changed": _("The list changed while you were moving items. Please try again."),
    # Facilitation
    "brainstorm_while_signing": _(
        "A private brainstorm cannot start while the leaders sign. Move the "
        "workshop back to review first."
    ),
    "vote_already_open": _("A vote is already open on this step."),
    "vote_needs_groups": _(
        "There are no groups of answers on this step to vote on: group the answers first, "
        "or vote on the answers."
    ),
    "vote_is_on_groups": _("This vote is on the groups of answers: give your dots to a group."),
    "vote_is_on_answers": _("This vote is on the answers: give your dots to an answer."),
    "group_title_missing": _("Give the group a title."),
    "group_title_too_long": _("A group title has at most %(cap)s characters."),
    "group_merge_itself": _("Choose another group to merge with."),
    "not_moderating": _(
        "Answers are moderated only during a brainstorm opened with “moderate first”, "
        "before the reveal."
    ),
    "answer_already_revealed": _("This answer is revealed already: everyone sees it."),
    "set_aside_reason_missing": _("Say why this answer is set aside: its author reads it."),
    "set_aside_reason_too_long": _("A reason has at most %(cap)s characters."),
    "no_open_vote": _("There is no open vote on this step."),
    "vote_closed": _("This vote is closed."),
    "dots_used": _("You have used all %(budget)s of your dots. Take one back to move it."),
    "no_dot": _("You have no dot on this item."),
    # Sign-off
    "already_signed": _("This workshop is already signed."),
    "signing_not_open": _("Signing opens when the lead moves the workshop to signing."),
    "only_leaders_sign": _("Only the workshop's leaders sign."),
    "content_changed": _(
        "The content changed since you loaded the page. Read it again, then sign."
    ),
    "blockers_left": _(
        "The coherence review still has blockers. Fix them, or the lead records an override."
    ),
    "signed_already_by_you": _("You have already signed this content."),
    "declined_already_by_you": _("You have already declined this content."),
    "not_opened": _(
        "You have not opened the content you are about to sign. Read it (or the draft "
        "PDF) first, or confirm that you sign without reading it."
    ),
    "decline_needs_reason": _("Say why you decline: the lead and the record show it."),
    # Results of a signed quarter
    "results_before_signing": _(
        "Results are recorded for a signed quarter: sign this one off first."
    ),
    # Quarters
    "quarter_taken": _("There is already a workshop for %(quarter)s."),
    # Importing an export
    "file_damaged": _("The file is incomplete or damaged; nothing was imported."),
    "file_damaged_detail": _(
        "The file is incomplete or damaged (%(detail)s); nothing was imported."
    ),
    "file_not_text": _(
        "The file has a value that should be text but is not (%(field)s); nothing was imported."
    ),
    "file_too_many_items": _("%(limit)s The file has %(count)s; nothing was imported."),
    "file_too_many_links": _(
        "An import holds at most %(cap)s links between items; the file has "
        "%(count)s. Nothing was imported."
    ),
    "file_control_characters": _(
        "The file contains invisible control characters; nothing was imported."
    ),
    "file_not_a_number": _(
        "The file contains %(value)s where a number should be; only ordinary numbers "
        "can be imported. Nothing was imported."
    ),
    "file_bad_number": _(
        "%(kind)s %(key)s: %(field)s must be %(expected)s, not %(value)s; nothing was imported."
    ),
    "file_unknown_template": _(
        "The handshake template %(area)s version %(version)s is not published in "
        "this library; nothing was imported."
    ),
    "file_missing_parts": _("The file is missing the workshop or its aspects."),
    "file_bad_values": _(
        "The file has values this version cannot accept (%(detail)s); nothing was imported."
    ),
    "file_bad_quarter": _("The quarter %(quarter)s is not valid."),
    "file_quarter_taken": _("There is already a workshop for %(quarter)s; choose another quarter."),
    # CSV of actuals
    "csv_encoding": _('The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.'),
    "csv_damaged": _(
        "The file cannot be read as CSV from line %(line)s on: a cell there is far too long "
        "or holds a character a text file does not. Export it again as CSV and upload it."
    ),
    "csv_nothing_new": _(
        "Every row of this file is already recorded or holds no reading: there is nothing new "
        "to save."
    ),
    "csv_empty": _("The file has no rows of actuals."),
    "csv_missing_columns": _(
        "The first row must name the columns KPI, date and value (source and comment "
        "are optional); missing: %(columns)s."
    ),
    "csv_too_many_rows": _("A file holds at most %(cap)s rows of actuals; split it in parts."),
    "csv_no_kpi": _("Row %(row)s: the KPI is missing."),
    "csv_unknown_kpi": _('Row %(row)s: this quarter has no KPI called "%(kpi)s".'),
    "csv_ambiguous_kpi": _(
        'Row %(row)s: "%(kpi)s" names more than one KPI; use its key (K1, K2...).'
    ),
    "csv_no_date": _("Row %(row)s: the date is missing."),
    "csv_bad_date": _('Row %(row)s: "%(value)s" is not a date; write it as 2026-09-30.'),
    "csv_no_value": _("Row %(row)s: the value is missing."),
    "csv_bad_number": _('Row %(row)s: "%(value)s" is not a number.'),
    "csv_number_too_large": _("Row %(row)s: %(value)s is too large."),
    "csv_source_too_long": _("Row %(row)s: the source is longer than %(cap)s characters."),
    "csv_comment_too_long": _("Row %(row)s: the comment is longer than %(cap)s characters."),
    "csv_has_errors": _("Rows with errors: %(count)s. Nothing was saved."),
    "csv_preview_expired": _(
        "The preview is more than an hour old; upload the file again to save it."
    ),
    "csv_preview_invalid": _(
        "This preview does not belong to this quarter; upload the file again."
    ),
    "csv_already_imported": _(
        "This preview was saved already: its readings are on the results page."
    ),
}


class Refused(Exception):
    """A workflow refused what it was asked, for a reason meant for the person
    who asked. `code` names the message in `MESSAGES`; `params` fill it in;
    `field` is the form field the message is about, when there is one."""

    def __init__(self, code: str, params: dict | None = None, *, field: str | None = None):
        if code not in MESSAGES:
            raise KeyError(f"No refusal message {code!r}")
        super().__init__(code)
        self.code = code
        self.params = params or {}
        self.field = field

    @property
    def message(self) -> str:
        """The message in the active language (so in the reader's, when shown)."""
        text = str(MESSAGES[self.code])
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def message_for(code: str, **params) -> str:
    """A message of the table on its own, for a page that explains in advance
    what a workflow would refuse (the review, the sign-off step)."""
    return Refused(code, params).message


class Frozen(Refused):
    """The workshop is signed: nothing in it changes, by any path."""

    def __init__(self):
        super().__init__("frozen")


class Conflict(Refused):
    """Someone else saved the item first; `current` is what they saved."""

    def __init__(self, current):
        super().__init__("conflict")
        self.current = current


class InvitationGone(Refused):
    """Revoked, accepted or expired: the link no longer works."""
