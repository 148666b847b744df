"""Every number in an import is one the app can store, or the file is refused whole.

JSON as Python reads it accepts `Infinity`, `-Infinity` and `NaN`, and reads
`1e400` as infinity; none is a number a KPI, a share or a score can hold. Each bad
value gets a message next to the file field that says what is wrong, and nothing
is written. Numbers are checked by the model field they go into (type, range,
digits), the same rules as the forms.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alignment import demo
from alignment.models import Kpi, MomentOfTruth, Persona, Workshop
from alignment.services import transfer
from alignment.services.errors import Refused
from tests.security.dbstate import changed_tables, database_state
from tests.security.exports import EXPORT_NUMBERS, export_of, rows_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(workshop, lead):
    """A workshop with every step filled, to export and import again."""
    demo.build_workshop(workshop, author=lead)
    return workshop


PLACEHOLDER = "__the number__"

NUMBERS = EXPORT_NUMBERS
INTEGERS = {"impact", "performance", "quality"}

# Written into the file as they are: what Python's json reads as a float that is not finite.
NON_FINITE = ["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "1E999"]


def with_number(workshop, path, field, json_text: str) -> bytes:
    """The workshop's export with `json_text` written as the first row's `field`."""
    export = export_of(workshop)
    rows_at(export, path)[0][field] = PLACEHOLDER
    return json.dumps(export).encode().replace(f'"{PLACEHOLDER}"'.encode(), json_text.encode())


def post(client, body: bytes, quarter: str = "2031-Q1"):
    return client.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("export.json", body, "application/json"), "quarter": quarter},
    )


def assert_refused_next_to_the_file(response, before) -> str:
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "file" in errors, errors
    message = errors["file"][0]
    assert "nothing was imported" in message.lower()
    assert changed_tables(before, database_state()) == []
    return message


@pytest.mark.parametrize(
    ("path", "field", "token"),
    # Each field, each way of writing it: whatever the field, the file is refused as read.
    [(path, field, token) for (path, field), token in zip(NUMBERS, NON_FINITE, strict=True)],
    ids=[f"{field}={token}" for (_p, field), token in zip(NUMBERS, NON_FINITE, strict=True)],
)
def test_it_refuses_a_number_that_is_not_finite(source, as_lead, path, field, token):
    body = with_number(source, path, field, token)
    before = database_state()
    message = assert_refused_next_to_the_file(post(as_lead, body), before)
    assert token in message


@pytest.mark.parametrize("token", ["NaN", "1e400"])
def test_it_refuses_one_anywhere_in_the_file(source, as_lead, token):
    """Not only in the numbers it stores: in the coherence score, say, which it ignores."""
    export = export_of(source)
    export["snapshot"]["coherence"]["score"] = PLACEHOLDER
    body = json.dumps(export).encode().replace(f'"{PLACEHOLDER}"'.encode(), token.encode())
    assert_refused_next_to_the_file(post(as_lead, body), database_state())


WRONG = [
    ("true", "a yes or no"),
    ('"Infinity"', "infinity as text"),
    ('"NaN"', "not a number as text"),
    ('"1e400"', "too many digits as text"),
    ("123456789012345678901234567890", "too many digits"),
    ("[]", "a list"),
    ("{}", "an object"),
    ('"twelve"', "a word"),
]
INTEGER_ONLY = [
    ("2.5", "a fraction"),
    ('"3"', "a number as text"),
    ("99999", "beyond 1-5"),
    ("0", "below 1-5"),
]


# Every wrong value in a whole-number field and in a decimal one; one in each other field.
CANNOT_HOLD = [
    *[(*NUMBERS[3], json_text) for json_text, _what in WRONG],
    *[(*NUMBERS[0], json_text) for json_text, _what in WRONG],
    *[(*where, WRONG[n][0]) for n, where in enumerate(NUMBERS) if n not in (0, 3)],
]


@pytest.mark.parametrize(
    ("path", "field", "json_text"),
    CANNOT_HOLD,
    ids=[f"{field}={json_text}" for _p, field, json_text in CANNOT_HOLD],
)
def test_it_refuses_a_value_its_field_cannot_hold(source, as_lead, path, field, json_text):
    body = with_number(source, path, field, json_text)
    before = database_state()
    message = assert_refused_next_to_the_file(post(as_lead, body), before)
    key = rows_at(export_of(source), path)[0]["key"]
    assert key in message or json_text.strip('"') in message, message


@pytest.mark.parametrize(("json_text", "what"), INTEGER_ONLY, ids=[w for _t, w in INTEGER_ONLY])
@pytest.mark.parametrize("field", ["impact", "performance"])
def test_it_refuses_what_is_not_a_whole_number_where_one_is_needed(
    source, as_lead, field, json_text, what
):
    body = with_number(source, ("mots",), field, json_text)
    before = database_state()
    message = assert_refused_next_to_the_file(post(as_lead, body), before)
    assert "whole number" in message


def test_ordinary_numbers_are_imported_as_written(source, as_lead):
    export = export_of(source)
    export["snapshot"]["aspects"]["personas"][0]["share_of_base"] = 12.5  # a JSON number
    export["snapshot"]["kpis"][0]["baseline"] = "1234.50"  # as exports write decimals
    export["snapshot"]["kpis"][0]["target"] = None
    export["snapshot"]["mots"][0]["impact"] = 4.0
    body = json.dumps(export).encode()
    response = post(as_lead, body)
    assert response.status_code == 302, response.context["form"].errors
    restored = Workshop.objects.get(quarter="2031-Q1")
    persona = Persona.objects.filter(workshop=restored).order_by("order")[0]
    kpi = Kpi.objects.filter(workshop=restored).order_by("order")[0]
    moment = MomentOfTruth.objects.filter(workshop=restored).order_by("order")[0]
    assert str(persona.share_of_base) == "12.5"
    assert str(kpi.baseline) == "1234.50" and kpi.target is None
    assert moment.impact == 4


def test_the_importer_refuses_a_non_finite_number_from_any_caller(source, lead):
    export = export_of(source)
    export["snapshot"]["mots"][0]["impact"] = float("inf")
    before = database_state()
    with pytest.raises(Refused):
        transfer.import_snapshot(
            source.organization, export["snapshot"], quarter="2031-Q1", by=lead
        )
    assert changed_tables(before, database_state()) == []


@pytest.mark.parametrize(
    ("who", "status"), [("as_leader", 403), ("as_observer", 403), ("as_outsider", 404)]
)
def test_only_the_lead_may_import(request, source, who, status):
    body = with_number(source, ("mots",), "impact", "Infinity")
    client = request.getfixturevalue(who)
    before = database_state()
    assert post(client, body).status_code == status
    assert changed_tables(before, database_state()) == []
