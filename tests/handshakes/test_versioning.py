from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from handshakes import services
from handshakes.models import HandshakeTemplate, Status, VersionIsFrozen


def test_a_new_version_of_a_published_template_is_a_draft_copy_numbered_next(published, staff):
    draft = services.start_new_version(published, by=staff)

    assert draft.pk != published.pk
    assert (draft.version, draft.status) == (2, Status.DRAFT)
    assert draft.content() == published.content()
    assert draft.created_by == staff
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_the_new_version_follows_the_highest_version_of_the_area(make_template, make_area):
    area = make_area()
    make_template(area, version=1, status=Status.RETIRED)
    make_template(area, version=4, status=Status.RETIRED)
    current = make_template(area, version=2)

    assert services.start_new_version(current, by=None).version == 5


def test_an_area_has_at_most_one_draft(published):
    draft = services.start_new_version(published, by=None)

    with pytest.raises(services.DraftExists) as refused:
        services.start_new_version(published, by=None)
    assert refused.value.draft == draft


def test_a_draft_is_edited_directly_not_versioned(make_template):
    draft = make_template(status=Status.DRAFT)

    with pytest.raises(services.VersioningError):
        services.start_new_version(draft, by=None)


def test_publishing_a_draft_retires_the_previously_published_version(published, staff):
    draft = services.start_new_version(published, by=staff)

    services.publish(draft, by=staff)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == Status.RETIRED
    assert published.retired_at is not None
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.published_by == staff
    assert list(HandshakeTemplate.objects.published().filter(area=published.area)) == [draft]


def test_only_a_draft_can_be_published(published):
    with pytest.raises(services.VersioningError):
        services.publish(published, by=None)


def test_retiring_leaves_the_area_without_a_current_version(published):
    services.retire(published, by=None)

    published.refresh_from_db()
    assert published.status == Status.RETIRED
    assert published.area.published_version() is None


def test_only_a_published_version_can_be_retired(make_template):
    with pytest.raises(services.VersioningError):
        services.retire(make_template(status=Status.DRAFT), by=None)


def test_published_content_cannot_change(published):
    published.purpose = "Something else"

    with pytest.raises(VersionIsFrozen):
        published.save()
    published.refresh_from_db()
    assert published.purpose == "Keeps the shop shelves stocked."


def test_retired_content_cannot_change(make_template):
    retired = make_template(status=Status.RETIRED)
    retired.key_handshakes = [*retired.key_handshakes, "One more"]

    with pytest.raises(VersionIsFrozen):
        retired.save()


def test_draft_content_can_change(make_template):
    draft = make_template(status=Status.DRAFT)
    draft.purpose = "Reworded"
    draft.save()

    draft.refresh_from_db()
    assert draft.purpose == "Reworded"


def test_the_database_allows_one_published_version_per_area(published, make_template):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_template(published.area, version=2, status=Status.PUBLISHED)


def test_the_database_allows_one_draft_per_area(make_template, make_area):
    area = make_area()
    make_template(area, version=1, status=Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_template(area, version=2, status=Status.DRAFT)


def test_a_pinned_version_sees_that_a_newer_one_is_published(published):
    draft = services.start_new_version(published, by=None)
    assert published.newer_version_exists is False  # a draft is not newer yet

    services.publish(draft, by=None)

    published.refresh_from_db()
    assert published.newer_version_exists is True
    assert published.latest_published() == draft
    draft.refresh_from_db()
    assert draft.newer_version_exists is False
    assert draft.latest_published() == draft


def test_newer_versions_for_a_list_in_one_query(
    published, make_template, django_assert_num_queries
):
    draft = services.start_new_version(published, by=None)
    services.publish(draft, by=None)

    with django_assert_num_queries(1):
        rows = {
            t.version: t.newer_version_exists
            for t in HandshakeTemplate.objects.with_current_version().filter(area=published.area)
        }

    assert rows == {1: True, 2: False}


def test_key_handshakes_are_addressed_by_position(published):
    assert published.key_handshake_choices() == [
        (0, "Forecast volumes"),
        (1, "Reserve stock"),
        (2, "Handle faulty goods"),
    ]
