"""Keep the caches honest: a change in the database renews what was cached from it.

Every save or delete of a row that belongs to a workshop renews that workshop's
page generation and drops its live-sync state; a change to people, memberships,
organisations or the shared reference data (flavors, the handshake library, the
KPI catalogue) renews the site's generation. A change made with `update()`, which
sends no signal, either goes with a new revision (`services.revision.bump` writes a Change
row, which does send one) or calls `workshop_changed` itself (a report's status).

Each renewal happens twice: at once, so that the same transaction (and the test
suite, whose transactions never commit) sees it, and again when the transaction
commits, so that a page rendered from the old rows in between is not kept.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from alignment.models import BetOutcome, KpiReading, Membership, Workshop
from alignment.realtime import live, pagecache, push

WATCHED_APPS = {"alignment", "flavors", "handshakes"}


def workshop_changed(workshop_id) -> None:
    _renew_workshop(workshop_id)
    # Once the transaction commits: renewed again, and the open pages hear of it
    # (the change is there for them to read then). Once per workshop however many
    # of its rows the transaction saved: a signature that freezes saves six.
    connection = transaction.get_connection()
    connection.__dict__.setdefault(PENDING, set()).add(workshop_id)
    if not any(func is _committed for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_committed)


PENDING = "cvm_changed_workshops"


def _committed() -> None:
    for workshop_id in transaction.get_connection().__dict__.pop(PENDING, set()):
        _renew_workshop(workshop_id)
        push.announce(workshop_id)


def _renew_workshop(workshop_id) -> None:
    live.forget(workshop_id)
    pagecache.changed(workshop_id)


def _renew_site(organization_id=None) -> None:
    pagecache.changed()
    if organization_id is not None:
        # Who may poll a workshop is cached with its state.
        for workshop_id in Workshop.objects.filter(organization_id=organization_id).values_list(
            "pk", flat=True
        ):
            live.forget(workshop_id)


def _announce_members(organization_id) -> None:
    """The open pages of the organisation's workshops check their person again:
    someone removed stops receiving the room's changes at once."""
    for workshop_id in Workshop.objects.filter(organization_id=organization_id).values_list(
        "pk", flat=True
    ):
        push.announce(workshop_id)


def _now_and_on_commit(renew) -> None:
    renew()
    transaction.on_commit(renew)


def _workshop_of(instance):
    """The workshop a row belongs to, if any: itself, its `workshop`, or that of a
    parent already loaded with it (a dot's vote, an agreement's event)."""
    if isinstance(instance, Workshop):
        return instance.pk
    workshop_id = getattr(instance, "workshop_id", None)
    if workshop_id is not None:
        return workshop_id
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            workshop_id = getattr(field.get_cached_value(instance), "workshop_id", None)
            if workshop_id is not None:
                return workshop_id
    return None


# Saves that change nothing anyone is shown: signing in stamps the user's last login.
UNSEEN_UPDATES = {frozenset({"last_login"})}


def _row_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if sender._meta.app_label not in WATCHED_APPS:  # the user model is alignment's
        return
    if update_fields is not None and frozenset(update_fields) in UNSEEN_UPDATES:
        return
    workshop_id = _workshop_of(instance)
    if workshop_id is not None:
        workshop_changed(workshop_id)
        if isinstance(instance, KpiReading | BetOutcome):
            # The quarters that continue this one show its results (their first step).
            for follower in Workshop.objects.filter(previous_id=workshop_id).values_list(
                "pk", flat=True
            ):
                workshop_changed(follower)
    elif isinstance(instance, Membership):
        _now_and_on_commit(partial(_renew_site, instance.organization_id))
        transaction.on_commit(partial(_announce_members, instance.organization_id))
    else:
        _now_and_on_commit(_renew_site)


def _links_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _row_changed(type(instance), instance)


def connect() -> None:
    post_save.connect(_row_changed, dispatch_uid="cvm-cache-save")
    post_delete.connect(_row_changed, dispatch_uid="cvm-cache-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="cvm-cache-links")
