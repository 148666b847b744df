"""At the reveal, similar answers are proposed as groups the facilitator can accept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alignment.domain.grouping import Proposal, propose

BASE_DIR = Path(__file__).resolve().parents[2]

# One brainstorm question ("what do customers need?"), as a mixed room answers it.
ROOM = [
    ("one bill for the household", "en"),
    ("stop getting three separate invoices", "en"),
    ("una sola bolletta per tutta la famiglia", "it"),
    ("basta con 3 fatture diverse ogni mese", "it"),
    ("bill shock from roaming abroad", "en"),
    ("sorpresa in bolletta dopo le vacanze all'estero", "it"),
    ("data when travelling without worrying about the cost", "en"),
    ("poor signal indoors", "en"),
    ("segnale debole al chiuso", "it"),
    ("no bars in the basement", "en"),
    ("talk to a real person", "en"),
    ("parlare con un operatore umano", "it"),
]
TEXTS = [text for text, _ in ROOM]
LANGUAGES = [language for _, language in ROOM]


def group_of(proposals: list[Proposal], text: str) -> set[str]:
    index = TEXTS.index(text)
    for proposal in proposals:
        if index in proposal.members:
            return {TEXTS[i] for i in proposal.members}
    return {text}


def test_paraphrases_are_proposed_together_across_english_and_italian():
    proposals = propose(TEXTS, LANGUAGES)

    assert group_of(proposals, "one bill for the household") == {
        "one bill for the household",
        "stop getting three separate invoices",
        "una sola bolletta per tutta la famiglia",
        "basta con 3 fatture diverse ogni mese",
    }
    assert group_of(proposals, "poor signal indoors") == {
        "poor signal indoors",
        "segnale debole al chiuso",
        "no bars in the basement",
    }
    assert group_of(proposals, "talk to a real person") == {
        "talk to a real person",
        "parlare con un operatore umano",
    }


def test_paraphrases_in_one_language_are_proposed_together():
    english = [(t, lang) for t, lang in ROOM if lang == "en"]
    proposals = propose([t for t, _ in english], [lang for _, lang in english])

    texts = [t for t, _ in english]
    grouped = [{texts[i] for i in p.members} for p in proposals]
    assert {"one bill for the household", "stop getting three separate invoices"} in grouped


def test_a_near_miss_is_not_forced_into_the_group_it_resembles():
    proposals = propose(TEXTS, LANGUAGES)

    # Roaming bill shock mentions a bill, but it is a need of its own.
    bill = group_of(proposals, "one bill for the household")
    assert "bill shock from roaming abroad" not in bill
    assert "sorpresa in bolletta dopo le vacanze all'estero" not in bill
    assert "bill shock from roaming abroad" in group_of(
        proposals, "sorpresa in bolletta dopo le vacanze all'estero"
    )


def test_unrelated_answers_stay_ungrouped():
    proposals = propose(
        ["gigabit speeds", "parental controls", "rooftop solar panels", "un negozio sotto casa"],
        ["en", "en", "en", "it"],
    )

    assert proposals == []


def test_a_title_is_a_members_own_words_in_the_rooms_language():
    for language in ("en", "it"):
        for proposal in propose(TEXTS, LANGUAGES, language=language):
            members = [TEXTS[i] for i in proposal.members]
            assert proposal.title in members
            assert LANGUAGES[TEXTS.index(proposal.title)] == language


def test_a_title_is_trimmed_and_falls_back_to_the_other_language():
    proposals = propose(
        ["basta con tre fatture diverse ogni mese", "  una bolletta sola   "],
        ["it", "it"],
        language="en",
    )

    # Two answers are as close to each other: the shorter is the title.
    assert proposals == [Proposal((0, 1), "una bolletta sola")]


def test_a_one_word_answer_does_not_become_the_title_when_a_phrase_exists():
    proposals = propose(["chatbot", "AI chatbot for first-line support"], ["en", "en"])

    assert proposals == [Proposal((0, 1), "AI chatbot for first-line support")]


def test_groups_come_biggest_first_and_members_in_input_order():
    proposals = propose(TEXTS, LANGUAGES)

    sizes = [len(p.members) for p in proposals]
    assert sizes == sorted(sizes, reverse=True)
    for proposal in proposals:
        assert list(proposal.members) == sorted(proposal.members)
        assert len(proposal.members) >= 2


def test_the_same_answers_give_the_same_proposals():
    assert propose(TEXTS, LANGUAGES) == propose(list(TEXTS), list(LANGUAGES))


def test_empty_and_tiny_inputs():
    assert propose([], []) == []
    assert propose(["one bill"], ["en"]) == []
    # An answer with nothing to compare is close to nothing, not to other empty ones.
    assert propose(["", "   ", "the", ""], ["en", "it", "en", "fr"]) == []
    assert propose(["one bill please", "one bill please"], ["xx", "xx"]) == [
        Proposal((0, 1), "one bill please")
    ]


def test_five_hundred_long_answers_are_grouped():
    topics = [
        "one single bill for the whole household and every service we pay for",
        "una sola bolletta per tutta la famiglia e per tutti i servizi",
        "poor mobile signal indoors, in the basement and in the office building",
        "talk to a real person when something goes wrong with the line",
        "faster broadband at home for working and streaming in the evening",
    ]
    texts = [
        f"{topics[n % 5]} {'x' * (n % 7)} number {n} ".ljust(200, ".")[:200] for n in range(500)
    ]
    languages = ["it" if n % 5 == 1 else "en" for n in range(500)]

    proposals = propose(texts, languages)

    members = [i for p in proposals for i in p.members]
    assert len(members) == len(set(members))
    assert set(members) <= set(range(500))
    assert len(members) > 400


def test_grouping_needs_no_network(tmp_path):
    # A fresh interpreter, so that every import (numpy, the stemmers, the
    # lexicon) happens with the network refused; two hash seeds, so that the
    # result cannot depend on the order of a set.
    code = """
import json, socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args))
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from alignment.domain.grouping import propose
proposals = propose(
    ["one bill for the household", "una sola bolletta per la famiglia", "poor signal indoors",
     "segnale debole al chiuso", "gigabit speeds"],
    ["en", "it", "en", "it", "en"],
)
print(json.dumps({"attempts": attempts, "proposals": [[list(p.members), p.title] for p in proposals]}))
"""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))

    assert outputs[0]["attempts"] == []
    assert outputs[0]["proposals"] == [
        [[0, 1], "one bill for the household"],
        [[2, 3], "poor signal indoors"],
    ]
    assert outputs[1] == outputs[0]
