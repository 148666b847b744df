"""Similar brainstorm answers, proposed as groups with a title, at the reveal.

Answers are a few words, in English, Italian or both, and similar ones seldom
share a word. Each answer becomes its Snowball stems (in its own language) plus
the concepts of `grouping_lexicon` its words name; TF-IDF weighs them, and
average-linkage clustering on cosine distance joins answers that are close
enough. Everything runs in memory, with no model and no network, in a few
milliseconds for a room's answers (README, "Brainstorm grouping", has the
measurements and the alternatives weighed).

A proposal is a suggestion: the facilitator accepts, merges or splits it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

from alignment.domain.grouping_lexicon import CONCEPTS, STOP_WORDS

# Tuned on the answers of bench/data/brainstorm_answers.json outside its holdout
# groups (threshold 0.10-0.995, concept weight 1 or 2; objective the mean ARI of
# English-only, Italian-only and mixed rooms). The score is flat from 0.80 to
# 0.875; lower, a room's ideas stay in fragments; higher, answers that share
# one broad concept ("price", "home") join.
DISTANCE_THRESHOLD = 0.85
# Each concept token counts this many times: a shared concept weighs more than
# a shared stem, since the stems of a paraphrase or a translation differ.
CONCEPT_WEIGHT = 2
# A title should read as a phrase: "5G" or "speed!!" loses to a fuller answer of
# the group, and a long one loses a little to a shorter one.
ONE_WORD_PENALTY = 0.15
LONG_ANSWER_WORDS = 9
LONG_ANSWER_PENALTY = 0.05

_ALGORITHMS = {"en": "english", "it": "italian"}

# Both lists apply to every answer, since people mix the languages within one.
_STOP_WORDS = frozenset(" ".join(STOP_WORDS.values()).split())

_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


@dataclass(frozen=True)
class Proposal:
    members: tuple[int, ...]  # indices into the texts given, in input order
    title: str  # one member's text, trimmed, in the room's language when one is


def propose(
    texts: Sequence[str], languages: Sequence[str], *, language: str = "en"
) -> list[Proposal]:
    """The groups of two answers or more, biggest first (then by first member).

    `languages[i]` is the language answer i was written in ("en" or "it"; any
    other value reads as English); `language` is the room's, for the titles.
    Run it on one brainstorm question at a time: answers to different questions
    that share words are not the same idea."""
    if len(texts) != len(languages):
        raise ValueError("texts and languages must have the same length")
    if len(texts) < 2:
        return []
    languages = [_language(lang) for lang in languages]
    similarity = _similarity(texts, languages)
    groups = [g for g in _average_linkage(similarity) if len(g) > 1]
    groups.sort(key=lambda g: (-len(g), g[0]))
    room = _language(language)
    return [Proposal(tuple(g), _title(g, texts, languages, room, similarity)) for g in groups]


def _language(language: str) -> str:
    return language if language in _ALGORITHMS else "en"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_plain(text))


def _build_lexicon() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for concept, word_lists in CONCEPTS.items():
        for word in " ".join(word_lists).split():
            if word.endswith("*"):
                prefixes.append((word[:-1], concept))
            else:
                exact[word] = concept
    # The longest prefix wins, so a narrower entry beats a broader one.
    prefixes.sort(key=lambda p: (-len(p[0]), p[0]))
    return exact, prefixes


_EXACT, _PREFIXES = _build_lexicon()


def _concept(word: str) -> str | None:
    if word in _EXACT:
        return _EXACT[word]
    return next((c for prefix, c in _PREFIXES if word.startswith(prefix)), None)


def _features(text: str, stemmer: Stemmer.Stemmer) -> list[str]:
    features = []
    for word in _words(text):
        if word in _STOP_WORDS:
            continue
        features.append("w:" + stemmer.stemWord(word))
        concept = _concept(word)
        if concept:
            features += ["c:" + concept] * CONCEPT_WEIGHT
    return features


def _tfidf(documents: list[list[str]]) -> np.ndarray:
    """Rows L2-normalised, with sublinear term counts and smoothed IDF. An
    answer with no word left (empty, or only stop words) is a row of zeros:
    close to nothing, so it stays alone."""
    vocabulary: dict[str, int] = {}
    for document in documents:
        for feature in document:
            vocabulary.setdefault(feature, len(vocabulary))
    matrix = np.zeros((len(documents), max(1, len(vocabulary))))
    for row, document in enumerate(documents):
        for feature, count in Counter(document).items():
            matrix[row, vocabulary[feature]] = 1.0 + math.log(count)
    document_frequency = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _similarity(texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
    # A stemmer is not thread-safe, and costs a microsecond to make: one per call.
    stemmers = {lang: Stemmer.Stemmer(algorithm) for lang, algorithm in _ALGORITHMS.items()}
    documents = [_features(t, stemmers[lang]) for t, lang in zip(texts, languages, strict=True)]
    vectors = _tfidf(documents)
    return vectors @ vectors.T


def _average_linkage(similarity: np.ndarray) -> list[list[int]]:
    """Join the two closest groups while their mean pairwise distance is within
    DISTANCE_THRESHOLD. The matrix holds group-to-group distances, updated on
    each join by the Lance-Williams rule for average linkage; a joined-away
    group's row and column become infinite. The first closest pair in index
    order is joined first, so the result does not depend on anything but the
    input."""
    n = len(similarity)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, np.inf)
    sizes = np.ones(n)
    members = {i: [i] for i in range(n)}
    while len(members) > 1:
        i, j = divmod(int(np.argmin(distance)), n)
        if distance[i, j] > DISTANCE_THRESHOLD:
            break
        distance[i] = (sizes[i] * distance[i] + sizes[j] * distance[j]) / (sizes[i] + sizes[j])
        distance[:, i] = distance[i]
        distance[i, i] = np.inf
        distance[j] = np.inf
        distance[:, j] = np.inf
        sizes[i] += sizes[j]
        members[i] += members.pop(j)
    return [sorted(g) for g in members.values()]


def _title(
    group: list[int],
    texts: Sequence[str],
    languages: Sequence[str],
    language: str,
    similarity: np.ndarray,
) -> str:
    """The group's medoid among its answers in the room's language (all of them
    when none is): the answer closest on average to the rest of the group, so a
    real sentence someone wrote, which reads better than top terms (stems and
    concept names). Ties go to the shorter text, then the earlier answer."""
    candidates = [i for i in group if languages[i] == language] or group

    def score(i: int) -> tuple[float, int, int]:
        others = [k for k in group if k != i]
        closeness = float(similarity[i, others].mean())
        words = len(_words(texts[i]))
        if words < 2:
            closeness -= ONE_WORD_PENALTY
        elif words > LONG_ANSWER_WORDS:
            closeness -= LONG_ANSWER_PENALTY
        return (closeness, -len(texts[i].strip()), -i)

    return texts[max(candidates, key=score)].strip()
