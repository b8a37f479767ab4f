"""Claims: which sentences are check-worthy, of what type, and what to check.

Two components, in the two pipelines of ``pipeline.py``:

- ``ClaimScorer`` runs on every sentence of every block (cheap pipeline: no
  tagger, parser or NER) and writes a check-worthiness probability per
  sentence to ``doc._.claim_scores``.
- ``ClaimEvidence`` runs only on the sentences that scored high enough, with
  the full tagger/parser/NER, and writes ``doc._.claim_evidence``: ``None``
  when the sentence is page furniture or bare opinion, else its type, label
  and a note whose slots point at the evidence in the sentence itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .flags import Note

# ---------------------------------------------------------------- scoring


class ClaimScorer:
    """Scores each sentence with the claim model (``predict(texts)``)."""

    def __init__(self, nlp: Language, name: str, model):
        self.name = name
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 64):
        # Score the sentences of a whole batch of blocks in one model call.
        batch = list(docs)
        sents = [[s for s in doc.sents] for doc in batch]
        texts = [s.text.strip() for group in sents for s in group]
        scores = iter(self.model.predict(texts) if texts else [])
        for doc, group in zip(batch, sents):
            doc._.claim_scores = [next(scores) for _ in group]
            yield doc


# ---------------------------------------------------------------- evidence

REPORTING_LEMMAS = {
    "say", "tell", "write", "post", "tweet", "state", "claim", "report", "announce", "confirm", "add",
    "warn", "insist", "allege", "argue", "estimate", "find", "show", "reveal",
    "declare", "note", "explain", "accuse", "deny", "admit", "acknowledge",
}
UNNAMED_SOURCE_HEADS = {
    "expert", "source", "official", "analyst", "scientist", "researcher",
    "study", "report", "survey", "critic", "observer", "insider", "doctor",
    "economist", "people", "witness", "resident", "authority", "investigator",
}
CAUSAL_MARKERS = re.compile(
    r"\b(because|due to|caused|causes|cause|led to|leads to|lead to|result(?:ed|s)? in|"
    r"as a result of|owing to|thanks to|blamed on|triggered|linked to)\b", re.I)
PREDICTION_MARKERS = re.compile(
    r"\b(will|is expected to|are expected to|is set to|are set to|forecasts?|"
    r"predicts?|is likely to|are likely to|projected to|by 20\d\d)\b", re.I)
CASUALTY_LEMMAS = {"die", "kill", "injure", "wound", "dead", "injury", "casualty", "death", "victim"}
FIGURE_ENTS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
SOURCE_ENTS = {"PERSON", "ORG", "NORP", "GPE"}
PLACE_ENTS = {"GPE", "LOC", "FAC"}

# Lines every site repeats: never claims, however they score.
FURNITURE = re.compile(
    r"^(read more|related|share|subscribe|sign up|sign in|log in|advertisement|"
    r"cookies?|accept|photo|image|credit|getty|reuters|ap photo|copyright|©|all rights reserved|"
    r"posted|updated|published|by [A-Z]|follow us|click here|comments?|next|previous|"
    r"skip to|menu|home|search|newsletter|watch|listen)\b", re.I)
OPINION_OPENERS = re.compile(
    r"^(i|we) (think|believe|feel|hope|wish|love|hate|suspect|guess)\b|"
    r"^in my (view|opinion)\b|^(personally|frankly|honestly)\b", re.I)


@dataclass(frozen=True)
class Evidence:
    type: str
    label: str
    note: Note                       # slots relative to the sentence doc


class ClaimEvidence:
    """Vetoes furniture and bare opinion; types the claim and writes its note."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.claim_evidence = None if self._is_furniture_or_opinion(doc) else _evidence(doc)
        return doc

    @staticmethod
    def _is_furniture_or_opinion(doc: Doc) -> bool:
        text = doc.text.strip()
        if FURNITURE.match(text) and len(doc) < 16:
            return True
        # A heading, byline, date line or caption credit has no finite verb.
        if not any(t.pos_ in ("VERB", "AUX") for t in doc):
            return True
        if text.endswith("?"):
            return True
        figures = any(e.label_ in FIGURE_ENTS for e in doc.ents)
        return bool(OPINION_OPENERS.match(text)) and not figures


def _evidence(doc: Doc) -> Evidence:
    for find in (_quote, _statistic, _unnamed_source, _attribution,
                 _causal, _comparison, _prediction):
        found = find(doc)
        if found is not None:
            return found
    return _event(doc)


def _slots(*spans) -> tuple[tuple[int, int], ...]:
    return tuple((s.start_char, s.end_char) for s in spans)


def _join_template(n: int) -> str:
    return ", ".join("{%d}" % i for i in range(n))


def _speaker(doc: Doc) -> Span | None:
    """The named subject of a reporting verb, or the object of 'according to'."""
    for tok in doc:
        if tok.lemma_ == "accord" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            objs = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _phrase(objs[0])
        if tok.lemma_ in REPORTING_LEMMAS and tok.pos_ == "VERB":
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return _phrase(child)
    return None


def _phrase(tok: Token) -> Span:
    """The token's subtree without a trailing comma or clause."""
    left = tok.left_edge.i
    right = tok.i
    for t in tok.rights:
        if t.dep_ in ("compound", "amod", "appos", "prep", "pobj", "poss", "nummod") and t.i == right + 1:
            right = t.right_edge.i
    return tok.doc[left: right + 1]


def _named(span: Span | None) -> bool:
    return span is not None and any(t.ent_type_ in SOURCE_ENTS or t.pos_ == "PROPN" for t in span)


def _quote(doc: Doc) -> Evidence | None:
    if not re.search(r"[\"“”]", doc.text):
        return None
    speaker = _speaker(doc)
    if not _named(speaker):
        return None
    return Evidence("quote", "Quote", Note(
        "Quotes {0}: check the words against the original statement or recording.",
        _slots(speaker)))


def _statistic(doc: Doc) -> Evidence | None:
    figures = [e for e in doc.ents if e.label_ in FIGURE_ENTS]
    if not figures:
        return None
    figures = figures[:3]
    lemmas = {t.lemma_.lower() for t in doc}
    if lemmas & CASUALTY_LEMMAS:
        label = "Casualty figures"
    elif any(e.label_ == "MONEY" for e in figures):
        label = "Money figures"
    elif any(e.label_ == "PERCENT" for e in figures):
        label = "Percentages"
    else:
        label = "Figures"
    template = f"Figures ({_join_template(len(figures))})"
    spans = list(figures)
    speaker = _speaker(doc)
    if speaker is not None:
        template += ", per {%d}" % len(spans)
        spans.append(speaker)
    template += ": check them against an official or independent source."
    return Evidence("statistic", label, Note(template, _slots(*spans)))


def _unnamed_source(doc: Doc) -> Evidence | None:
    speaker = _speaker(doc)
    candidates = [speaker] if speaker is not None else []
    candidates += [_phrase(t) for t in doc if t.dep_ in ("nsubj", "nsubjpass")
                   and t.lemma_.lower() in UNNAMED_SOURCE_HEADS and t.head.lemma_ in REPORTING_LEMMAS]
    for span in candidates:
        head = span.root
        if head.lemma_.lower() in UNNAMED_SOURCE_HEADS and not _named(span):
            return Evidence("unnamed_source", "Unnamed source", Note(
                "Rests on unnamed {0}: look for who they are and what they base it on.",
                _slots(span)))
    return None


def _attribution(doc: Doc) -> Evidence | None:
    speaker = _speaker(doc)
    if not _named(speaker):
        return None
    return Evidence("attribution", "Attributed claim", Note(
        "Attributed to {0}: check that they said it, and whether it holds up.",
        _slots(speaker)))


def _causal(doc: Doc) -> Evidence | None:
    match = CAUSAL_MARKERS.search(doc.text)
    if not match:
        return None
    marker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
    after = doc[marker.end:]
    before = doc[:marker.start]
    if len(after) == 0 or len(before) == 0:
        return None
    cause, effect = (after, before) if match.group(1).lower() in (
        "because", "due to", "as a result of", "owing to", "thanks to", "blamed on") else (before, after)
    return Evidence("causal", "Cause and effect", Note(
        "Claims that {0} led to {1}: check whether the link is shown, not just asserted.",
        _slots(_trim(cause), _trim(effect))))


def _comparison(doc: Doc) -> Evidence | None:
    for tok in doc:
        if tok.tag_ in ("JJR", "RBR", "JJS", "RBS") and tok.lower_ not in ("more", "most", "less", "least") \
                or (tok.lower_ in ("more", "less", "fewer") and any(t.lower_ == "than" for t in doc[tok.i:])):
            than = next((t for t in doc[tok.i:] if t.lower_ == "than"), None)
            if than is not None and than.i + 1 < len(doc):
                other = _trim(doc[than.i + 1: _clause_end(doc, than.i + 1)])
                return Evidence("comparison", "Comparison", Note(
                    "Compares with {0} ({1}): check both sides use the same measure.",
                    _slots(other, doc[tok.i: tok.i + 1])))
            return Evidence("comparison", "Comparison", Note(
                "Makes a comparison ({0}): check what it is measured against.",
                _slots(doc[tok.left_edge.i: tok.i + 1] if tok.left_edge.i >= tok.i - 2 else doc[tok.i: tok.i + 1])))
    return None


def _prediction(doc: Doc) -> Evidence | None:
    match = PREDICTION_MARKERS.search(doc.text)
    if not match:
        return None
    start = doc.char_span(match.start(), match.end(), alignment_mode="expand")
    span = _trim(doc[start.start: _clause_end(doc, start.end, limit=8)])
    return Evidence("prediction", "Prediction", Note(
        "A forecast ({0}): it can't be checked yet; ask who makes it and on what basis.",
        _slots(span)))


def _event(doc: Doc) -> Evidence:
    when = next((e for e in doc.ents if e.label_ in ("DATE", "TIME")), None)
    where = next((e for e in doc.ents if e.label_ in PLACE_ENTS), None)
    if when is not None and where is not None:
        return Evidence("event", "Factual claim", Note(
            "Reports an event ({0}, {1}): check it against an official or second independent report.",
            _slots(when, where)))
    root = next((t for t in doc if t.dep_ == "ROOT"), doc[0])
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    spans = ([_phrase(subj)] if subj is not None else []) + [doc[root.i: root.i + 1]]
    template = "States that " + " ".join("{%d}" % i for i in range(len(spans)))
    if (when or where) is not None:
        template += " ({%d})" % len(spans)
        spans.append(when or where)
    template += ": look for a second source that confirms it."
    return Evidence("event", "Factual claim", Note(template, _slots(*spans)))


def _clause_end(doc: Doc, start: int, limit: int = 12) -> int:
    end = start
    while end < len(doc) and end - start < limit and doc[end].text not in (",", ";", ":", ".", "!", "?", "—", "–"):
        end += 1
    return max(end, start + 1) if start < len(doc) else start


def _trim(span: Span) -> Span:
    """Drops punctuation and conjunctions at either edge."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].pos_ in ("CCONJ", "SCONJ") or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].pos_ in ("CCONJ", "SCONJ") or doc[end - 1].is_space):
        end -= 1
    if end - start > 12:
        end = start + 12
    return doc[start:end] if end > start else span
