"""The library pages: for every signed-in person, whatever their organisation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handshakes import services
from handshakes.models import Status

# Some tests reach the database only through request.getfixturevalue(), which
# pytest-django cannot see when it orders tests; the mark keeps them before the
# transactional (browser) tests that empty the database.
pytestmark = pytest.mark.django_db

LIBRARY = reverse("handshakes:library")


def detail(slug: str) -> str:
    return reverse("handshakes:detail", args=[slug])


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer", "as_outsider", "as_staff"])
def test_every_signed_in_person_reads_the_library(request, who):
    client = request.getfixturevalue(who)

    page = client.get(LIBRARY)
    assert page.status_code == 200
    assert "Pricing" in page.text
    assert client.get(detail("pricing")).status_code == 200


def test_it_sends_anonymous_visitors_to_sign_in(client):
    for url in (LIBRARY, detail("pricing")):
        page = client.get(url)
        assert page.status_code == 302
        assert page.url.startswith(reverse("login"))


def test_the_library_lists_published_templates_only(as_leader, published, make_template):
    make_template(status=Status.DRAFT, purpose="Half-written draft")
    make_template(status=Status.RETIRED, purpose="Old retired text")

    page = as_leader.get(LIBRARY)

    assert page.context["templates"][0].area.slug == "general-management"
    assert len(page.context["templates"]) == 24
    assert "Warehouse" in page.text
    assert "Half-written draft" not in page.text
    assert "Old retired text" not in page.text


def areas(page) -> list[str]:
    return [t.area.slug for t in page.context["templates"]]


def test_search_matches_area_name_purpose_and_handshakes(as_leader):
    assert areas(as_leader.get(LIBRARY, {"q": "manufact"})) == ["manufacturing"]  # a name
    assert "legal" in areas(as_leader.get(LIBRARY, {"q": "intellectual property"}))
    assert areas(as_leader.get(LIBRARY, {"q": "bill shock"})) == ["pricing"]  # a handshake
    page = as_leader.get(LIBRARY, {"q": "no such thing anywhere"})
    assert areas(page) == []
    assert "No functional area matches" in page.text


def test_search_reaches_inputs_outputs_and_the_impact_sentence(as_leader):
    churn = areas(as_leader.get(LIBRARY, {"q": "churn"}))
    assert {"pricing", "customer-acquisition", "customer-support"} <= set(churn)
    assert "outbound-unassisted" in areas(as_leader.get(LIBRARY, {"q": "opt-outs"}))
    assert areas(as_leader.get(LIBRARY, {"q": "campaign skill"})) == ["general-management"]


def test_filters_by_impact_and_stage(as_leader):
    low = areas(as_leader.get(LIBRARY, {"impact": "LOW"}))
    assert set(low) == {"legal", "project-management", "systems-engineering", "manufacturing"}

    discover = areas(as_leader.get(LIBRARY, {"stage": "discover"}))
    assert "marketing" in discover
    assert "customer-support" not in discover

    both = areas(as_leader.get(LIBRARY, {"impact": "LOW", "stage": "use_and_fix"}))
    assert both == ["manufacturing"]


def test_an_invalid_filter_is_ignored(as_leader):
    page = as_leader.get(LIBRARY, {"impact": "HUGE", "stage": "nowhere"})

    assert page.status_code == 200
    assert len(areas(page)) == 23


def test_htmx_gets_only_the_results(as_leader):
    page = as_leader.get(LIBRARY, {"q": "pricing"}, headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert "<html" not in page.text
    assert 'href="/handshakes/pricing/"' in page.text


def test_user_text_is_escaped(as_leader, make_template, make_area):
    make_template(make_area(name="<script>alert(1)</script>"), purpose="<b>bold</b>")

    page = as_leader.get(LIBRARY)

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text


def test_the_detail_page_shows_the_published_version(as_leader):
    page = as_leader.get(detail("product-management"))

    assert page.context["template"].status == Status.PUBLISHED
    assert "Key handshakes to agree" in page.text
    assert "Adapting product features to customer segments" in page.text
    assert "no longer current" not in page.text


def test_an_older_version_says_it_is_not_current(as_leader, published):
    services.publish(services.start_new_version(published, by=None), by=None)

    page = as_leader.get(detail("warehouse"), {"version": 1})

    assert page.context["template"].version == 1
    assert "This is version 1, which is no longer current." in page.text
    assert "Read the current version (2)" in page.text
    assert as_leader.get(detail("warehouse")).context["template"].version == 2


def test_drafts_are_for_staff_only(as_leader, as_staff, published):
    services.start_new_version(published, by=None)

    assert as_leader.get(detail("warehouse"), {"version": 2}).status_code == 404
    page = as_staff.get(detail("warehouse"), {"version": 2})
    assert page.status_code == 200
    assert "This is draft version 2" in page.text


def test_unknown_areas_and_versions_are_404(as_leader):
    assert as_leader.get(detail("no-such-area")).status_code == 404
    assert as_leader.get(detail("pricing"), {"version": 9}).status_code == 404
    assert as_leader.get(detail("pricing"), {"version": "x"}).status_code == 404


def test_an_area_with_only_retired_versions_has_no_current_page(as_leader, published):
    services.retire(published, by=None)

    assert as_leader.get(detail("warehouse")).status_code == 404
    assert as_leader.get(detail("warehouse"), {"version": 1}).status_code == 200


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def _add_areas(make_template, make_area, count: int) -> None:
    for _ in range(count):
        area = make_area()
        make_template(area, version=1, status=Status.RETIRED)
        make_template(area, version=2)


def test_query_count_does_not_grow_with_the_library(
    as_leader, make_template, make_area, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        as_leader.get(LIBRARY, {"q": "a", "impact": "LOW", "stage": "buy"})
    small = [_queries(as_leader, LIBRARY), _queries(as_leader, detail("pricing"))]

    _add_areas(make_template, make_area, 46)  # three times the data
    big = [_queries(as_leader, LIBRARY), _queries(as_leader, detail("pricing"))]

    assert small == big


def test_detail_query_count_does_not_grow_with_versions(as_leader, published):
    with CaptureQueriesContext(connection) as one:
        as_leader.get(detail("warehouse"))
    for _ in range(4):
        services.publish(services.start_new_version(published.latest_published(), by=None), by=None)

    with CaptureQueriesContext(connection) as five:
        page = as_leader.get(detail("warehouse"))

    assert len(page.context["versions"]) == 5
    assert len(one) == len(five) <= 4
