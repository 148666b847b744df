"""Answers of a workshop: add, edit (never silently over someone else's edit),
delete and reorder, each audited, each a new revision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from alignment import agenda
from alignment.agenda import kinds
from alignment.models import AgreementEvent, Workshop
from alignment.models.workshop import check_same_workshop
from alignment.services.audit import record
from alignment.services.errors import Conflict, Refused
from alignment.services.revision import bump, ensure_editable


def too_many_items(model) -> Refused:
    """The one refusal for the cap, in a step and in an import."""
    return Refused(
        "too_many_items",
        {"cap": kinds.MAX_ITEMS_PER_KIND, "kind": model._meta.verbose_name_plural},
    )


def _audit_item(workshop: Workshop, by, action: str, item, **detail) -> None:
    # The audit log is the lead's to read: an answer a brainstorm still hides is
    # named there by its kind alone (its title, and its old title, stay its author's).
    title = item.title if item.revealed else _("a hidden brainstorm answer")
    if item.anonymous:
        # Nor is an anonymous one: its title beside the entry's time, and who was
        # in the room then, would name its author.
        title = _("an anonymous brainstorm answer")
    if (item.anonymous or not item.revealed) and "old" in detail:
        detail["old"] = title
    # An anonymous answer's author is named nowhere: what they do to it themselves
    # is recorded without them.
    actor = None if item.anonymous and by is not None and by.pk == item.author_id else by
    record(
        workshop.organization,
        actor,
        action,
        f"{item._meta.verbose_name}: {title}",
        workshop=workshop,
        **detail,
    )


def _check_links(workshop: Workshop, form) -> None:
    """Defence in depth: the forms already offer only this workshop's items."""
    for name in getattr(form, "workshop_fields", ()):
        value = form.cleaned_data.get(name)
        linked = value if hasattr(value, "__iter__") else [value]
        try:
            check_same_workshop(workshop, linked)
        except ValidationError as error:
            raise Refused("other_workshop", error.params) from error


def _save_links(item, form) -> None:
    for name in getattr(form, "workshop_fields", ()):
        if name in form.cleaned_data and hasattr(form.cleaned_data[name], "__iter__"):
            getattr(item, name).set(form.cleaned_data[name])


@transaction.atomic
def add_item(workshop: Workshop, step, form, *, by):
    ensure_editable(workshop)
    item = form.save(commit=False)
    item.workshop = workshop
    item.author = by
    # Whether a brainstorm is open on this step, read under the row lock: the page
    # that posted may predate the reveal (and the move to signing) that closed it.
    # The lock also queues adds to one workshop, so the cap below holds exactly.
    brainstorm_step, anonymous = (
        Workshop.objects.select_for_update()
        .values_list("brainstorm_step", "brainstorm_anonymous")
        .get(pk=workshop.pk)
    )
    item.revealed = brainstorm_step != step.slug
    item.anonymous = not item.revealed and anonymous
    # One query for the cap and the position.
    existing = step.model.objects.filter(workshop=workshop).aggregate(
        count=Count("pk"), last=Max("order")
    )
    if existing["count"] >= kinds.MAX_ITEMS_PER_KIND:
        raise too_many_items(step.model)
    item.order = (existing["last"] or 0) + 1
    _check_links(workshop, form)
    item.save()
    _save_links(item, form)
    if step.after_save_function is not None:
        step.after_save_function(workshop, item, form, by, None)
    bump(workshop, step=step.slug)
    _audit_item(workshop, by, "item.added", item)
    return item


@transaction.atomic
def update_item(workshop: Workshop, step, item, form, *, expected_version: int | None, by):
    """Save an edit unless someone else saved the item since the editor loaded it.

    An edit that names no version (left out or empty) is refused like a stale one:
    nobody can tell what it was based on, and saving it would replace whatever is
    there unseen. Every edit path comes through here, so this is the one check.
    """
    ensure_editable(workshop)
    current = step.model.objects.select_for_update().get(pk=item.pk)
    if expected_version is None or current.version != expected_version:
        raise Conflict(current)
    old_title = current.title
    _check_links(workshop, form)
    item = form.save(commit=False)
    item.version = current.version + 1
    item.save()
    _save_links(item, form)
    if step.after_save_function is not None:
        step.after_save_function(workshop, item, form, by, current)
    bump(workshop, step=step.slug)
    _audit_item(workshop, by, "item.changed", item, old=old_title)
    return item


@transaction.atomic
def save_from_admin(item) -> None:
    """A correction of an answer's text by site staff in the Django admin.

    Like an edit in the app: refused once the workshop is signed, a new version (an
    editor with the old one gets a conflict, not a silent overwrite), and a new
    revision, so the room sees the change."""
    workshop = Workshop.objects.get(pk=item.workshop_id)
    ensure_editable(workshop)
    item.version += 1
    item.save()
    step = agenda.step_for_model(type(item))
    bump(workshop, step=step.slug if step else "")


@transaction.atomic
def delete_item(workshop: Workshop, step, item, *, by) -> None:
    ensure_editable(workshop)
    _audit_item(workshop, by, "item.deleted", item)
    item.delete()
    bump(workshop, step=step.slug)


@transaction.atomic
def reorder(workshop: Workshop, step, ids: list[str], *, by) -> None:
    """Put the items of a step that this person sees in the given order; ids not of
    that list are refused. Answers hidden from them keep their places."""
    ensure_editable(workshop)
    queryset = step.model.objects.filter(workshop=workshop)
    items = {str(i.pk): i for i in queryset.visible_to(by)}
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise Refused("list_changed")
    # The items moved take the places the hidden ones leave free.
    taken = set(queryset.hidden_from(by).values_list("order", flat=True))
    free = (n for n in range(1, len(items) + len(taken) + 1) if n not in taken)
    for pk, position in zip(ids, free, strict=False):
        item = items[pk]
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    bump(workshop, step=step.slug)
    record(workshop.organization, by, "items.reordered", step.slug, workshop=workshop)


def move(workshop: Workshop, step, item, direction: str, *, by) -> None:
    """Keyboard alternative to dragging: one place up or down."""
    ids = [str(pk) for pk in step.items(workshop).visible_to(by).values_list("pk", flat=True)]
    index = ids.index(str(item.pk))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        reorder(workshop, step, ids, by=by)


def record_agreement_change(workshop: Workshop, agreement, form, by, before) -> None:
    """Each status change of an agreement is recorded with its comment: the
    agreement is a negotiated contract, and its history is part of it."""
    old = before.status if before is not None else ""
    comment = form.cleaned_data.get("status_comment", "")
    # The thread is shown with the agreement: an anonymous one's author is not named
    # in it for what they do to it themselves, as in the audit log (`_audit_item`).
    by = None if agreement.anonymous and by is not None and by.pk == agreement.author_id else by
    if before is None:
        AgreementEvent.objects.create(
            agreement=agreement,
            author=by,
            old_status="",
            new_status=agreement.status,
            comment=comment
            or _("Taken from the library (version %(version)s).")
            % {"version": agreement.template.version},
        )
    elif old != agreement.status:
        AgreementEvent.objects.create(
            agreement=agreement,
            author=by,
            old_status=old,
            new_status=agreement.status,
            comment=comment,
        )


@transaction.atomic
def comment_on_agreement(workshop: Workshop, agreement, comment: str, *, by) -> None:
    ensure_editable(workshop)
    AgreementEvent.objects.create(
        agreement=agreement,
        author=by,
        old_status=agreement.status,
        new_status=agreement.status,
        comment=comment,
    )
    bump(workshop, step="collaboration", content=False)
    record(workshop.organization, by, "agreement.commented", agreement.title, workshop=workshop)
