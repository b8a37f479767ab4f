"""Sources and figures: who a sentence credits, what it quotes, and the
figures in it worth checking, each as spans of the sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from .sentence import FIGURE_LABELS, NAME_LABELS, TIME_LABELS, Sentence, clause_end, trim
from .words import ClaimWords


@dataclass(frozen=True)
class Source:
    span: Span
    kind: str                        # "named" | "unnamed" | "document" | "hedge" | "pronoun"
    verb: Token | None


# ---------------------------------------------------------------- sources


def find_sources(sentence: Sentence, words: ClaimWords) -> list[Source]:
    """Who the sentence credits: subjects of reporting verbs, 'according to X',
    hedges such as 'reportedly'. Named sources first."""
    doc = sentence.doc
    found: list[Source] = []
    seen: set[int] = set()
    for tok in doc:
        head = None
        verb = None
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            head = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            verb = tok
        elif tok.lemma_.lower() in words.quote_frame and (
                tok.pos_ == "VERB" and tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "compound")
                or tok.dep_ == "ROOT" and tok.tag_ == "NNS"):      # not "Copyright claims ... rose"
            # Participles without a subject ("..., confirming concerns") find none.
            subjects = sorted((c for c in tok.children if c.dep_ == "nsubj"),
                              key=lambda c: (not _source_like(c, words), abs(c.i - tok.i)))
            head = subjects[0] if subjects else None
            if head is not None and tok.lemma_ in words.evidence and not _source_like(head, words):
                head = None                                 # "the absence ... may indicate"
            if head is not None and tok.lemma_ in ("find", "show", "reveal") \
                    and head.lemma_.lower() not in words.document_sources \
                    and not any(c.dep_ == "ccomp" for c in tok.children):
                head = None                                 # "search teams found two survivors"
            if head is None and tok.dep_ == "ROOT" and tok.i > 0 and doc[tok.i - 1].dep_ == "compound":
                head = doc[tok.i - 1]                       # "..., the bank predicts." misparsed
            verb = tok
            if head is not None and tok.lemma_.lower() not in words.reporting and not quoted(sentence):
                head = None
        if head is None or head.i in seen or head.lower_ in words.first_second or head.lower_ in (
                "it", "this", "that", "which", "who", "there", "what"):
            continue
        seen.add(head.i)
        span = _source_phrase(head)
        found.append(Source(span, _source_kind(sentence, span, words), verb))
    hedge = words.hedges.search(sentence.text)
    if hedge:
        span = doc.char_span(hedge.start(), hedge.end(), alignment_mode="expand")
        found.append(Source(span, "hedge", None))
    order = {"named": 0, "unnamed": 1, "document": 2, "hedge": 3, "pronoun": 4}
    return sorted(found, key=lambda s: order[s.kind])


def _source_like(tok: Token, words: ClaimWords) -> bool:
    return tok.lemma_.lower() in words.source_nouns or tok.pos_ in ("PROPN", "PRON")


def drop_initial_article(span: Span) -> Span:
    """'The head of the White House' mid-note reads 'head of the White House'."""
    doc = span.doc
    if span.start == 0 and len(span) > 1 and doc[0].pos_ == "DET" and doc[0].text[:1].isupper() \
            and doc[1].pos_ != "PROPN":                 # but "The White House" keeps its article
        return doc[1: span.end]
    return span


def _source_kind(sentence: Sentence, span: Span, words: ClaimWords) -> str:
    head = span.root
    if head.pos_ == "PRON":
        return "pronoun"
    lemma = head.lemma_.lower()
    names = sentence.mentions_in(NAME_LABELS, within=span)
    if any(m.label_ == "PERSON" for m in names):
        return "named"
    if lemma in words.people_sources:
        return "unnamed"
    if lemma in words.document_sources and not names:
        return "document"
    if head.tag_ == "NNS" and lemma != "police" and not any(
            t.pos_ == "PROPN" or t.dep_ in ("det", "poss") for t in span) and not names:
        return "unnamed"                                # "insurers say", "Campaigners claim"
    return "named"


def _source_phrase(tok: Token) -> Span:
    """The source's noun phrase: its left modifiers and short right ones
    ("officials familiar with the matter"), never a relative clause."""
    doc = tok.doc
    left = min((c.left_edge.i for c in tok.lefts if c.dep_ not in ("punct", "cc", "mark")), default=tok.i)
    right = tok.i
    for child in tok.rights:
        if child.dep_ == "punct" and child.i == right + 1 and any(
                c.dep_ == "appos" and c.i > child.i for c in tok.rights):
            continue                                        # ", Neil Ahern," follows
        if child.dep_ in ("relcl", "acl", "punct", "cc", "conj"):
            if child.dep_ == "conj":                        # "Kyiv and its allies"
                right = child.right_edge.i if child.right_edge.i - left < 8 else right
            break
        if child.dep_ in ("amod", "prep", "compound", "appos", "pobj", "nummod", "npadvmod"):
            if child.right_edge.i - left >= 10:
                break
            right = child.right_edge.i
    while doc[left].is_punct and left < right:
        left += 1
    while doc[right].is_punct and right > left:
        right -= 1
    return doc[left: right + 1]


def quoted(sentence: Sentence) -> Span | None:
    """The quoted words of the sentence, without the marks; a sentence that
    only closes (or only opens) a quotation counts from its edge."""
    text = sentence.text
    marks = [m for m in re.finditer(r"[\"“”«»]", text)]
    if not marks:
        return None
    first = marks[0]
    if first.group() in "”»" or (first.group() == '"' and len(marks) == 1 and first.start() > len(text) / 2):
        start, end = 0, first.start()
    elif len(marks) >= 2:
        start, end = first.end(), marks[1].start()
    else:
        start, end = first.end(), len(text)
    span = sentence.doc.char_span(start, end, alignment_mode="contract")
    if span is None or len(span) == 0:
        return None
    return trim(span, limit=40)


# ---------------------------------------------------------------- figures


def find_figures(sentence: Sentence, words: ClaimWords) -> list[Span]:
    """Figures worth checking: money, percentages, amounts, counts ("379",
    "Seven people"); not "one of", not "the two countries", not a list
    marker (a day of the month or a year is a DATE mention, not a figure)."""
    doc = sentence.doc
    found = []
    for figure in sentence.mentions_in(FIGURE_LABELS):
        if _list_marker(figure[0]):
            continue
        if figure.label_ == "CARDINAL" and not any(c.isdigit() for c in figure.text):
            after = doc[figure.root.i + 1].lower_ if figure.root.i + 1 < len(doc) else ""
            before = doc[figure.start - 1].lower_ if figure.start else ""
            if figure.text.lower() in words.number_words or after == "of" or before in words.definite:
                continue
        found.append(figure)
    return found


def _list_marker(tok: Token) -> bool:
    return tok.i == 0 and len(tok.doc) > 1 and tok.doc[1].text in ".)"


def figure_phrases(sentence: Sentence, figures: list[Span], words: ClaimWords) -> list[Span]:
    """Each figure's phrase, none overlapping the one before."""
    phrases: list[Span] = []
    for ent in figures:
        phrase = _figure_phrase(sentence, ent, words)
        if not phrases or phrase.start >= phrases[-1].end:
            phrases.append(phrase)
    return phrases


def _figure_phrase(sentence: Sentence, ent: Span, words: ClaimWords) -> Span:
    """The figure with what it counts ("379 passengers", "Seven people died",
    "Exports rose by 12 percent", "40 percent of children"): one contiguous
    stretch of the sentence, so that it can be a slot."""
    doc = ent.doc
    start, end = ent.start, ent.end
    root = ent.root
    counted = False
    if end + 1 < len(doc) and doc[end].lower_ in ("in", "to") and doc[end + 1].like_num \
            and sentence.mention_label(doc[end + 1]) not in TIME_LABELS:
        end += 2                                                  # 1 in 5 pupils, voted 31 to 12
        root = doc[end - 1]
    if root.dep_ in ("nummod", "quantmod") and root.head.i >= end and root.head.i - end <= 3:
        end, root, counted = root.head.i + 1, root.head, True     # 379 passengers
    of = next((c for c in root.rights if c.dep_ == "prep" and c.lower_ == "of" and c.i == end), None)
    if of is not None:
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.i - end <= 3:
            end, counted = pobj.i + 1, True                       # 40 percent of children
    if end < len(doc) and doc[end].lemma_.lower() in words.casualty and doc[end].pos_ in ("ADJ", "VERB"):
        return doc[start: end + 1]                                # Seven dead, 104 injured
    verb = root.head
    if root.dep_ in ("nsubj", "nsubjpass") and verb.i >= end and verb.i - end <= 3:
        end = verb.i + 1                                          # Seven people died
        if verb.lemma_ == "be":                                   # ... were without power
            end = min(clause_end(doc, end, limit=4), len(doc))
        else:
            obj = next((c for c in verb.rights if c.dep_ in ("dobj", "acomp", "attr", "oprd")), None)
            if obj is not None and obj.i == end:
                end = obj.i + 1
    elif root.dep_ == "pobj" and verb.dep_ == "prep" and verb.head.pos_ in ("VERB", "AUX") \
            and verb.head.i < start and start - verb.head.i <= 3:
        head = verb.head                                          # rents ... rose by 14 percent
        subj = next((c for c in head.lefts if c.dep_ in ("nsubj", "nsubjpass")), None)
        start = subj.left_edge.i if subj is not None and head.i - subj.left_edge.i <= 5 else head.i
    elif not counted and root.dep_ in ("dobj", "npadvmod", "attr") and verb.pos_ in ("VERB", "AUX") \
            and verb.i < start and start - verb.i <= 2:
        head = verb                                               # revenue fell 20%
        subj = next((c for c in head.lefts if c.dep_ in ("nsubj", "nsubjpass")), None)
        start = subj.left_edge.i if subj is not None and head.i - subj.left_edge.i <= 5 else head.i
    phrase = trim(doc[start:end], limit=12)
    return phrase if len(phrase) else ent
