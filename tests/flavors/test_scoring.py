"""The diagnostic's scoring, on hand-picked answer sets."""

from __future__ import annotations

import pytest

from flavors.diagnostic import (
    DEMO_Q3_ANSWERS,
    DEMO_Q4_ANSWERS,
    NEAR_TIE_MARGIN,
    QUESTION_WEIGHTS,
    QUESTIONS,
    score,
)
from flavors.models import Perspective

PC, CO, SC = "product_centric", "coordinated", "segment_centric"


def _answers_by_position(position: str) -> dict[str, str]:
    """Every question answered with its first, last or most-coordinated choice."""
    answers = {}
    for question in QUESTIONS:
        if position == "first":
            answers[question.key] = question.choices[0].key
        elif position == "last":
            answers[question.key] = question.choices[-1].key
        else:
            answers[question.key] = max(question.choices, key=lambda c: c.lean[1]).key
    return answers


@pytest.mark.parametrize(
    ("answers", "primary", "between"),
    [
        (_answers_by_position("first"), PC, None),
        (_answers_by_position("coordinated"), CO, None),
        (_answers_by_position("last"), SC, None),
        (DEMO_Q3_ANSWERS, CO, None),
        (DEMO_Q4_ANSWERS, None, (CO, SC)),
    ],
    ids=["all-first-choices", "all-coordinated", "all-last-choices", "demo-q3", "demo-q4"],
)
def test_it_places_answer_sets(answers, primary, between):
    result = score(answers)

    assert result.primary == primary
    assert result.between == between


def test_a_pure_answer_set_scores_exactly_the_weighted_leans():
    result = score(_answers_by_position("first"))

    expected_pc = sum(QUESTION_WEIGHTS[q.key] * q.choices[0].lean[0] for q in QUESTIONS)
    assert result.scores[PC] == pytest.approx(expected_pc)
    assert result.ranking[0] == PC
    assert result.scores[PC] > 0.75


def test_each_perspective_weighs_a_quarter():
    per_perspective = dict.fromkeys(Perspective, 0.0)
    for question in QUESTIONS:
        per_perspective[question.perspective] += QUESTION_WEIGHTS[question.key]

    assert per_perspective == pytest.approx(dict.fromkeys(Perspective, 0.25))


def test_every_choice_spreads_exactly_one_point():
    for question in QUESTIONS:
        for choice in question.choices:
            assert sum(choice.lean) == pytest.approx(1), (question.key, choice.key)
            assert min(choice.lean) >= 0


def test_the_questionnaire_covers_four_perspectives_with_three_to_five_choices_each():
    assert 8 <= len(QUESTIONS) <= 12
    assert {q.perspective for q in QUESTIONS} == set(Perspective)
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    for question in QUESTIONS:
        assert 3 <= len(question.choices) <= 5
        assert len({c.key for c in question.choices}) == len(question.choices)


def test_demo_q3_is_clearly_coordinated():
    result = score(DEMO_Q3_ANSWERS)

    assert result.scores[CO] - max(result.scores[PC], result.scores[SC]) > 3 * NEAR_TIE_MARGIN
    assert result.confidence_level == "high"
    assert str(result.headline) == "Your answers point to coordinated."


def test_demo_q4_is_reported_honestly_as_between_coordinated_and_segment_centric():
    result = score(DEMO_Q4_ANSWERS)

    assert result.primary is None
    assert abs(result.scores[CO] - result.scores[SC]) < NEAR_TIE_MARGIN
    assert result.scores[PC] < 0.1
    assert result.flavor_codes == (CO, SC)
    assert str(result.headline) == "Your answers sit between coordinated and segment-centric."
    assert result.confidence_level == "low"


def test_confidence_is_the_leaders_lead_relative_to_its_score():
    result = score(DEMO_Q3_ANSWERS)
    top, second = (result.scores[code] for code in result.ranking[:2])

    assert result.confidence == pytest.approx((top - second) / top)
    assert 0 <= result.confidence <= 1


def test_it_explains_every_answer_in_one_sentence():
    result = score(DEMO_Q4_ANSWERS)

    assert [e.question_key for e in result.explanations] == [q.key for q in QUESTIONS]
    by_key = {e.question_key: e for e in result.explanations}
    assert str(by_key["base_owner"].text) == (
        "Customers are owned segment by segment, which points to segment-centric."
    )
    assert by_key["base_owner"].leans_to == (SC,)
    assert str(by_key["largest_product_revenue"].text).endswith(
        "which sits between coordinated and segment-centric."
    )
    for explanation in result.explanations:
        text = str(explanation.text)
        assert text.endswith(".") and text.count(". ") == 0


def test_rows_list_the_flavors_in_progression_order_with_percentages():
    rows = score(DEMO_Q3_ANSWERS).rows

    assert [row.code for row in rows] == [PC, CO, SC]
    assert [row.percent for row in rows] == [14, 70, 16]


def test_as_dict_holds_plain_codes_and_numbers():
    data = score(DEMO_Q4_ANSWERS).as_dict()

    assert data["primary"] is None
    assert data["between"] == [CO, SC]
    assert set(data["scores"]) == {PC, CO, SC}
