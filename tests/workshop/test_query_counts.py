"""Every workshop page costs the same number of queries with five times the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment import agenda, demo
from alignment.realtime import signals

pytestmark = pytest.mark.django_db


def count(client, workshop, path, *, rendered: bool) -> int:
    """Queries of one request for a page: rendered afresh, as after any change in
    the workshop, or served from the page cache (see alignment.realtime.pagecache)."""
    client.get(path)  # warm caches and the session
    if rendered:
        signals.workshop_changed(workshop.pk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


PAGES = ["", *[f"s/{s.slug}/" for s in agenda.all_steps()]]


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_data(
    as_lead, workshop, lead, rival_workshop, outsider, page, django_assert_max_num_queries
):
    demo.build_workshop(workshop, author=lead, scale=1)
    path = f"/w/{workshop.pk}/{page}"
    at_1x = count(as_lead, workshop, path, rendered=True)
    demo.build_workshop(workshop, author=lead, scale=4)  # now five times the data
    demo.build_workshop(rival_workshop, author=outsider, scale=2)
    with django_assert_max_num_queries(at_1x):
        as_lead.get(path)
    assert count(as_lead, workshop, path, rendered=True) == at_1x


@pytest.mark.parametrize("page", PAGES)
def test_an_unchanged_page_costs_only_the_users_query(
    as_lead, workshop, lead, rival_workshop, outsider, page
):
    demo.build_workshop(workshop, author=lead, scale=1)
    path = f"/w/{workshop.pk}/{page}"
    assert count(as_lead, workshop, path, rendered=False) == 1
    demo.build_workshop(workshop, author=lead, scale=4)
    demo.build_workshop(rival_workshop, author=outsider, scale=2)
    assert count(as_lead, workshop, path, rendered=False) == 1
