"""A cheap test in front of a spaCy Matcher: which of its patterns could match here.

Most sentences leave most patterns no chance, and a Matcher run costs far
more per sentence than a few dictionary lookups. A pattern can only match a
stretch of a doc that holds, for every test of every required token, some
token that passes it. A token is required unless its ``OP`` lets it match
nothing (``?``, ``*``, ``!``, counts); its tests are the values it asks of
the keys read here: lower-case text (``LOWER``), text (``ORTH``, ``TEXT``)
and part of speech (``POS``), each as one value, an ``IN`` list or, for the
texts, a ``REGEX``. Other attributes are not tested. So skipping a pattern
whose tests fail changes no match, and a pattern with no test always runs.

Both Matchers that use it, the claim mentions' and the disclosure cues',
read only the keys their patterns test, as the hashes ``Doc.to_array``
gives, never a Token per word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc

_KEYS = ("LOWER", "ORTH", "POS")


class MatcherGate:
    """``for_doc(doc)`` gives ``possible(start, end)``: the indexes (into
    the patterns given) of the patterns that may match in ``doc[start:end]``."""

    _REGEX_CACHE_SIZE = 100_000                # words; the cache is emptied when full

    def __init__(self, patterns: Sequence[list[dict]]):
        # Each test is one bit. A key's hash maps to the bits of the tests it
        # passes, and a pattern's tests all pass where the stretch's hashes
        # together hold all its bits. A word's bits for the regular
        # expressions are worked out the first time the word is seen.
        self.masks: dict[str, dict[int, int]] = {key: {} for key in _KEYS}
        self.regexes: dict[str, list[tuple[re.Pattern, int]]] = {key: [] for key in _KEYS}
        self.regex_masks: dict[str, dict[int, int]] = {key: {} for key in _KEYS}
        self.needs: list[int] = []
        bit = 1
        for pattern in patterns:
            need = 0
            for spec in pattern:
                if spec.get("OP") not in (None, "+"):
                    continue                           # may match no token at all
                for key, test in _tests(spec):
                    if isinstance(test, re.Pattern):
                        self.regexes[key].append((test, bit))
                    else:
                        for h in test:
                            self.masks[key][h] = self.masks[key].get(h, 0) | bit
                    need |= bit
                    bit <<= 1
            self.needs.append(need)
        self.keys = [key for key in _KEYS if self.masks[key] or self.regexes[key]]

    def for_doc(self, doc: Doc) -> Callable[[int, int], tuple[int, ...]]:
        everything = tuple(range(len(self.needs)))
        if not self.keys:
            return lambda start, end: everything
        # One key alone comes back as a flat array.
        array = doc.to_array(self.keys).reshape(len(doc), len(self.keys))
        columns = [(key, array[:, i].tolist()) for i, key in enumerate(self.keys)]
        strings = doc.vocab.strings

        def possible(start: int, end: int, among: Sequence[int] = everything) -> tuple[int, ...]:
            passed = 0
            for key, column in columns:
                masks, regexes = self.masks[key], self.regexes[key]
                for h in set(column[start:end]):
                    passed |= masks.get(h, 0)
                    if regexes:
                        passed |= self._regex_mask(key, h, strings)
            return tuple(i for i in among if self.needs[i] & passed == self.needs[i])

        # Patterns that cannot match anywhere in the doc are dropped first.
        live = possible(0, len(doc))
        return lambda start, end: live if (start, end) == (0, len(doc)) or not live \
            else possible(start, end, live)

    def _regex_mask(self, key: str, h: int, strings: StringStore) -> int:
        cache = self.regex_masks[key]
        mask = cache.get(h)
        if mask is None:
            if len(cache) >= self._REGEX_CACHE_SIZE:
                cache.clear()
            word = strings[h]
            mask = cache[h] = sum(bit for regex, bit in self.regexes[key] if regex.search(word))
        return mask


def _tests(spec: dict):
    """The tests one token spec makes on the keys: (key, hashes or regex)."""
    for attr, key in (("LOWER", "LOWER"), ("ORTH", "ORTH"), ("TEXT", "ORTH"), ("POS", "POS")):
        value = spec.get(attr)
        ids = (lambda v: POS_IDS[v]) if key == "POS" else get_string_id
        if isinstance(value, str):
            yield key, {ids(value)}
        elif isinstance(value, dict):
            if isinstance(value.get("IN"), list):
                yield key, set(map(ids, value["IN"]))
            if isinstance(value.get("REGEX"), str) and key != "POS":
                yield key, re.compile(value["REGEX"])
