"""Functional areas and their versioned handshake templates.

A template describes how one functional area and the CVM team depend on each
other (CVMBoK's "cross-functional collaboration" template). Templates are
versioned: a workshop pins the exact version it took, so a published or retired
version never changes; editing means starting a new draft (see `services`).

Per area there is at most one published and at most one draft version at any
time; any number of retired ones.

This app is a library: it knows nothing of workshops.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Impact(models.TextChoices):
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")


class Stage(models.TextChoices):
    """The customer journey stages, in journey order."""

    DISCOVER = "discover", _("Discover it")
    BUY = "buy", _("Buy it")
    USE_AND_FIX = "use_and_fix", _("Use it, fix it")
    CUSTOMERS_FOR_LIFE = "customers_for_life", _("Customers for life")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


# The fields that make up a version's content. Published and retired versions
# never change them; `diff`, copying a new draft, export and import all go by
# this list, so a new content field is added here once.
CONTENT_FIELDS = (
    "purpose",
    "inputs",
    "outputs",
    "key_handshakes",
    "impact",
    "impact_reason",
    "stages",
)
LIST_FIELDS = ("inputs", "outputs", "key_handshakes", "stages")


def validate_text_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Must be a list of texts."), code="invalid")
    if not value:
        raise ValidationError(_("Give at least one item."), code="required")
    if any(not item.strip() for item in value):
        raise ValidationError(_("Items cannot be empty."), code="blank")


def validate_stages(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one journey stage."), code="required")
    unknown = [item for item in value if item not in Stage.values]
    if unknown:
        raise ValidationError(
            _("Unknown journey stage %(stage)s; must be one of %(allowed)s."),
            code="invalid_choice",
            params={"stage": unknown[0], "allowed": ", ".join(Stage.values)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each journey stage only once."), code="duplicate")


class FunctionalArea(models.Model):
    """A part of the organisation CVM depends on (Pricing, Legal, ...)."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in the library; lower comes first.")
    )

    class Meta:
        verbose_name = _("functional area")
        verbose_name_plural = _("functional areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def published_version(self) -> HandshakeTemplate | None:
        return self.versions.published().first()


class HandshakeTemplateQuerySet(models.QuerySet):
    def published(self) -> HandshakeTemplateQuerySet:
        """The current version of each area that has one."""
        return self.filter(status=Status.PUBLISHED)

    def drafts(self) -> HandshakeTemplateQuerySet:
        return self.filter(status=Status.DRAFT)

    def released(self) -> HandshakeTemplateQuerySet:
        """Published and retired versions: their text has been made public, and a
        workshop may have pinned any of them. Drafts are the curators' own."""
        return self.exclude(status=Status.DRAFT)

    def visible_to(self, user) -> HandshakeTemplateQuerySet:
        """Published and retired versions for everyone; drafts for staff only."""
        if getattr(user, "is_staff", False):
            return self
        return self.released()

    def search(self, text: str) -> HandshakeTemplateQuerySet:
        """The area name or any text of the template contains `text`."""
        text = text.strip()
        if not text:
            return self
        # The JSON lists are matched on their stored text: fine for the words
        # people search for, and the same on SQLite and PostgreSQL.
        return self.filter(
            Q(area__name__icontains=text)
            | Q(purpose__icontains=text)
            | Q(key_handshakes__icontains=text)
            | Q(inputs__icontains=text)
            | Q(outputs__icontains=text)
            | Q(impact_reason__icontains=text)
        )

    def with_impact(self, impact: str) -> HandshakeTemplateQuerySet:
        return self.filter(impact=impact) if impact else self

    def at_stage(self, stage: str) -> HandshakeTemplateQuerySet:
        # `stages` is a JSON list of known values, none of which is part of
        # another, so matching the quoted value in its text works on SQLite and
        # PostgreSQL alike (JSON containment is PostgreSQL-only).
        if not stage:
            return self
        if stage not in Stage.values:
            return self.none()
        return self.filter(stages__icontains=f'"{stage}"')

    def with_current_version(self) -> HandshakeTemplateQuerySet:
        """Annotate `current_version`: the number of the area's published version
        (None if it has none), so `newer_version_exists` needs no query per row."""
        return self.annotate(current_version=current_version_subquery("area"))

    def in_library_order(self) -> HandshakeTemplateQuerySet:
        return self.order_by("area__order", "area__name", "version")


def current_version_subquery(area_ref: str = "area") -> Subquery:
    """The published version number of the area at `area_ref` (an outer
    reference such as "template__area"), for annotating any queryset in one query."""
    return Subquery(
        HandshakeTemplate.objects.published().filter(area=OuterRef(area_ref)).values("version")[:1],
        output_field=models.PositiveIntegerField(),
    )


@dataclass(frozen=True)
class ListLine:
    """One item of a list field in a diff: kept, added or removed."""

    op: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: object
    after: object
    lines: list[ListLine] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return self.name in LIST_FIELDS


class VersionIsFrozen(Exception):
    """Raised when code tries to change the content of a published or retired version."""


class HandshakeTemplate(models.Model):
    """One version of the collaboration template of a functional area."""

    area = models.ForeignKey(
        FunctionalArea,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("functional area"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    purpose = models.TextField(_("purpose of the area"))
    inputs = models.JSONField(
        _("inputs: how the area impacts CVM"),
        default=list,
        validators=[validate_text_list],
    )
    outputs = models.JSONField(
        _("outputs: how CVM impacts the area"),
        default=list,
        validators=[validate_text_list],
    )
    key_handshakes = models.JSONField(
        _("key handshakes to agree"),
        default=list,
        validators=[validate_text_list],
        help_text=_(
            "In a fixed order: a workshop records the handshakes it covers by their "
            "position in its pinned version."
        ),
    )
    impact = models.CharField(
        _("impact of collaboration quality"), max_length=6, choices=Impact.choices
    )
    impact_reason = models.TextField(
        _("why this impact"),
        help_text=_("One sentence: what good or poor collaboration does to CVM results."),
    )
    stages = models.JSONField(
        _("customer journey stages"),
        default=list,
        validators=[validate_stages],
        help_text=_("Where in the customer journey this collaboration matters most."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published by"),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)

    objects = HandshakeTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("handshake template")
        verbose_name_plural = _("handshake templates")
        ordering = ["area__order", "area__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="one_row_per_area_version"),
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(status=Status.PUBLISHED),
                name="one_published_version_per_area",
            ),
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(status=Status.DRAFT),
                name="one_draft_version_per_area",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="version_from_one"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="handshake_status_known"
            ),
            models.CheckConstraint(
                condition=Q(impact__in=Impact.values), name="handshake_impact_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_changes_to_frozen_content(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    # Lifecycle

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED

    @property
    def is_frozen(self) -> bool:
        """Published and retired versions are pinned by workshops and never change."""
        return self.status != Status.DRAFT

    def _refuse_changes_to_frozen_content(self, update_fields) -> None:
        if update_fields is not None and not set(update_fields) & set(CONTENT_FIELDS):
            return  # lifecycle fields only (publish, retire)
        stored = (
            HandshakeTemplate.objects.filter(pk=self.pk)
            .exclude(status=Status.DRAFT)
            .values(*CONTENT_FIELDS)
            .first()
        )
        if stored is None:
            return  # still a draft in the database: anything may change
        if any(stored[name] != getattr(self, name) for name in CONTENT_FIELDS):
            raise VersionIsFrozen(f"{self} is {self.status}; start a new version to change it.")

    def latest_published(self) -> HandshakeTemplate | None:
        """The area's current published version (possibly this one)."""
        if self.is_published:
            return self
        return HandshakeTemplate.objects.published().filter(area_id=self.area_id).first()

    @property
    def newer_version_exists(self) -> bool:
        """True when the area has a published version newer than this one.

        Uses the `current_version` annotation of `with_current_version()` when
        present, so lists stay at one query.
        """
        if hasattr(self, "current_version"):
            current = self.current_version
        else:
            latest = self.latest_published()
            current = latest.version if latest else None
        return current is not None and current > self.version

    # Content

    def content(self) -> dict:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def key_handshake_choices(self) -> list[tuple[int, str]]:
        """(position, text) pairs; the position is the stable address of a key
        handshake within this version (0-based, never reused since the version
        is frozen once published)."""
        return list(enumerate(self.key_handshakes))

    def get_stages_display(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(stage, stage)) for stage in self.stages]

    def clean(self) -> None:
        # Keep stages in journey order, whatever order they were picked in.
        if isinstance(self.stages, list) and all(s in Stage.values for s in self.stages):
            self.stages = [s for s in Stage.values if s in self.stages]

    def diff(self, other: HandshakeTemplate) -> list[FieldChange]:
        """What changed from this version to `other`, field by field (only
        changed fields; list fields come with their lines kept/added/removed)."""
        changes = []
        for name in CONTENT_FIELDS:
            before, after = getattr(self, name), getattr(other, name)
            if before == after:
                continue
            label = str(self._meta.get_field(name).verbose_name)
            lines = _list_lines(before, after) if name in LIST_FIELDS else []
            changes.append(FieldChange(name, label, before, after, lines))
        return changes


def _list_lines(before: list, after: list) -> list[ListLine]:
    lines: list[ListLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(ListLine("same", text) for text in before[a1:a2])
            continue
        lines.extend(ListLine("removed", text) for text in before[a1:a2])
        lines.extend(ListLine("added", text) for text in after[b1:b2])
    return lines
