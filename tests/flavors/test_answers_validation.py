"""Missing and out-of-range answers are refused, question by question."""

from __future__ import annotations

import pytest

from flavors.diagnostic import (
    DEMO_Q3_ANSWERS,
    QUESTIONS,
    DiagnosticError,
    DiagnosticForm,
    score,
)
from flavors.models import Perspective


def test_score_refuses_missing_answers_naming_each_question():
    answers = dict(DEMO_Q3_ANSWERS)
    del answers["cvm_role"]
    answers["segment_budget"] = ""

    with pytest.raises(DiagnosticError) as caught:
        score(answers)

    assert caught.value.errors == {
        "segment_budget": "This question needs an answer.",
        "cvm_role": "This question needs an answer.",
    }
    assert isinstance(caught.value, ValueError)


def test_score_refuses_answers_that_are_not_among_the_choices():
    with pytest.raises(DiagnosticError) as caught:
        score({**DEMO_Q3_ANSWERS, "multi_product_share": "over_90"})

    assert caught.value.errors == {
        "multi_product_share": "This is not one of the answers to this question."
    }


def test_score_refuses_unknown_questions():
    with pytest.raises(DiagnosticError) as caught:
        score({**DEMO_Q3_ANSWERS, "favourite_colour": "blue"})

    assert set(caught.value.errors) == {"favourite_colour"}


def test_score_refuses_an_empty_answer_set_with_one_error_per_question():
    with pytest.raises(DiagnosticError) as caught:
        score({})

    assert set(caught.value.errors) == {q.key for q in QUESTIONS}


def test_the_form_requires_every_question():
    form = DiagnosticForm(data={})

    assert not form.is_valid()
    assert set(form.errors) == {q.key for q in QUESTIONS}
    assert form.errors["base_owner"] == ["Choose one answer to this question."]


def test_the_form_refuses_out_of_range_values_with_a_message_per_field():
    form = DiagnosticForm(data={**DEMO_Q3_ANSWERS, "base_owner": "the_ceo", "cvm_role": "<script>"})

    assert not form.is_valid()
    assert form.errors == {
        "base_owner": ["Choose one of the answers listed for this question."],
        "cvm_role": ["Choose one of the answers listed for this question."],
    }
    with pytest.raises(ValueError):
        form.result()


def test_a_valid_form_gives_the_same_result_as_score():
    form = DiagnosticForm(data=dict(DEMO_Q3_ANSWERS))

    assert form.is_valid(), form.errors
    assert form.result() == score(DEMO_Q3_ANSWERS)


def test_the_form_groups_questions_by_perspective_in_order():
    groups = DiagnosticForm().perspective_groups()

    assert [g.key for g in groups] == [p.value for p in Perspective]
    assert [f.name for g in groups for f in g.fields] == [q.key for q in QUESTIONS]


def test_the_form_renders_radio_buttons_with_errors_next_to_fields():
    html = str(DiagnosticForm(data={**DEMO_Q3_ANSWERS, "base_owner": "nope"}))

    assert html.count('type="radio"') == sum(len(q.choices) for q in QUESTIONS)
    assert 'id="id_base_owner_error"' in html
    assert "Choose one of the answers listed for this question." in html
    assert "One question needs an answer from the list." in html
