"""Versioning workflows for handshake templates, each in one transaction.

A version goes draft -> published -> retired and never back. Only a draft may be
edited; to change a published text, start a new draft (version + 1), edit it
and publish it, which retires the version that was published before.

Every workflow first locks the functional area's row, so two curators acting on
the same area at once are serialised instead of racing for a version number or
for the single published slot.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from handshakes.models import CONTENT_FIELDS, FunctionalArea, HandshakeTemplate, Status

logger = logging.getLogger(__name__)


class VersioningError(Exception):
    """A lifecycle step that does not apply to this version."""


class DraftExists(VersioningError):
    """The area already has a draft; edit that one instead of starting another."""

    def __init__(self, draft: HandshakeTemplate):
        self.draft = draft
        super().__init__(
            _("%(area)s already has a draft (version %(version)s).")
            % {"area": draft.area, "version": draft.version}
        )


def _lock_area(template: HandshakeTemplate) -> FunctionalArea:
    return FunctionalArea.objects.select_for_update().get(pk=template.area_id)


def _refresh(template: HandshakeTemplate) -> HandshakeTemplate:
    # Decide on the row as it is now, not as the caller loaded it.
    return HandshakeTemplate.objects.select_related("area").get(pk=template.pk)


def next_version_number(area: FunctionalArea) -> int:
    highest = area.versions.aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def start_new_version(template: HandshakeTemplate, by) -> HandshakeTemplate:
    """A new draft copying a published (or retired) version, numbered after the
    area's highest version. Raises `DraftExists` if the area has a draft already."""
    area = _lock_area(template)
    template = _refresh(template)
    if template.is_draft:
        raise VersioningError(
            _("%(template)s is a draft: edit it directly.") % {"template": template}
        )
    draft = area.versions.drafts().first()
    if draft is not None:
        raise DraftExists(draft)
    new = HandshakeTemplate(
        area=area,
        version=next_version_number(area),
        status=Status.DRAFT,
        created_by=_person(by),
        **{name: _copy(getattr(template, name)) for name in CONTENT_FIELDS},
    )
    new.save()
    logger.info("handshakes: %s started from %s by %s", new, template, by)
    return new


@transaction.atomic
def publish(template: HandshakeTemplate, by) -> HandshakeTemplate:
    """Publish a draft; the area's previously published version is retired."""
    _lock_area(template)
    template = _refresh(template)
    if not template.is_draft:
        raise VersioningError(
            _("Only a draft can be published; %(template)s is %(status)s.")
            % {"template": template, "status": template.get_status_display()}
        )
    template.full_clean()
    now = timezone.now()
    # Retire first: the database allows one published version per area.
    for previous in HandshakeTemplate.objects.published().filter(area_id=template.area_id):
        previous.status = Status.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        logger.info("handshakes: %s retired by publishing %s", previous, template)
    template.status = Status.PUBLISHED
    template.published_at = now
    template.published_by = _person(by)
    template.save(update_fields=["status", "published_at", "published_by"])
    logger.info("handshakes: %s published by %s", template, by)
    return template


@transaction.atomic
def retire(template: HandshakeTemplate, by) -> HandshakeTemplate:
    """Withdraw a published version; the area then has no current version.
    Workshops that pinned it keep it."""
    _lock_area(template)
    template = _refresh(template)
    if not template.is_published:
        raise VersioningError(
            _("Only a published version can be retired; %(template)s is %(status)s.")
            % {"template": template, "status": template.get_status_display()}
        )
    template.status = Status.RETIRED
    template.retired_at = timezone.now()
    template.save(update_fields=["status", "retired_at"])
    logger.info("handshakes: %s retired by %s", template, by)
    return template


def _copy(value):
    return list(value) if isinstance(value, list) else value


def _person(by):
    return by if getattr(by, "is_authenticated", False) else None
