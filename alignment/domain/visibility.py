"""What a private brainstorm still keeps from the team."""

from __future__ import annotations

from dataclasses import dataclass

from alignment import agenda
from alignment.models import Workshop


@dataclass(frozen=True)
class HiddenAnswers:
    """The number of unrevealed answers per step, and the step whose brainstorm
    is open.

    Leaders sign what they can see, so neither may stand when the workshop moves
    to signing or is signed: everything hidden must be revealed first."""

    counts: dict[str, int]  # step slug -> the number of unrevealed answers there
    open_on: str  # the slug of the step whose brainstorm is open, or ""

    def __bool__(self) -> bool:
        return bool(self.counts) or bool(self.open_on)

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def to_reveal(self) -> list[agenda.Step]:
        """The steps where the lead reveals, in agenda order."""
        return [s for s in agenda.item_steps() if s.slug in self.counts or s.slug == self.open_on]

    @property
    def steps_text(self) -> str:
        """The steps to reveal, named for a message (`services.errors`)."""
        return ", ".join(str(s.title) for s in self.to_reveal)


def hidden_answers(workshop: Workshop) -> HiddenAnswers:
    """The unrevealed answers of a workshop and its open brainstorm, in one query.
    An answer the facilitator set aside while moderating is not waiting for a
    reveal: it stays its author's, outside what the team signs."""
    counts = agenda.count_items(workshop, lambda items: items.filter(revealed=False, set_aside=""))
    return HiddenAnswers(
        counts={slug: n for slug, n in counts.items() if n}, open_on=workshop.brainstorm_step
    )
