from __future__ import annotations

from handshakes import services
from handshakes.models import ListLine


def test_identical_versions_have_no_changes(published):
    draft = services.start_new_version(published, by=None)

    assert published.diff(draft) == []


def test_diff_lists_each_changed_field_with_before_and_after(published):
    draft = services.start_new_version(published, by=None)
    draft.purpose = "Keeps every shelf stocked."
    draft.impact = "MEDIUM"
    draft.save()

    changes = {change.name: change for change in published.diff(draft)}

    assert set(changes) == {"purpose", "impact"}
    assert changes["purpose"].before == "Keeps the shop shelves stocked."
    assert changes["purpose"].after == "Keeps every shelf stocked."
    assert (changes["impact"].before, changes["impact"].after) == ("LOW", "MEDIUM")
    assert changes["impact"].label == "impact of collaboration quality"


def test_diff_of_a_list_shows_kept_added_and_removed_items_in_order(published):
    draft = services.start_new_version(published, by=None)
    draft.key_handshakes = ["Forecast volumes", "Handle faulty goods", "Share return rates"]
    draft.save()

    [change] = published.diff(draft)

    assert change.name == "key_handshakes"
    assert change.is_list
    assert change.lines == [
        ListLine("same", "Forecast volumes"),
        ListLine("removed", "Reserve stock"),
        ListLine("same", "Handle faulty goods"),
        ListLine("added", "Share return rates"),
    ]


def test_diff_the_other_way_round_swaps_before_and_after(published):
    draft = services.start_new_version(published, by=None)
    draft.stages = ["customers_for_life"]
    draft.save()

    [forward] = published.diff(draft)
    [backward] = draft.diff(published)

    assert (forward.before, forward.after) == (backward.after, backward.before)
