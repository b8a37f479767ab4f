"""One candidate sentence as every part of the claim evidence reads it, and
the cuts they all make in its parse."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

# Mention labels (claim_mentions.py) by what the rules do with them.
FIGURE_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
TIME_LABELS = {"DATE", "TIME"}
NAME_LABELS = {"PERSON", "ORG", "PLACE", "NAME"}
CLAUSE_BREAK = {",", ";", ":", ".", "!", "?", "—", "–", "(", ")", '"', "“", "”"}


@dataclass(frozen=True)
class Sentence:
    """The sentence's doc with what many rules read, worked out once:
    ``Doc.text`` joins the tokens anew on every read, and a SpanGroup makes
    new Spans each time it is iterated."""
    doc: Doc
    text: str
    mentions: tuple[Span, ...]         # in order of their start

    def mentions_in(self, labels: set[str], within: Span | None = None) -> list[Span]:
        """The mentions with one of ``labels`` in the sentence, or inside a span of it."""
        start, end = (0, len(self.doc)) if within is None else (within.start, within.end)
        return [m for m in self.mentions if m.label_ in labels and start <= m.start and m.end <= end]

    def mention_label(self, tok: Token) -> str:
        """The label of the mention the token is part of, or ""."""
        return next((m.label_ for m in self.mentions if m.start <= tok.i < m.end), "")


def root(doc: Doc) -> Token:
    return next((t for t in doc if t.dep_ == "ROOT"), doc[0])


def clause_end(doc: Doc, start: int, limit: int = 12) -> int:
    end = start
    while end < len(doc) and end - start < limit and doc[end].text not in CLAUSE_BREAK:
        end += 1
    return max(end, start + 1) if start < len(doc) else start


def trim(span: Span, limit: int = 12) -> Span:
    """Drops punctuation, conjunctions and 'that' at either edge, and words
    that would dangle at the end of a cut ("to the bill for"); caps the length."""
    start, end = span.start, span.end
    doc = span.doc

    def edge(t: Token) -> bool:
        return (t.is_punct and t.text != "%" or t.is_space or t.pos_ in ("CCONJ", "SCONJ")
                or t.lower_ == "that" and t.dep_ == "mark")

    def dangling(t: Token) -> bool:
        return edge(t) or t.pos_ in ("ADP", "DET", "PART", "AUX") and t.i + 1 < len(doc) \
            and not doc[t.i + 1].is_punct

    while start < end and edge(doc[start]):
        start += 1
    while end > start and edge(doc[end - 1]):
        end -= 1
    end = min(end, start + limit)
    while end > start + 1 and (dangling(doc[end - 1]) if end < len(doc) and not doc[end].is_punct
                               else edge(doc[end - 1])):
        end -= 1                                        # cut mid-clause: no dangling "for"
    return doc[start:end] if end > start else span
