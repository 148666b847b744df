"""Properties of the scoring that hold for every possible answer set."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flavors.diagnostic import FLAVOR_ORDER, NEAR_TIE_MARGIN, QUESTIONS, QUESTIONS_BY_KEY, score

PC = "product_centric"
MULTI = "multi_product_share"

complete_answers = st.fixed_dictionaries(
    {q.key: st.sampled_from([c.key for c in q.choices]) for q in QUESTIONS}
)


@given(complete_answers)
def test_scores_sum_to_one(answers):
    result = score(answers)

    assert abs(sum(result.scores.values()) - 1) < 1e-9
    assert set(result.scores) == set(FLAVOR_ORDER)
    assert all(0 <= value <= 1 for value in result.scores.values())


@given(complete_answers)
def test_there_is_either_a_primary_flavor_or_an_explicit_between(answers):
    result = score(answers)
    top, second = (result.scores[code] for code in result.ranking[:2])

    assert (result.primary is None) != (result.between is None)
    if result.primary:
        assert result.primary == result.ranking[0]
        assert top - second >= NEAR_TIE_MARGIN
    else:
        assert set(result.between) == set(result.ranking[:2])
        assert list(result.between) == sorted(result.between, key=FLAVOR_ORDER.index)
        assert top - second < NEAR_TIE_MARGIN
    assert 0 <= result.confidence <= 1
    assert len(result.explanations) == len(QUESTIONS)


multi_choices = [c.key for c in QUESTIONS_BY_KEY[MULTI].choices]


@given(
    complete_answers,
    st.integers(0, len(multi_choices) - 1),
    st.integers(0, len(multi_choices) - 1),
)
def test_more_multi_product_customers_never_moves_towards_product_centric(answers, i, j):
    lower, higher = sorted((i, j))
    before = score({**answers, MULTI: multi_choices[lower]})
    after = score({**answers, MULTI: multi_choices[higher]})

    def gap_to_best_other(result):
        return max(v for code, v in result.scores.items() if code != PC) - result.scores[PC]

    assert after.scores[PC] <= before.scores[PC] + 1e-12
    assert gap_to_best_other(after) >= gap_to_best_other(before) - 1e-12
    assert after.ranking.index(PC) >= before.ranking.index(PC)
    # If product-centric leads or co-leads afterwards, it already did before.
    if _leads(after, PC):
        assert _leads(before, PC)


def _leads(result, code: str) -> bool:
    return result.primary == code or (result.between is not None and code in result.between)


def test_multi_product_choices_are_ordered_away_from_product_centric():
    # The structural reason the property above holds: along the choices,
    # product-centric never gains and the other flavors never lose.
    leans = [c.lean for c in QUESTIONS_BY_KEY[MULTI].choices]
    for earlier, later in zip(leans, leans[1:], strict=False):
        assert later[0] <= earlier[0]
        assert later[1] >= earlier[1]
        assert later[2] >= earlier[2]
