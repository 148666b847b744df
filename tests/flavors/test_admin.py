"""Staff curate the flavors in the admin."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from flavors.models import Flavor

pytestmark = pytest.mark.django_db


def test_staff_see_the_three_flavors_listed(as_staff):
    response = as_staff.get(reverse("admin:flavors_flavor_changelist"))
    html = response.content.decode()

    assert response.status_code == 200
    for code in ("product_centric", "coordinated", "segment_centric"):
        assert code in html


def test_staff_can_open_a_flavor_with_its_activities_and_challenges(as_staff):
    flavor = Flavor.objects.get(code="segment_centric")

    response = as_staff.get(reverse("admin:flavors_flavor_change", args=[flavor.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="activities-TOTAL_FORMS" value="2"' in html
    assert 'name="challenges-TOTAL_FORMS" value="4"' in html
    # Suggestions are checkboxes over the vocabulary, ticked where the flavor has them.
    assert re.search(r'value="clv"[^>]*checked', html)
    assert re.search(r'value="time_to_fix"(?![^>]*checked)[^>]*>', html)


def test_the_admin_never_offers_to_delete_or_add_a_flavor(as_staff):
    flavor = Flavor.objects.get(code="coordinated")

    assert as_staff.get(reverse("admin:flavors_flavor_delete", args=[flavor.pk])).status_code == 403
    assert as_staff.get(reverse("admin:flavors_flavor_add")).status_code == 403


def _change_data(flavor: Flavor, **overrides) -> dict:
    data = {
        "name": flavor.name,
        "order": flavor.order,
        "summary": flavor.summary,
        "financial": flavor.financial,
        "customer_base": flavor.customer_base,
        "customer_experience": flavor.customer_experience,
        "internal_process": flavor.internal_process,
        "telco_examples": flavor.telco_examples,
        "next_stage": flavor.next_stage_id or "",
        "next_stage_note": flavor.next_stage_note,
        "suggested_kpi_codes": flavor.suggested_kpi_codes,
        "suggested_handshake_areas": flavor.suggested_handshake_areas,
    }
    for prefix, rows, fields in (
        ("activities", flavor.activities.all(), ["order", "text"]),
        ("challenges", flavor.challenges.all(), ["order", "title", "example"]),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for n, row in enumerate(rows):
            data[f"{prefix}-{n}-id"] = row.pk
            data[f"{prefix}-{n}-flavor"] = flavor.pk
            for name in fields:
                data[f"{prefix}-{n}-{name}"] = getattr(row, name)
    data.update(overrides)
    return data


def test_staff_edit_suggestions_from_the_vocabulary(as_staff):
    flavor = Flavor.objects.get(code="coordinated")

    response = as_staff.post(
        reverse("admin:flavors_flavor_change", args=[flavor.pk]),
        _change_data(flavor, suggested_kpi_codes=["nps", "clv"], code="renamed"),
    )

    assert response.status_code == 302
    flavor.refresh_from_db()
    assert sorted(flavor.suggested_kpi_codes) == ["clv", "nps"]
    assert flavor.code == "coordinated"  # read-only once created


def test_the_admin_refuses_codes_outside_the_vocabulary(as_staff):
    flavor = Flavor.objects.get(code="coordinated")

    response = as_staff.post(
        reverse("admin:flavors_flavor_change", args=[flavor.pk]),
        _change_data(flavor, suggested_handshake_areas=["pricing", "astrology"]),
    )

    assert response.status_code == 200
    assert "astrology is not one of the available choices" in response.content.decode()
    flavor.refresh_from_db()
    assert "astrology" not in flavor.suggested_handshake_areas
