"""Typing and notes: the claim's type, its label and the note that names
its evidence.

A note's template is fixed wording; every page word in it arrives through a
slot, a (start_char, end_char) range of the sentence, because the cache keeps
templates and offsets, never page text. Slots are chosen to be noun phrases
or clauses that read well in the template whatever their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..flags import Note
from .sentence import FIGURE_LABELS, TIME_LABELS, Sentence, clause_end, root, trim
from .sources import Source, drop_initial_article, figure_phrases, quoted
from .words import ClaimWords


@dataclass(frozen=True)
class Evidence:
    type: str
    label: str
    note: Note                       # slots relative to the sentence doc


# Priority, most specific check first:
# 1. prediction: a forecast cannot be looked up yet; any figure in it is a
#    projection, so sending the reader to an official count would mislead.
# 2. unnamed_source: when all that backs a claim is "experts say", who they
#    are is the first question, whatever the claim holds (figures are named too).
# 3. statistic: numbers are the most checkable and most often distorted
#    content; the note still names who gave them.
# 4. quote: words in quotation marks with a speaker: check the original.
# 5. causal and 6. comparison: the claim's structure is what to check.
# 7. attribution: reported speech, named source, none of the above.
# 8. event: a plain factual statement; the note names actor, date and place.


def type_claim(sentence: Sentence, figures: list[Span], sources: list[Source],
               words: ClaimWords) -> Evidence:
    """The claim's type, label and note, from the sentence, its figures
    (``find_figures``) and its sources (``find_sources``)."""
    for find in (_prediction, _unnamed_source, _statistic, _quote, _causal, _comparison,
                 _attribution):
        found = find(sentence, figures, sources, words)
        if found is not None:
            return found
    return _event(sentence, figures, sources, words)



def _slots(*spans) -> tuple[tuple[int, int], ...]:
    return tuple((s.start_char, s.end_char) for s in spans)


def _credit(template: str, spans: list, sources: list[Source], *, pronoun_ok: bool = False) -> str:
    """Adds ", per {n}" naming the first source that reads well after 'per'."""
    readable = ("named", "unnamed", "document")
    source = next((s for s in sources if s.kind in readable or pronoun_ok and s.kind == "pronoun"
                   and s.span.root.lower_ in ("him", "her", "them")), None)
    if source is None:
        return template
    spans.append(drop_initial_article(source.span))
    return template + ", per {%d}" % (len(spans) - 1)


def _prediction(sentence: Sentence, figures: list[Span], sources: list[Source],
                words: ClaimWords) -> Evidence | None:
    doc = sentence.doc
    for match in words.future.finditer(sentence.text):
        marker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if len(marker) == 1 and marker.root.pos_ not in ("AUX", "VERB"):
            continue                                    # "the will of the people"
        verb = marker.root.head if marker.root.dep_ in ("aux", "auxpass") else marker.root
        # Only the sentence's own claim: not 'a conversation that will lead to'.
        if any(a.dep_ in ("relcl", "acl", "advcl", "pcomp") for a in [verb, *verb.ancestors]):
            continue
        subj = next((c for c in verb.lefts if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        start = subj.left_edge.i if subj is not None and marker.start - subj.left_edge.i <= 6 else marker.start
        span = trim(doc[start: clause_end(doc, marker.end, limit=9)])
        spans = [span]
        template = _credit("A forecast ({0})", spans, sources)
        return Evidence("prediction", "Prediction", Note(
            template + ": it can't be checked yet; ask what it is based on.", _slots(*spans)))
    return None


def _unnamed_source(sentence: Sentence, figures: list[Span], sources: list[Source],
                    words: ClaimWords) -> Evidence | None:
    source = next((s for s in sources if s.kind in ("unnamed", "document", "hedge")), None)
    if source is None or any(s.kind == "named" for s in sources):
        return None
    spans = [source.span]
    phrases = [f for f in figure_phrases(sentence, figures, words)[:2] if not _overlaps(f, source.span)]
    if source.kind == "hedge":
        template = "Hedged as “{0}” with no source named"
        ask = ": look for who reports it and on what evidence."
    elif source.kind == "document":
        template = "Unidentified source ({0})"
        ask = ": look for the document itself, who produced it and how."
    else:
        template = "Unnamed source ({0})"
        ask = ": ask who they are and what they base it on."
    claim = _reported_clause(source)
    if phrases:
        template += " for the figures (" + _join(len(spans), len(phrases)) + ")"
        spans += phrases
    elif claim is not None and source.kind != "hedge":
        template += " for “{%d}”" % len(spans)
        spans.append(claim)
    return Evidence("unnamed_source", "Unnamed source", Note(template + ask, _slots(*spans)))


def _reported_clause(source: Source) -> Span | None:
    """What the source is said to have said: the reporting verb's clausal
    complement, from its subject to the first break, when that is short and
    clean ("Zelensky is afraid to stop the fighting"); else nothing."""
    if source.verb is None:
        return None
    comp = next((c for c in source.verb.children if c.dep_ == "ccomp"), None)
    if comp is None:
        return None
    doc = comp.doc
    subj = next((c for c in comp.lefts if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is None or comp.i - subj.left_edge.i > 5:
        return None
    end = comp.i + 1
    while end <= comp.right_edge.i and not (doc[end].is_punct or doc[end].dep_ in ("mark", "cc")
                                           or doc[end].tag_ in ("``", "''")):
        end += 1
    clause = doc[subj.left_edge.i: end]
    if len(clause) > 11 or _overlaps(clause, source.span):
        return None
    return trim(clause)


def _join(first: int, n: int) -> str:
    return ", ".join("{%d}" % i for i in range(first, first + n))


def _statistic(sentence: Sentence, figures: list[Span], sources: list[Source],
               words: ClaimWords) -> Evidence | None:
    if not figures:
        return None
    phrases = figure_phrases(sentence, figures, words)[:3]
    lemmas = {t.lemma_.lower() for t in sentence.doc}
    if lemmas & words.casualty:
        label, check = "Casualty figures", "check them against an official or independent toll."
    elif any(e.label_ == "MONEY" for e in figures):
        label, check = "Money figures", "check them against the budget, filing or accounts they come from."
    elif any(e.label_ == "PERCENT" for e in figures):
        label, check = "Percentages", "check what they are a share of, and the period they cover."
    else:
        label, check = "Figures", "check them against an official or independent source."
    spans = list(phrases)
    template = _credit("Figures (" + _join(0, len(spans)) + ")", spans, sources, pronoun_ok=True)
    return Evidence("statistic", label, Note(template + ": " + check, _slots(*spans)))


def _quote(sentence: Sentence, figures: list[Span], sources: list[Source],
           words: ClaimWords) -> Evidence | None:
    quotation = quoted(sentence)
    if quotation is None:
        return None
    speaker = next((s for s in sources if s.kind in ("named", "unnamed", "document")), None)
    framed = speaker is not None and speaker.verb is not None
    if len(quotation) < 3 and not framed:
        return None                                     # scare quotes, not a quotation
    if speaker is not None:
        return Evidence("quote", "Quote", Note(
            "Quotes {0} (“{1}”): check the words against the original statement or recording.",
            _slots(drop_initial_article(speaker.span), quotation)))
    if len(quotation) < 4:
        return None
    return Evidence("quote", "Quote", Note(
        "Quoted words (“{0}”) with the speaker named elsewhere: find the original statement.",
        _slots(quotation)))


def _causal(sentence: Sentence, figures: list[Span], sources: list[Source],
            words: ClaimWords) -> Evidence | None:
    doc = sentence.doc
    lowered = tuple(t.lower_ for t in doc)
    for i, tok in enumerate(doc):
        for parts in words.cause_after:
            if lowered[i: i + len(parts)] != parts:
                continue
            end = i + len(parts)
            if end >= len(doc):
                continue
            if tok.dep_ == "mark" or (tok.lower_ == "because" and len(parts) == 1):
                cause = doc[end: tok.head.right_edge.i + 1]
                governor = tok.head.head if tok.dep_ == "mark" else tok.head
            else:
                cause = doc[end: max(t.right_edge.i for t in doc[i:end]) + 1]
                governor = tok.head if tok.head.i < i or tok.head.i >= end else doc[i:end].root.head
            subj = next((c for c in governor.children if c.dep_ == "nsubjpass"), None)
            if tok.tag_ == "VBN" and subj is not None:
                effect = _noun_phrase(subj)                 # "The strike was caused by ..."
            else:
                effect = _effect_clause(doc, governor, i, cause.end)
            if effect is None or len(cause) == 0:
                continue
            return _causal_note(trim(cause), effect)
        lemma = tok.lemma_.lower()
        if lemma in words.cause_before and tok.pos_ == "VERB":
            prep = words.cause_before_prep.get(lemma)
            obj = None
            if prep:
                p = next((c for c in tok.rights if c.dep_ == "prep" and c.lower_ == prep), None)
                obj = next((c for c in p.children if c.dep_ == "pobj"), None) if p is not None else None
            else:
                obj = next((c for c in tok.rights if c.dep_ == "dobj"), None)
            subj = next((c for c in tok.lefts if c.dep_ == "nsubj"), None)
            if (subj is None and tok.dep_ == "acl") or (
                    subj is not None and subj.lower_ in ("which", "that", "who") and tok.dep_ == "relcl"):
                subj = tok.head                             # "The actions, which ..., led to"
            if obj is None or subj is None or subj.pos_ == "PRON":
                continue
            return _causal_note(_noun_phrase(subj), trim(doc[obj.left_edge.i: obj.right_edge.i + 1]))
    return None


def _effect_clause(doc: Doc, governor: Token, marker_start: int, cause_end: int) -> Span | None:
    left, right = governor.left_edge.i, governor.right_edge.i + 1
    if marker_start > left:            # effect first: "Trains were cancelled because ..."
        subj = next((c for c in governor.lefts if c.dep_ in ("nsubj", "nsubjpass")), None)
        start = subj.left_edge.i if subj is not None else left
        span = doc[start: marker_start]
    else:                              # cause first: "Because of the strike, trains ..."
        span = doc[cause_end: right]
    span = trim(span)
    return span if len(span) and not all(t.is_punct for t in span) else None


def _causal_note(cause: Span, effect: Span) -> Evidence:
    return Evidence("causal", "Cause and effect", Note(
        "Links a cause ({0}) to an effect ({1}): check the link is shown, not just asserted.",
        _slots(cause, effect)))


def _comparison(sentence: Sentence, figures: list[Span], sources: list[Source],
                words: ClaimWords) -> Evidence | None:
    doc = sentence.doc
    for tok in doc:
        if tok.lower_ == "than" and tok.i + 1 < len(doc):
            other = doc[tok.i + 1]
            if other.like_num or sentence.mention_label(other) in FIGURE_LABELS | TIME_LABELS \
                    or other.lower_ in ("a", "an", "ever", "usual", "expected", "planned"):
                continue                                   # "more than 300", not a comparison
            compared = next((doc[j] for j in range(tok.i - 1, max(tok.i - 7, -1), -1)
                             if doc[j].tag_ in ("JJR", "RBR") or doc[j].lower_ in ("more", "less", "fewer")),
                            None)
            if compared is None or doc[tok.i - 1].lower_ in ("rather", "other"):
                continue
            # The claim's two sides: its subject, and "safer than drivers on the ring road".
            claim = trim(doc[compared.i: clause_end(doc, tok.i + 1, limit=8)])
            subj = next((c for a in [compared, *compared.ancestors] for c in a.children
                         if c.dep_ in ("nsubj", "nsubjpass") and c.i < compared.i), None)
            if subj is None or subj.pos_ == "PRON":
                return Evidence("comparison", "Comparison", Note(
                    "Comparison ({0}): check both sides use the same measure and period.", _slots(claim)))
            return Evidence("comparison", "Comparison", Note(
                "Comparison ({0}: {1}): check both sides use the same measure and period.",
                _slots(_noun_phrase(subj, prep=True), claim)))
        if re.fullmatch(r"compared|up|down", tok.lower_) and tok.i + 2 < len(doc) \
                and doc[tok.i + 1].lower_ in ("with", "to", "from"):
            other = trim(doc[tok.i + 2: clause_end(doc, tok.i + 2, limit=8)])
            before = trim(doc[max(0, tok.i - 8): tok.i])
            return Evidence("comparison", "Comparison", Note(
                "Comparison ({0} versus {1}): check both sides use the same measure and period.",
                _slots(before, other)))
    for tok in doc:
        if tok.tag_ in ("JJS", "RBS") and tok.lower_ not in ("latest", "last", "least", "most") \
                or (tok.lower_ == "most" and tok.dep_ == "advmod" and tok.head.pos_ == "ADJ"):
            adj = tok.head if tok.lower_ == "most" else tok
            noun = adj.head if adj.dep_ == "amod" and adj.head.i > adj.i else None
            span = doc[tok.i: (noun.i if noun is not None and noun.i - tok.i <= 4 else adj.i) + 1]
            return Evidence("comparison", "Superlative", Note(
                "Superlative ({0}): check what it is ranked against, and on what measure.",
                _slots(span)))
    return None


def _attribution(sentence: Sentence, figures: list[Span], sources: list[Source],
                 words: ClaimWords) -> Evidence | None:
    source = next((s for s in sources if s.kind in ("named", "pronoun")), None)
    if source is None:
        return None
    if source.kind == "named":
        return Evidence("attribution", "Attributed claim", Note(
            "Attributed to {0}: check they said it, and whether it holds up.",
            _slots(drop_initial_article(source.span))))
    return Evidence("attribution", "Attributed claim", Note(
        "Attributed to someone named earlier on the page (“{0}”): find who, and check they said it.",
        _slots(source.span)))


def _event(sentence: Sentence, figures: list[Span], sources: list[Source],
           words: ClaimWords) -> Evidence:
    times = sentence.mentions_in(TIME_LABELS)
    when = next((m for m in times if words.specific_date.search(m.text)), None) or next(iter(times), None)
    where = next((m for m in sentence.mentions_in({"PLACE"})
                  if m.root.tag_ != "JJ" and m.root.dep_ != "amod"), None)
    head = root(sentence.doc)
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    actor = _noun_phrase(subj) if subj is not None and subj.pos_ != "PRON" else None
    spans = [actor] if actor is not None else []
    # An actor that opens the sentence opens the note, capital and all.
    initial = actor is not None and actor.start_char == 0
    template = "{0}" if initial else "Reports an event involving {0}" if actor is not None \
        else "Reports an event"
    found = [s for s in (when, where) if s is not None and (actor is None or not _overlaps(s, actor))]
    if found:
        template += " (" + _join(len(spans), len(found)) + ")"
        spans += found
    if initial:
        return Evidence("event", "Factual claim", Note(
            template + ": stated as fact with no source; check it against a second, independent report.",
            _slots(*spans)))
    if not spans:
        doc = sentence.doc
        claim = trim(doc[head.left_edge.i: clause_end(doc, head.i + 1, limit=8)])
        return Evidence("event", "Factual claim", Note(
            "States as fact “{0}”, with no source: look for a second report that confirms it.",
            _slots(claim)))
    return Evidence("event", "Factual claim", Note(
        template + ": check it against a second, independent report.", _slots(*spans)))


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _noun_phrase(tok: Token, prep: bool = False) -> Span:
    """A short noun phrase for the token: its left modifiers, an 'of'
    complement ("Part of the train"), short conjuncts and appositions."""
    doc = tok.doc
    left = min((c.left_edge.i for c in tok.lefts if c.dep_ not in ("punct", "cc", "prep", "advmod")),
               default=tok.i)
    right = tok.i
    of = next((c for c in tok.rights if c.dep_ == "prep" and (prep or c.lower_ == "of")), None)
    if of is not None:
        obj = next((c for c in of.children if c.dep_ == "pobj"), None)
        end = of.right_edge.i if of.right_edge.i - left <= 7 else obj.i if obj is not None else of.i
        right = end if end - left <= 7 and end > of.i else right    # composition of the delegation
    for child in tok.rights:
        if child.dep_ in ("compound", "appos") and child.right_edge.i - left <= 7 and child.i == right + 1:
            right = child.right_edge.i
        elif child.dep_ == "conj" and child.right_edge.i - left <= 9 and child.left_edge.i <= right + 2:
            right = child.right_edge.i                              # Putin and Donald Trump
    if right - left > 9:
        left = max(left, tok.i - 5)
        right = min(right, left + 9)
    return trim(doc[left: right + 1])


