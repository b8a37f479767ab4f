"""What a candidate claim mentions that a reader could look up.

``Mentions`` labels figures (MONEY, PERCENT, QUANTITY, CARDINAL) and times
(DATE, TIME) with Matcher patterns from ``data/claim_mentions.jsonl``, and
names (PERSON, ORG, PLACE, else NAME) as runs of proper nouns typed by the
cue words of ``data/claim_names.jsonl``. It stands in for the NER, which the
annotator leaves out: it cost more than the tagger and parser together.
"""

from __future__ import annotations

import functools

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .matcher_gate import MatcherGate

MENTIONS = "claimflag_mentions"                    # the doc.spans key
# Of two overlapping matches the longer wins; of two as long, the earlier
# label here: "2019" alone is a year, and "£" makes a number money.
_RANK = {label: i for i, label in enumerate(("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"))}
# Lower-case words inside a name: "Bank of England", "Department for Transport".
_NAME_JOINERS = {"of", "for", "&", "de", "du", "la", "le", "von", "van", "der", "al"}


class Mentions:
    """What a sentence mentions that a reader could look up, as labelled spans:
    figures (MONEY, PERCENT, QUANTITY, CARDINAL) and times (DATE, TIME) from
    Matcher patterns; names, runs of capitalised proper nouns from the
    tagger, typed PERSON, ORG or PLACE by cue words, else NAME.

    ``patterns``: rows of ``label``, ``id`` and a Matcher ``pattern``.
    ``cues``: rows of ``kind`` and ``words``; the kinds are ``title``,
    ``role``, ``organisation``, ``place``, ``place_preposition`` and
    ``known_place``. ``reporting_lemmas``: verbs whose named subject is a
    person ("Karin Holm said")."""

    def __init__(self, vocab: Vocab, patterns: list[dict], cues: list[dict],
                 reporting_lemmas: frozenset[str]):
        self.vocab = vocab
        self.reporting_lemmas = reporting_lemmas
        self.patterns = [(row["label"], row["pattern"]) for row in patterns]
        # Bad patterns fail here, at load, not on the first sentence they meet.
        Matcher(vocab, validate=True).add("check", [pattern for _, pattern in self.patterns])
        self.gate = MatcherGate([pattern for _, pattern in self.patterns])
        # A sentence runs a Matcher with only the few patterns the gate lets
        # through: the Matcher's cost grows with the patterns it tries at every
        # token. Sentences share few such sets, so their Matchers are kept.
        self._matcher = functools.lru_cache(maxsize=1024)(self._build_matcher)
        words = {row["kind"]: set(row["words"]) for row in cues}
        self.titles = words["title"]
        self.roles = words["role"]
        self.organisations = words["organisation"]
        self.places = words["place"]
        self.place_prepositions = words["place_preposition"]
        self.known_places = words["known_place"]

    def _build_matcher(self, which: tuple[int, ...]) -> Matcher:
        matcher = Matcher(self.vocab)
        for i in which:
            label, pattern = self.patterns[i]
            matcher.add(label, [pattern])
        return matcher

    def __call__(self, doc: Doc) -> list[Span]:
        by_label: dict[str, set[tuple[int, int]]] = {}
        which = self.gate.for_doc(doc)(0, len(doc))
        for key, start, end in self._matcher(which)(doc) if which else ():
            by_label.setdefault(self.vocab.strings[key], set()).add((start, end))
        # Per label, the longest of overlapping matches, the earlier of two as
        # long (what greedy="LONGEST" does for one Matcher key).
        matches = []
        for label, pairs in by_label.items():
            kept: set[int] = set()
            for start, end in sorted(pairs, key=lambda p: (p[0] - p[1], p[0])):
                if kept.isdisjoint(range(start, end)):
                    matches.append((start, end, label))
                    kept.update(range(start, end))
        found: list[Span] = []
        taken: set[int] = set()
        for start, end, label in sorted(matches, key=lambda m: (m[0] - m[1], _RANK[m[2]], m[0])):
            if taken.isdisjoint(range(start, end)):
                found.append(Span(doc, start, end, label=label))
                taken.update(range(start, end))
        found += self._names(doc, taken)
        return sorted(found, key=lambda s: s.start)

    def _names(self, doc: Doc, taken: set[int]) -> list[Span]:
        """Runs of proper nouns not already read as a time ("Tuesday",
        "March" are proper nouns too)."""
        def proper(i: int) -> bool:
            t = doc[i]
            return i not in taken and (t.pos_ == "PROPN" and t.text[:1].isupper()
                                       or t.is_upper and t.is_alpha and len(t) > 1 and t.pos_ == "NOUN")

        names = []
        i = 0
        while i < len(doc):
            if not proper(i):
                i += 1
                continue
            end = i + 1
            while end < len(doc) and (proper(end) or doc[end].lower_ in _NAME_JOINERS
                                      and end + 1 < len(doc) and proper(end + 1)):
                end += 1
            names.append(Span(doc, i, end, label=self._name_kind(doc[i:end])))
            i = end
        return names

    def _name_kind(self, name: Span) -> str:
        doc = name.doc
        words = [t.lower_ for t in name]
        head = name.root
        before = doc[name.start - 1].lower_ if name.start else ""
        if self.titles.intersection(words[:-1]) or before in self.titles | self.roles \
                or any(c.dep_ == "appos" and c.lemma_.lower() in self.roles for c in head.children) \
                or head.dep_ == "appos" and head.head.lemma_.lower() in self.roles:
            return "PERSON"                                 # Dr Amina Yusuf, Holm, the chief engineer
        # A name where something happened is a place whatever else it is:
        # "Scientists at Hallam University found ...".
        if words[-1] in self.places or name.text.lower() in self.known_places \
                or head.dep_ == "pobj" and head.head.lower_ in self.place_prepositions:
            return "PLACE"                                  # Harbour Road, Russia, near Millbridge
        if self.organisations.intersection(words) or len(name) == 1 and name[0].is_upper:
            return "ORG"                                    # the Environment Agency, NHS
        if len(name) > 1 and head.dep_ == "nsubj" and head.head.lemma_.lower() in self.reporting_lemmas:
            return "PERSON"                                 # Karin Holm said
        return "NAME"
