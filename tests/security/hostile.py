"""Hostile input for the property-based tests: what a careless or malicious client sends."""

from __future__ import annotations

from django.db.models import F
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from alignment import agenda

# Every example reuses the test's database and clients; examples are kept few so
# the whole suite stays fast. No example database on disk: CI runs from scratch.
# Derandomised: the same examples every run, so a failure in CI is reproducible.
HOSTILE = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "nul\x00byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE alignment_persona; --",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1",
    "0",
    "-0",
    "99999999999999999999999999",
    str(2**63),
    str(-(2**63) - 1),
    "1.5",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits: int() reads them
    "Ⅻ",
    "\u202eevil",
    "\ufeff",
    "%00",
    "../../etc/passwd",
    "{}",
    "null",
    "true",
    "a" * 5000,
    "\r\n",
    "\\",
]

_letters = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be sent
text = st.text(alphabet=_letters, max_size=40)
long_text = st.text(alphabet=_letters, min_size=1, max_size=3).map(lambda s: s * 1500)
numbers = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
).map(str)
scalar = st.one_of(st.sampled_from(NASTY), text, long_text, numbers)
# Numbers as a JSON file carries them: json.dumps writes the non-finite floats as
# Infinity, -Infinity and NaN, which json.loads reads back (and 1e400 reads as inf).
json_numbers = st.one_of(
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -0.0, 10**20, True]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    numbers,
)
# A field sent several times is a wrong type for a single field; sent no times, missing.
value = st.one_of(scalar, st.lists(scalar, max_size=3))


def edits(names: list[str], *, pool: list[str] = ()) -> st.SearchStrategy[tuple[dict, list]]:
    """Which fields to replace with hostile values, and which to leave out.

    `names` is fixed for a test (Hypothesis needs the same choices every example);
    `pool` adds values worth trying in any field (another organisation's ids, say).
    """
    names = sorted(names)
    values = st.one_of(value, st.sampled_from(list(pool))) if pool else value
    return st.tuples(
        st.dictionaries(st.sampled_from(names), values) if names else st.just({}),
        st.lists(st.sampled_from(names), unique=True, max_size=2) if names else st.just([]),
    )


def apply_edits(base: dict, changes: tuple[dict, list], prefix: str = "") -> dict:
    replaced, dropped = changes
    key = (lambda name: f"{prefix}-{name}") if prefix else (lambda name: name)
    data = dict(base)
    data.update({key(name): v for name, v in replaced.items()})
    for name in dropped:
        data.pop(key(name), None)
    return data


def foreign_links() -> list[str]:
    """Links between items of different workshops (there must never be any)."""
    problems = []
    for step in agenda.item_steps():
        model = step.model
        for field in model._meta.get_fields():
            if not field.concrete or not field.is_relation:
                continue
            target = field.related_model
            if not hasattr(target, "workshop_id") or field.name == "workshop":
                continue
            if field.many_to_many:
                through = field.remote_field.through
                source, other = field.m2m_field_name(), field.m2m_reverse_field_name()
                bad = through.objects.exclude(**{f"{source}__workshop": F(f"{other}__workshop")})
            else:
                bad = model.objects.filter(**{f"{field.name}__isnull": False}).exclude(
                    **{f"{field.name}__workshop": F("workshop")}
                )
            if bad.exists():
                problems.append(f"{model.__name__}.{field.name}")
    return problems


def invalid_rows() -> list[str]:
    """Stored items that their own model would refuse (length, choices, ranges, NUL)."""
    problems = []
    for step in agenda.item_steps():
        for item in step.model.objects.all():
            try:
                item.full_clean(exclude=["workshop", "author", "lineage"])
            except Exception as error:  # noqa: BLE001 - reported, not hidden
                problems.append(f"{step.slug} {item.pk}: {error}")
            for name in ("title", "description"):
                if "\x00" in getattr(item, name):
                    problems.append(f"{step.slug} {item.pk}: NUL in {name}")
    return problems
