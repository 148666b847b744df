"""Bidi controls and control characters never reach a page, an export or the PDF.

Whatever people type goes through one cleaner (alignment.text) on its way in: in
every form of the app and in the workshop import. The item forms are taken from
the step registry, and each form's text fields from the form itself, so a new
step or a new field is covered without touching this file.
"""

from __future__ import annotations

import inspect
import json

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from alignment import agenda
from alignment import forms as alignment_forms
from alignment.forms import CleansUserText, InviteForm, NewAccountForm
from alignment.models import AgreementEvent, Workshop
from alignment.services import items, signoff
from alignment.text import clean_user_text
from tests.security.conftest import form_data

pytestmark = pytest.mark.django_db

# An override (the "evil\u202etxt.exe" trick), an isolate, a mark, the bell,
# escape (terminal sequences in the logs) and a C1 control.
INVISIBLE = "\u202e\u2066\u200f\x07\x1b\x9b"
CHARACTERS = ["\u202e", "\u2066", "\u200f", "\x07", "\x1b", "\x9b"]


def sprinkled(text: str) -> str:
    """`text` with the invisible characters inside and at its end."""
    return f"{text[:1]}{INVISIBLE}{text[1:]}\x07\u202e"


def text_fields(form) -> dict[str, forms.Field]:
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField)
    }


def plain_value(name: str, field: forms.Field) -> str:
    """A value the field accepts."""
    return "2027-Q2" if name.endswith("quarter") else "Probe text"[: field.max_length or 10]


def rows_containing_them() -> list[str]:
    """Every stored text, in every table, that still carries one of the characters."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str) and any(c in value for c in CHARACTERS):
                        found.append(f"{table}: {value!r}")
    return found


def _posted(form, payload: dict) -> dict:
    """`payload` with every text field of the form sprinkled; what each should store."""
    expected = {}
    for name, field in text_fields(form).items():
        value = plain_value(name, field)
        if name == "title":
            value = "Probe answer"
        payload[form.add_prefix(name)] = sprinkled(value)
        expected[name] = value
    return expected


def _check_stored(item, expected: dict) -> None:
    for name, value in expected.items():
        if name == "status_comment":  # not a field of the item: the agreement's history
            assert AgreementEvent.objects.filter(agreement=item, comment=value).exists()
        else:
            assert getattr(item, name) == value, name


STEPS = [s.slug for s in agenda.item_steps()]


@pytest.mark.parametrize("slug", STEPS)
def test_every_text_field_of_every_item_form_is_stored_without_them_when_added(room, as_lead, slug):
    step = agenda.get_step(slug)
    workshop = room.workshop
    form = step.form_class(workshop=workshop, prefix="new", lead=True)
    payload = form_data(form)
    expected = _posted(form, payload)
    assert expected, f"{slug}: a form without text fields?"
    response = as_lead.post(f"/w/{workshop.pk}/s/{slug}/items", payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = step.model.objects.filter(workshop=workshop).order_by("-order").first()
    _check_stored(item, expected)
    assert rows_containing_them() == []


@pytest.mark.parametrize("slug", STEPS)
def test_every_text_field_of_every_item_form_is_stored_without_them_when_edited(
    room, as_lead, slug
):
    step = agenda.get_step(slug)
    workshop = room.workshop
    item = step.model.objects.filter(workshop=workshop).order_by("order").first()
    form = step.form_class(instance=item, workshop=workshop, prefix=f"edit-{item.pk}", lead=True)
    payload = form_data(form, keep_initial=True)
    expected = _posted(form, payload)
    expected.pop("status_comment", None)  # needed only when the status changes
    payload.pop(form.add_prefix("status_comment"), None)
    response = as_lead.post(f"/w/{workshop.pk}/s/{slug}/i/{item.pk}/edit", payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    _check_stored(item, expected)
    assert rows_containing_them() == []


def test_a_leader_s_answer_is_cleaned_too(workshop, as_leader):
    step = agenda.get_step("persona")
    response = as_leader.post(
        f"/w/{workshop.pk}/s/persona/items",
        {"new-title": sprinkled("Family planner"), "new-description": sprinkled("Two kids")},
    )
    assert response.status_code == 302
    persona = step.model.objects.get(workshop=workshop)
    assert (persona.title, persona.description) == ("Family planner", "Two kids")


def test_line_breaks_stay_in_multi_line_text_and_become_spaces_in_one_line_text(
    workshop, as_leader
):
    as_leader.post(
        f"/w/{workshop.pk}/s/persona/items",
        {
            "new-title": "Family\r\nplanner\tat home",
            "new-description": "First line\r\nSecond\u2028line\rThird\tcolumn",
        },
    )
    persona = agenda.get_step("persona").model.objects.get(workshop=workshop)
    assert persona.title == "Family planner at home"
    assert persona.description == "First line\nSecond\nline\nThird\tcolumn"


def test_a_text_of_nothing_but_invisible_characters_is_an_empty_answer(workshop, as_leader):
    response = as_leader.post(f"/w/{workshop.pk}/s/persona/items", {"new-title": INVISIBLE})
    assert response.status_code == 422
    assert "Please write something here." in response.content.decode()
    assert not agenda.get_step("persona").model.objects.exists()


def test_a_null_byte_is_still_refused_not_removed(workshop, as_leader):
    response = as_leader.post(f"/w/{workshop.pk}/s/persona/items", {"new-title": "a\x00b"})
    assert response.status_code == 422
    assert not agenda.get_step("persona").model.objects.exists()


def test_comments_on_agreements_are_cleaned(room, as_leader):
    agreement = agenda.get_step("collaboration").model.objects.filter(workshop=room.workshop)[0]
    response = as_leader.post(
        f"/w/{room.workshop.pk}/agreements/{agreement.pk}/comment",
        {"comment": sprinkled("Legal agreed\non the wording")},
    )
    assert response.status_code == 302
    assert AgreementEvent.objects.filter(comment="Legal agreed\non the wording").exists()
    assert rows_containing_them() == []


def test_the_override_reason_is_cleaned(room, as_lead):
    response = as_lead.post(
        f"/w/{room.workshop.pk}/override", {"reason": sprinkled("Board meets Monday")}
    )
    assert response.status_code == 302
    room.workshop.refresh_from_db()
    assert room.workshop.override_reason == "Board meets Monday"
    assert rows_containing_them() == []


def test_a_new_workshop_s_title_is_cleaned(organization, as_lead):
    response = as_lead.post(
        "/o/acme/workshops/new",
        {"quarter": "2031-Q1", "title": sprinkled("Next year"), "language": "en"},
    )
    assert response.status_code == 302
    assert Workshop.objects.get(quarter="2031-Q1").title == "Next year"


def test_an_invited_person_s_name_and_title_are_cleaned(organization):
    form = InviteForm(
        {
            "email": "new.person@acme.test",
            "display_name": sprinkled("New Person"),
            "title": sprinkled("Head of pricing"),
            "role": "leader",
        },
        organization=organization,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == "New Person"
    assert form.cleaned_data["title"] == "Head of pricing"


def test_the_name_chosen_with_a_new_account_is_cleaned(db):
    form = NewAccountForm(
        {
            "display_name": sprinkled("New Person"),
            "new_password1": "a long and unusual phrase 2026",
            "new_password2": "a long and unusual phrase 2026",
        },
        email="new.person@acme.test",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == "New Person"


def test_an_import_is_cleaned_like_a_form(room, as_lead, lead):
    data, content_hash = signoff.current_content(room.workshop)
    persona = data["aspects"]["personas"][0]
    persona["title"] = sprinkled("Imported persona")
    persona["description"] = sprinkled("Line one\nLine two")
    data["aspects"]["initiatives"][0]["owner"] = sprinkled("Pricing team")
    data["kpis"][0]["unit"] = sprinkled("%")
    data["workshop"]["title"] = sprinkled("Imported workshop")
    body = json.dumps({"content_hash": content_hash, "snapshot": data}).encode()
    response = as_lead.post(
        "/o/acme/workshops/import",
        {
            "file": SimpleUploadedFile("export.json", body, "application/json"),
            "quarter": "2031-Q1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    imported = Workshop.objects.get(quarter="2031-Q1")
    assert imported.title == "Imported workshop"
    persona = imported.personas.order_by("order").first()
    assert (persona.title, persona.description) == ("Imported persona", "Line one\nLine two")
    assert imported.initiatives.order_by("order").first().owner == "Pricing team"
    assert rows_containing_them() == []


# The mechanism -------------------------------------------------------------------------

# Sign-in matches the address and password as typed (the throttle normalises them).
NOT_STORED = {"EmailAuthenticationForm"}


def test_every_form_that_takes_text_cleans_it():
    """A form class added to alignment.forms with a text field must clean it."""
    missing = []
    for name, form_class in inspect.getmembers(alignment_forms, inspect.isclass):
        if not issubclass(form_class, forms.BaseForm) or form_class.__module__ != (
            alignment_forms.__name__
        ):
            continue
        takes_text = any(
            isinstance(field, forms.CharField)
            and not isinstance(field, forms.EmailField)
            and not isinstance(field.widget, forms.PasswordInput)
            for field in form_class.base_fields.values()
        )
        if takes_text and name not in NOT_STORED and not issubclass(form_class, CleansUserText):
            missing.append(name)
    assert missing == [], f"Give these forms CleansUserText as their first base: {missing}"


@pytest.mark.parametrize("character", CHARACTERS)
def test_the_cleaner_removes_each_character(character):
    assert clean_user_text(f"a{character}b", multiline=True) == "ab"
    assert clean_user_text(f"a{character}b", multiline=False) == "ab"


def test_the_cleaner_keeps_what_people_write():
    text = "Zoë's «prix» 😀 👩\u200d👩\u200d👧 — 東京\nnext"
    assert clean_user_text(text, multiline=True) == text


def test_services_store_what_the_form_cleaned(workshop, lead):
    """The forms clean; a service given a bound form stores its cleaned text."""
    step = agenda.get_step("persona")
    form = step.form_class({"title": sprinkled("Direct")}, workshop=workshop)
    assert form.is_valid()
    item = items.add_item(workshop, step, form, by=lead)
    assert item.title == "Direct"
