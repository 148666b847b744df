"""A workshop holds at most MAX_ITEMS_PER_KIND items of each kind, imported or added,
and an import carries at most MAX_LINKS_PER_IMPORT links between them.

Without a cap, 8,000 personas in a 232 KB file held the database's write lock for
23 seconds and made a 22 MB step page. An import with more is refused before
anything is written, saying which kind and the cap; a step refuses the item past it
with the same message.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment import agenda, demo
from alignment.agenda import MAX_ITEMS_PER_KIND
from alignment.models import Persona, Workshop
from alignment.services import items, signoff
from alignment.services.transfer import MAX_LINKS_PER_IMPORT
from tests.security.dbstate import changed_tables, database_state
from tests.security.exports import rows_at

pytestmark = pytest.mark.django_db

# Every kind of item: where its list is in an export, and its model.
ITEM_LISTS = [(kind.path, kind.model) for kind in agenda.item_kinds()]


@pytest.fixture
def export(workshop, lead) -> dict:
    demo.build_workshop(workshop, author=lead)
    data, content_hash = signoff.current_content(workshop)
    return {"content_hash": content_hash, "snapshot": data}


def with_rows(export: dict, path: tuple, count: int) -> dict:
    """The export with `count` rows in the list at `path`, copies of its first."""
    export = copy.deepcopy(export)
    rows = rows_at(export, path)
    first = rows[0]
    prefix = "".join(c for c in first["key"] if c.isalpha())
    rows[:] = [{**copy.deepcopy(first), "key": f"{prefix}{n}"} for n in range(1, count + 1)]
    return export


def post(client, export: dict, quarter: str = "2031-Q1"):
    body = json.dumps(export).encode()
    return client.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("export.json", body, "application/json"), "quarter": quarter},
    )


@pytest.mark.parametrize(
    ("path", "model"), ITEM_LISTS, ids=[m._meta.model_name for _p, m in ITEM_LISTS]
)
def test_it_refuses_an_import_with_more_of_a_kind_than_the_cap(as_lead, export, path, model):
    too_many = with_rows(export, path, MAX_ITEMS_PER_KIND + 1)
    before = database_state()
    with CaptureQueriesContext(connection) as queries:
        response = post(as_lead, too_many)
    assert response.status_code == 422
    message = response.context["form"].errors["file"][0]
    assert f"at most {MAX_ITEMS_PER_KIND} {model._meta.verbose_name_plural}" in message
    assert f"The file has {MAX_ITEMS_PER_KIND + 1}" in message
    assert "nothing was imported" in message
    assert changed_tables(before, database_state()) == []
    # Refused before anything was written, not rolled back after writing it all.
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []


def test_it_refuses_an_import_with_more_links_than_the_cap(as_lead, export):
    too_many = copy.deepcopy(export)
    bets = too_many["snapshot"]["bets"]
    first_persona = too_many["snapshot"]["aspects"]["personas"][0]["key"]
    bets[0]["personas"] = [first_persona] * (MAX_LINKS_PER_IMPORT - len(bets) + 1)
    for bet in bets[1:]:
        bet["personas"] = [first_persona]
    before = database_state()
    response = post(as_lead, too_many)
    assert response.status_code == 422
    message = response.context["form"].errors["file"][0]
    assert f"at most {MAX_LINKS_PER_IMPORT} links" in message
    assert "nothing was imported" in message.lower()
    assert changed_tables(before, database_state()) == []


def test_an_import_at_the_cap_is_accepted(as_lead, export):
    at_cap = with_rows(export, ("aspects", "personas"), MAX_ITEMS_PER_KIND)
    response = post(as_lead, at_cap)
    assert response.status_code == 302
    restored = Workshop.objects.get(quarter="2031-Q1")
    assert Persona.objects.filter(workshop=restored).count() == MAX_ITEMS_PER_KIND


@pytest.fixture
def full_step(workshop, lead):
    """The persona step holding as many as a workshop may."""
    Persona.objects.bulk_create(
        Persona(workshop=workshop, title=f"Persona {n}", author=lead, order=n)
        for n in range(1, MAX_ITEMS_PER_KIND + 1)
    )
    return agenda.get_step("persona")


@pytest.mark.parametrize("who", ["as_lead", "as_leader"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_step_refuses_the_item_past_the_cap(request, workshop, full_step, who, htmx):
    client = request.getfixturevalue(who)
    before = database_state()
    response = client.post(
        f"/w/{workshop.pk}/s/persona/items",
        {"new-title": "One too many"},
        **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
    )
    assert response.status_code == 422
    assert f"A workshop holds at most {MAX_ITEMS_PER_KIND} personas." in response.content.decode()
    assert changed_tables(before, database_state()) == []


@pytest.mark.parametrize(("who", "status"), [("as_observer", 403), ("as_outsider", 404)])
def test_observers_and_outsiders_are_refused_as_ever(request, workshop, full_step, who, status):
    client = request.getfixturevalue(who)
    before = database_state()
    response = client.post(f"/w/{workshop.pk}/s/persona/items", {"new-title": "One too many"})
    assert response.status_code == status
    assert changed_tables(before, database_state()) == []


def test_a_step_below_the_cap_still_adds(workshop, full_step, as_leader):
    Persona.objects.filter(workshop=workshop).order_by("-order")[:1].get().delete()
    response = as_leader.post(f"/w/{workshop.pk}/s/persona/items", {"new-title": "The last one"})
    assert response.status_code == 302
    assert Persona.objects.filter(workshop=workshop).count() == MAX_ITEMS_PER_KIND


def test_the_cap_costs_no_query_that_grows_with_the_step(workshop, lead):
    step = agenda.get_step("persona")

    def queries_of_an_add() -> int:
        form = step.form_class({"title": "Another"}, workshop=workshop)
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            items.add_item(workshop, step, form, by=lead)
        return len(captured)

    queries_of_an_add()  # the first one also warms caches
    with_one = queries_of_an_add()
    Persona.objects.bulk_create(
        Persona(workshop=workshop, title=f"Persona {n}", author=lead, order=n)
        for n in range(10, 150)
    )
    assert queries_of_an_add() == with_one
