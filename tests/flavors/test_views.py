"""The reference pages and the try-out diagnostic: for every signed-in person."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from flavors.diagnostic import DEMO_Q3_ANSWERS, DEMO_Q4_ANSWERS, QUESTIONS
from flavors.models import Flavor

pytestmark = pytest.mark.django_db

SIGNED_IN = ["as_lead", "as_leader", "as_observer", "as_outsider"]
PAGES = [
    reverse("flavors:reference"),
    reverse("flavors:detail", args=["product_centric"]),
    reverse("flavors:detail", args=["coordinated"]),
    reverse("flavors:detail", args=["segment_centric"]),
    reverse("flavors:diagnostic"),
]


@pytest.mark.parametrize("who", SIGNED_IN)
@pytest.mark.parametrize("url", PAGES)
def test_every_signed_in_person_can_read_every_page(request, who, url):
    client = request.getfixturevalue(who)

    response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_anonymous_post_to_the_diagnostic_is_sent_to_sign_in(client):
    response = client.post(reverse("flavors:diagnostic"), DEMO_Q3_ANSWERS)

    assert response.status_code == 302


def test_the_reference_shows_the_three_flavors_side_by_side(as_observer):
    html = as_observer.get(reverse("flavors:reference")).content.decode()

    for flavor in Flavor.objects.with_details():
        assert html.count(f'data-label="{flavor.name}"') == 7  # four perspectives, three lists
        assert escape(flavor.financial) in html
        assert escape(flavor.challenges.all()[0].title) in html
        assert escape(flavor.activities.all()[0].text) in html
    assert '<th scope="row" role="rowheader">Customer experience</th>' in html
    assert "On to Coordinated:" in html and "On to Segment-centric:" in html


def test_the_flavor_page_shows_one_flavor_with_its_neighbours(as_leader):
    response = as_leader.get(reverse("flavors:detail", args=["coordinated"]))
    html = response.content.decode()
    flavor = response.context["flavor"]

    assert flavor.code == "coordinated"
    assert response.context["previous"].code == "product_centric"
    assert "<h1>Coordinated</h1>" in html
    assert escape(flavor.internal_process) in html
    assert reverse("flavors:detail", args=["segment_centric"]) in html
    assert "Time to launch a campaign" in html  # a suggested KPI, by its label


def test_an_unknown_flavor_is_404(as_lead):
    assert as_lead.get(reverse("flavors:detail", args=["customer_centric"])).status_code == 404


def test_staff_edits_are_shown_escaped(as_lead):
    Flavor.objects.filter(code="coordinated").update(summary="<script>alert(1)</script>")

    html = as_lead.get(reverse("flavors:detail", args=["coordinated"])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_style_or_script(as_lead, url):
    # The Content Security Policy forbids both; the browser would drop them.
    html = as_lead.get(url).content.decode()

    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_bounded(as_observer, django_assert_max_num_queries, url):
    # At most: session, user, flavors (with next stage), activities, challenges.
    with django_assert_max_num_queries(5):
        assert as_observer.get(url).status_code == 200


def test_query_count_does_not_grow_with_the_data(as_observer):
    url = reverse("flavors:reference")
    with CaptureQueriesContext(connection) as before:
        as_observer.get(url)
    for flavor in Flavor.objects.all():
        for n in range(10):
            flavor.activities.create(order=10 + n, text=f"Extra activity {n}")
            flavor.challenges.create(order=10 + n, title=f"Extra challenge {n}", example="e.g.")

    with CaptureQueriesContext(connection) as after:
        html = as_observer.get(url).content.decode()

    assert html.count("Extra challenge 9") == 3
    assert len(after) == len(before)


def test_the_diagnostic_shows_the_form_grouped_by_perspective(as_outsider):
    html = as_outsider.get(reverse("flavors:diagnostic")).content.decode()

    assert html.count('type="radio"') == sum(len(q.choices) for q in QUESTIONS)
    for label in ("Financial", "Customer base", "Customer experience", "Internal process"):
        assert f">{label}</h2>" in html
    assert "Diagnostic result" not in html


def test_posting_answers_shows_the_result_with_prompts(as_observer, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = as_observer.post(reverse("flavors:diagnostic"), DEMO_Q3_ANSWERS)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["result"].primary == "coordinated"
    assert [f.code for f in response.context["result_flavors"]] == ["coordinated"]
    assert "Your answers point to coordinated." in html
    assert 'width="70"' in html  # the coordinated bar, sized by attribute
    assert "70%" in html
    assert "Which of these challenges do we recognise?" in html
    assert "Separate systems behind each product" in html
    assert "Many customers hold several products, which points to coordinated." in html


def test_a_near_tie_is_shown_as_between_with_both_flavors(as_lead):
    response = as_lead.post(reverse("flavors:diagnostic"), DEMO_Q4_ANSWERS)
    html = response.content.decode()

    assert "Your answers sit between coordinated and segment-centric." in html
    assert [f.code for f in response.context["result_flavors"]] == [
        "coordinated",
        "segment_centric",
    ]
    assert "Extra cost and complexity" in html and "Separate systems behind each product" in html


def test_missing_and_invalid_answers_come_back_next_to_their_fields(as_leader):
    answers = {**DEMO_Q3_ANSWERS, "base_owner": "the_ceo"}
    del answers["cvm_role"]

    response = as_leader.post(reverse("flavors:diagnostic"), answers)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["result"] is None
    assert "Diagnostic result" not in html
    assert "2 questions need an answer from the list." in html
    assert 'id="id_base_owner_error"' in html and 'id="id_cvm_role_error"' in html
    assert "Choose one of the answers listed for this question." in html
    assert "Choose one answer to this question." in html
    # The valid answers are kept.
    assert re.search(r'value="30_50"[^>]*checked', html)


def test_the_diagnostic_stores_nothing(as_lead, django_assert_max_num_queries):
    as_lead.get(reverse("flavors:diagnostic"))
    with django_assert_max_num_queries(6) as captured:
        as_lead.post(reverse("flavors:diagnostic"), DEMO_Q3_ANSWERS)

    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SELECT")]
    assert writes == []


def test_an_htmx_post_gets_only_the_panel(as_lead):
    response = as_lead.post(
        reverse("flavors:diagnostic"), DEMO_Q3_ANSWERS, headers={"HX-Request": "true"}
    )
    html = response.content.decode()

    assert html.lstrip().startswith('<div id="diagnostic-panel"')
    assert "<html" not in html
    assert "Your answers point to coordinated." in html
