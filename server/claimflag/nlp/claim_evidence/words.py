"""The words and regular expressions the claim evidence rules read, by name.

They arrive as the rows of two data files, through the component's
``initialize`` (``nlp/data`` by default):

- ``claim_words.jsonl``: ``{"kind", "why", "words"}``, one list per row;
  rows of one kind add up;
- ``claim_regexes.jsonl``: ``{"kind", "regex"}``. Rows of one kind are
  alternatives; each ``furniture`` row (with its ``group``: byline, date,
  cookie, ...) is kept as its own regular expression. A ``fragment`` row
  names (``id``) a piece that other rows use as ``{id}``. All are
  case-insensitive; ``(?-i:...)`` marks where case counts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

_FRAGMENT = re.compile(r"\{([a-z_]+)\}")        # not a count such as {0,3}


@dataclass(frozen=True)
class ClaimWords:
    reporting: frozenset[str]              # reporting verbs: their subject is a source
    evidence: frozenset[str]               # ... whose subject must look like a source
    quote_frame: frozenset[str]            # verbs that frame a quote, reporting ones included
    people_sources: frozenset[str]
    body_sources: frozenset[str]
    document_sources: frozenset[str]
    casualty: frozenset[str]
    number_words: frozenset[str]
    first_second: frozenset[str]           # I, we, you
    definite: frozenset[str]
    cause_after: tuple[tuple[str, ...], ...]   # markers before the cause, as word runs, in order
    cause_before: frozenset[str]
    cause_before_prep: Mapping[str, str]   # "lead" -> "to"
    evaluative: frozenset[str]
    furniture_lines: tuple[re.Pattern, ...]
    opinion_openers: re.Pattern
    hedges: re.Pattern
    future: re.Pattern
    specific_date: re.Pattern

    @functools.cached_property
    def source_nouns(self) -> frozenset[str]:
        """Nouns that can be a source: people, bodies, documents."""
        return self.people_sources | self.document_sources | self.body_sources

    @classmethod
    def from_rows(cls, words: list[dict], regexes: list[dict]) -> ClaimWords:
        lists: dict[str, list[str]] = {}
        for row in words:
            lists.setdefault(row["kind"], []).extend(row["words"])
        patterns = _regexes(regexes)
        unread = set(lists) | set(patterns)

        def take(found: dict, kind: str, what: str) -> list[str]:
            if kind not in found:
                raise ValueError(f"claim {what}: none of kind {kind!r}")
            unread.discard(kind)
            return found[kind]

        def words_of(kind: str) -> frozenset[str]:
            return frozenset(take(lists, kind, "words"))

        def regex(kind: str) -> re.Pattern:
            return re.compile("|".join(take(patterns, kind, "regexes")), re.I)

        reporting = words_of("reporting_lemma")
        claim_words = cls(
            reporting=reporting,
            evidence=words_of("evidence_lemma"),
            quote_frame=reporting | words_of("quote_frame_lemma"),
            people_sources=words_of("people_source"),
            body_sources=words_of("body_source"),
            document_sources=words_of("document_source"),
            casualty=words_of("casualty_lemma"),
            number_words=words_of("number_word"),
            first_second=words_of("first_second_person"),
            definite=words_of("definite_word"),
            cause_after=tuple(tuple(marker.split()) for marker in take(lists, "cause_after", "words")),
            cause_before=words_of("cause_before_lemma"),
            cause_before_prep=dict(pair.split() for pair in take(lists, "cause_before_preposition", "words")),
            evaluative=words_of("evaluative"),
            furniture_lines=tuple(re.compile(p, re.I) for p in take(patterns, "furniture", "regexes")),
            opinion_openers=regex("opinion_opener"),
            hedges=regex("hedge"),
            future=regex("future"),
            specific_date=regex("specific_date"),
        )
        if unread:                                  # a misspelt kind would be lost silently
            raise ValueError(f"claim words or regexes of unknown kinds: {sorted(unread)}")
        return claim_words


def _regexes(rows: list[dict]) -> dict[str, list[str]]:
    """The regular expressions by kind, fragments filled in."""
    fragments = {row["id"]: row["regex"] for row in rows if row["kind"] == "fragment"}

    def fill(match: re.Match) -> str:
        if match.group(1) not in fragments:
            raise ValueError(f"claim regexes: no fragment {match.group(1)!r}")
        return fragments[match.group(1)]

    found: dict[str, list[str]] = {}
    for row in rows:
        if row["kind"] != "fragment":
            found.setdefault(row["kind"], []).append(_FRAGMENT.sub(fill, row["regex"]))
    return found
