"""A faster stand-in for spaCy's ``AttributeRuler``, built from its patterns.

The ruler runs every pattern through a ``Matcher`` at every token, yet most of
en_core_web_sm's rules test only one token's tag and/or lower-case form. Those
rules are looked up in dicts here. The other one-token rules that test only
the lower-case form, tag, dependency label and whitespace flag (by equality,
``IN`` or ``NOT_IN``) are checked against those columns of ``doc.to_array``;
only the rest (two-token patterns, regular expressions) still go through a
small ``Matcher``.

The result is the ruler's, token for token: every rule matches against the
annotation as it was before any rule applied, and where several rules set the
same attribute of a token, the later rule in the list wins.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs
from spacy.vocab import Vocab

_INDEXED_KEYS = {"TAG", "LOWER"}
# The token attributes a checked pattern may test, in the order of the columns
# read from the doc; a pattern is indexed by its first test that is not
# NOT_IN in this order (the lower-case form is the most selective).
_CHECKED_KEYS = ("LOWER", "TAG", "DEP", "IS_SPACE")
_CHECKED_ATTRS = [LOWER, TAG, DEP, IS_SPACE]

# One test of a checked pattern: (column, accepted values, negated).
_Test = tuple[int, frozenset[int], bool]


def _indexable_values(value: Any) -> list[str] | None:
    """The strings a token constraint accepts, if it is plain equality or
    ``{"IN": [...]}``; None for anything else (REGEX, NOT_IN, ...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"] and \
            all(isinstance(v, str) for v in value["IN"]):
        return list(value["IN"])
    return None


def _checkable_tests(vocab: Vocab, spec: dict) -> list[_Test] | None:
    """The token constraint ``spec`` as tests on the ``_CHECKED_KEYS``
    columns, compared as the Matcher compares them (string hashes, '' as 0,
    a flag as 0 or 1); None if it uses anything else (REGEX, OP, ...)."""
    tests = []
    for key, value in spec.items():
        if key not in _CHECKED_KEYS:
            return None
        column = _CHECKED_KEYS.index(key)
        if key == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            tests.append((column, frozenset([int(value)]), False))
        elif isinstance(value, str):
            tests.append((column, frozenset([vocab.strings.add(value)]), False))
        elif isinstance(value, dict) and len(value) == 1:
            (op, names), = value.items()
            if op not in ("IN", "NOT_IN") or not all(isinstance(v, str) for v in names):
                return None
            tests.append((column, frozenset(get_string_id(v) for v in names), op == "NOT_IN"))
        else:
            return None
    return tests


class AttributeLookup:
    """Sets the attributes an ``AttributeRuler`` with ``patterns`` would set."""

    def __init__(self, vocab: Vocab, name: str, patterns: Iterable[dict]):
        self.name = name
        self.vocab = vocab
        # Per rule (in the ruler's order): its attributes as attribute IDs and
        # values, normalised exactly as the ruler does.
        self._rules: list[dict[int, int]] = []
        self._indices: list[int] = []
        # Rule numbers by tag hash, by lower-form hash, by both.
        by_tag: dict[int, set[int]] = defaultdict(set)
        by_lower: dict[int, set[int]] = defaultdict(set)
        by_both: dict[tuple[int, int], set[int]] = defaultdict(set)
        # Per column: value -> (rule, tests) of the checked patterns indexed
        # by that value (see _CHECKED_KEYS).
        checked: list[dict[int, list[tuple[int, list[_Test]]]]] = [
            defaultdict(list) for _ in _CHECKED_KEYS]
        self._matcher = Matcher(vocab)
        self._rule_of_match: dict[int, int] = {}
        strings = vocab.strings
        for rule, spec in enumerate(patterns):
            self._rules.append(dict(normalize_token_attrs(vocab, spec["attrs"])))
            index = spec.get("index", 0)
            self._indices.append(index)
            for pattern in spec["patterns"]:
                # Only a one-token pattern whose rule sets that token (index 0
                # or -1) can be looked up; an empty constraint matches any token.
                single = len(pattern) == 1 and index in (0, -1)
                values = {key: _indexable_values(v) for key, v in pattern[0].items()} if single else {}
                if not values or set(values) - _INDEXED_KEYS or None in values.values():
                    tests = _checkable_tests(vocab, pattern[0]) if single else None
                    # Indexed by a value it needs: a pattern of NOT_IN tests
                    # alone could match any token, so the Matcher takes it.
                    positive = [t for t in tests or () if not t[2]]
                    if positive:
                        column, needed, _ = min(positive, key=lambda t: t[0])
                        for value in needed:
                            checked[column][value].append((rule, tests))
                        continue
                    key = strings.add(str(rule))
                    self._matcher.add(key, [pattern])
                    self._rule_of_match[key] = rule
                    continue
                tags = [strings.add(t) for t in values.get("TAG", [])]
                lowers = [strings.add(w) for w in values.get("LOWER", [])]
                if tags and lowers:
                    for tag in tags:
                        for lower in lowers:
                            by_both[(lower, tag)].add(rule)
                else:
                    for tag in tags:
                        by_tag[tag].add(rule)
                    for lower in lowers:
                        by_lower[lower].add(rule)
        self._checked = [(column, dict(index)) for column, index in enumerate(checked) if index]
        self._by_tag = {tag: frozenset(rules) for tag, rules in by_tag.items()}
        self._by_lower = {lower: frozenset(rules) for lower, rules in by_lower.items()}
        self._by_both = {pair: frozenset(rules) for pair, rules in by_both.items()}
        # The attributes any rule sets, as columns of the arrays written back.
        self._attrs = sorted({attr for attrs in self._rules for attr in attrs})
        self._column = {attr: col for col, attr in enumerate(self._attrs)}
        # The merged assignments of the dict rules, per tag and per
        # (lower form, tag) for the few lower forms some rule names; bounded
        # by those forms times the tag set, however much text is read.
        self._named_lowers = set(self._by_lower) | {lower for lower, _ in self._by_both}
        self._by_tag_merged = {tag: self._merge(rules) for tag, rules in self._by_tag.items()}
        self._merged_cache: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}

    def _merge(self, rules: Iterable[int]) -> tuple[tuple[int, int], ...]:
        """(column, value) pairs from applying ``rules`` in the ruler's order:
        where two set the same attribute, the later rule's value stands."""
        merged: dict[int, int] = {}
        for rule in sorted(rules):
            merged.update(self._rules[rule])
        return tuple((self._column[attr], value) for attr, value in merged.items())

    def _dict_rules(self, lower: int, tag: int) -> frozenset[int]:
        empty = frozenset()
        return (self._by_tag.get(tag, empty) | self._by_lower.get(lower, empty)
                | self._by_both.get((lower, tag), empty))

    def _merged(self, lower: int, tag: int) -> tuple[tuple[int, int], ...]:
        if lower not in self._named_lowers:
            return self._by_tag_merged.get(tag, ())
        key = (lower, tag)
        merged = self._merged_cache.get(key)
        if merged is None:
            merged = self._merged_cache[key] = self._merge(self._dict_rules(lower, tag))
        return merged

    def _matcher_rules(self, doc: Doc) -> dict[int, list[int]]:
        """Rule numbers per token index from the Matcher's patterns. As the
        ruler does, ``index`` picks the token of the match the rule sets, and
        annotation the doc lacks (an unparsed doc's DEP) is no error."""
        hits: dict[int, list[int]] = defaultdict(list)
        for key, start, end in self._matcher(doc, allow_missing=True):
            rule = self._rule_of_match[key]
            index = self._indices[rule]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"attribute rule {rule}: index {index} is outside "
                                 f"its match {doc[start:end].text!r}")
            hits[target].append(rule)
        return hits

    def _checked_rules(self, rows: list[list[int]], hits: dict[int, list[int]]) -> None:
        """Adds to ``hits`` the rule numbers of the checked patterns that
        match, per token; ``rows`` are the tokens' ``_CHECKED_ATTRS``."""
        for column, index in self._checked:
            for i, row in enumerate(rows):
                for rule, tests in index.get(row[column], ()):
                    if all((row[c] in accepted) != negated for c, accepted, negated in tests):
                        hits[i].append(rule)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self._attrs:
            return doc
        # Every rule reads the annotation from before any rule applied, so
        # the rules are matched and the keys read before anything is written.
        keys = doc.to_array(_CHECKED_ATTRS).tolist()
        extra = self._matcher_rules(doc)
        self._checked_rules(keys, extra)
        values = doc.to_array(self._attrs).tolist()
        for i, (lower, tag, _, _) in enumerate(keys):
            if i in extra:
                merged = self._merge(self._dict_rules(lower, tag).union(extra[i]))
            else:
                merged = self._merged(lower, tag)
            row = values[i]
            for col, value in merged:
                row[col] = value
        doc.from_array(self._attrs, numpy.array(values, dtype=numpy.uint64))
        return doc

