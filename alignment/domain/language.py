"""Which of the app's languages a short answer is written in, as far as its words
tell: a room writes in both, and the grouping stems each answer in its own."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Short words that occur in almost every sentence of one language and rarely in
# the other; an answer of a few words often has one or two of them.
_MARKERS = {
    "en": _words(
        "the an and of to for with without on is are our my your their we they it "
        "not no less too very all every one two three get want need should can from "
        "by at than into out off"
    ),
    "it": _words(
        "il lo la i gli le un una uno e a in di da del della dei delle al alla ai alle "
        "nel nella negli sul sulla sui per con senza che non più meno tutto tutti ogni "
        "sono è c'è vogliono serve nostro nostra loro chi come dopo troppo basta anche "
        "fuori quella quello pochi poco tipo"
    ),
}
_ITALIAN_ENDINGS = re.compile(
    r"(?:zione|zioni|mente|ità|ggio|tà|ere|are|ire|ano|ono|ato|ata|ati|oni|ici|ale|ali|etta|etto)$"
)
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def guess(text: str, *, default: str = "en") -> str:
    """ "en" or "it"; `default` (the room's language) when the words do not say."""
    words = [word.casefold() for word in _WORDS.findall(text)]
    if any("'" in word for word in words if word[:2] in {"l'", "d'", "un"}):
        return "it"
    score = {name: sum(word in markers for word in words) for name, markers in _MARKERS.items()}
    # Endings break a tie of markers (often none: "fattura unica", "cheap plans").
    score["it"] += 0.5 * sum(bool(_ITALIAN_ENDINGS.search(word)) for word in words)
    score["en"] += 0.5 * sum(word.endswith(("ing", "tion", "ed", "ly")) for word in words)
    if score["it"] == score["en"]:
        return default if default in score else "en"
    return max(score, key=score.get)
