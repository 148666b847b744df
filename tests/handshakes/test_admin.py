"""Curation in the Django admin, driven through its URLs as a staff member."""

from __future__ import annotations

import pytest
from django.urls import reverse

from handshakes import services
from handshakes.models import HandshakeTemplate, Status

# Some tests reach the database only through request.getfixturevalue(), which
# pytest-django cannot see when it orders tests; the mark keeps them before the
# transactional (browser) tests that empty the database.
pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:handshakes_handshaketemplate_changelist")


def change_url(template) -> str:
    return reverse("admin:handshakes_handshaketemplate_change", args=[template.pk])


def versions_url(template) -> str:
    return reverse("admin:handshakes_handshaketemplate_versions", args=[template.pk])


def draft_form(template, **overrides) -> dict:
    data = {
        "purpose": template.purpose,
        "inputs": "\n".join(template.inputs),
        "outputs": "\n".join(template.outputs),
        "key_handshakes": "\n".join(template.key_handshakes),
        "impact": template.impact,
        "impact_reason": template.impact_reason,
        "stages": template.stages,
    }
    data.update(overrides)
    return data


def test_staff_see_the_changelist_with_filters_and_search(as_staff):
    page = as_staff.get(CHANGELIST)
    assert page.status_code == 200
    assert "Pricing" in page.text

    assert (
        as_staff.get(CHANGELIST, {"status__exact": "published", "impact__exact": "LOW"}).status_code
        == 200
    )
    found = as_staff.get(CHANGELIST, {"q": "bill shock"})
    assert list(found.context["cl"].result_list) == [
        HandshakeTemplate.objects.get(area__slug="pricing")
    ]


def test_a_published_version_is_read_only_in_the_admin(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")

    page = as_staff.get(change_url(pricing))

    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert 'name="_save"' not in page.text
    assert 'name="_new_version"' in page.text
    # A crafted POST cannot change it either.
    as_staff.post(change_url(pricing), {"purpose": "Hacked", "_save": "Save"})
    pricing.refresh_from_db()
    assert pricing.purpose.startswith("Designs the price architecture")


def test_staff_create_a_new_draft_edit_it_and_publish_it(as_staff, staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")

    response = as_staff.post(change_url(pricing), {"_new_version": "1"})

    draft = HandshakeTemplate.objects.get(area=pricing.area, version=2)
    assert response.status_code == 302
    assert response.url == change_url(draft)
    assert (draft.status, draft.created_by) == (Status.DRAFT, staff)

    page = as_staff.get(change_url(draft))
    assert "inputs" in page.context["adminform"].form.fields
    assert 'name="_publish"' in page.text

    handshakes = "\n".join([*draft.key_handshakes, "Agree a bill-shock alert"])
    response = as_staff.post(
        change_url(draft), draft_form(draft, key_handshakes=handshakes, _publish="1")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    pricing.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.key_handshakes[-1] == "Agree a bill-shock alert"
    assert pricing.status == Status.RETIRED


def test_a_second_draft_is_refused_and_staff_are_sent_to_the_first(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    draft = services.start_new_version(pricing, by=None)

    response = as_staff.post(change_url(pricing), {"_new_version": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == change_url(draft)
    assert "already has a draft" in response.text
    assert HandshakeTemplate.objects.filter(area=pricing.area).count() == 2


def test_changelist_actions_version_publish_and_retire(as_staff):
    legal = HandshakeTemplate.objects.get(area__slug="legal")

    as_staff.post(CHANGELIST, {"action": "start_new_versions", "_selected_action": [legal.pk]})
    draft = HandshakeTemplate.objects.get(area=legal.area, version=2)
    as_staff.post(CHANGELIST, {"action": "publish_drafts", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    legal.refresh_from_db()
    assert (legal.status, draft.status) == (Status.RETIRED, Status.PUBLISHED)

    as_staff.post(CHANGELIST, {"action": "retire_published", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.RETIRED


def test_the_versions_page_shows_what_changed(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    draft = services.start_new_version(pricing, by=None)
    draft.key_handshakes = ["<script>alert('x')</script>", *draft.key_handshakes[1:]]
    draft.impact = "MEDIUM"
    draft.save()

    page = as_staff.get(versions_url(draft))

    assert page.status_code == 200
    assert [c.name for c in page.context["changes"]] == ["key_handshakes", "impact"]
    assert "<del>" in page.text and "<ins>" in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    same = as_staff.get(versions_url(draft), {"a": 2, "b": 2})
    assert same.context["changes"] == []


def test_the_change_page_lists_the_versions_of_the_area(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    draft = services.start_new_version(pricing, by=None)

    page = as_staff.get(change_url(draft))

    assert change_url(pricing) in page.text
    assert versions_url(draft) in page.text


def test_staff_add_a_draft_for_a_new_area(as_staff, make_area):
    area = make_area(slug="depot")
    add = reverse("admin:handshakes_handshaketemplate_add")
    data = {
        "area": area.pk,
        "purpose": "Stores things.",
        "inputs": "Keeps stock\n\nShips orders",
        "outputs": "Forecasts",
        "key_handshakes": "Stock levels",
        "impact": "LOW",
        "impact_reason": "Rarely matters.",
        "stages": ["buy"],
    }

    response = as_staff.post(add, data)

    assert response.status_code == 302
    draft = HandshakeTemplate.objects.get(area=area)
    assert (draft.version, draft.status, draft.inputs) == (
        1,
        Status.DRAFT,
        ["Keeps stock", "Ships orders"],
    )
    again = as_staff.post(add, data)
    assert "already has a draft" in again.text


def test_only_drafts_can_be_deleted(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    draft = services.start_new_version(pricing, by=None)
    delete = "admin:handshakes_handshaketemplate_delete"

    assert as_staff.get(reverse(delete, args=[pricing.pk])).status_code == 403
    assert as_staff.get(reverse(delete, args=[draft.pk])).status_code == 200


def test_the_area_admin_shows_its_versions(as_staff):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")
    areas = reverse("admin:handshakes_functionalarea_changelist")

    assert as_staff.get(areas).status_code == 200
    page = as_staff.get(reverse("admin:handshakes_functionalarea_change", args=[pricing.area.pk]))
    assert page.status_code == 200
    assert change_url(pricing) in page.text


def test_areas_with_versions_cannot_be_deleted(as_staff, make_area):
    pricing = HandshakeTemplate.objects.get(area__slug="pricing").area
    empty = make_area()
    delete = "admin:handshakes_functionalarea_delete"

    assert as_staff.get(reverse(delete, args=[pricing.pk])).status_code == 403
    assert as_staff.get(reverse(delete, args=[empty.pk])).status_code == 200


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer", "as_outsider"])
def test_non_staff_are_sent_to_the_admin_login(request, who):
    client = request.getfixturevalue(who)
    pricing = HandshakeTemplate.objects.get(area__slug="pricing")

    for url in (CHANGELIST, change_url(pricing), versions_url(pricing)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    client.post(change_url(pricing), {"_new_version": "1"})
    assert HandshakeTemplate.objects.filter(area=pricing.area).count() == 1
