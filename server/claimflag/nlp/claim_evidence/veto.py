"""The veto: page furniture, bare opinion and the writer's own story are
not claims, whatever the claim model scored them.

Furniture is what sites repeat around an article (bylines, dates, credits,
"Read more", cookie and share lines, verbless headings); bare opinion is
stance with nothing a reader could look up; an anecdote is the writer
telling what happened to them.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from .sentence import NAME_LABELS, TIME_LABELS, Sentence, root
from .sources import Source, quoted
from .words import ClaimWords


def is_furniture(sentence: Sentence, figures: list[Span], words: ClaimWords) -> bool:
    doc = sentence.doc
    text = " ".join(sentence.text.split())
    if not text or not any(c.isalpha() for c in text):
        return True
    n_words = len(text.split())
    if n_words <= 40 and any(p.search(text) for p in words.furniture_lines):
        return True
    # A date or time alone ("Tuesday 4 March 2025, 10:32 GMT").
    in_times = {i for m in sentence.mentions_in(TIME_LABELS) for i in range(m.start, m.end)}
    if all(t.is_punct or t.is_space or t.i in in_times or t.like_num
           or t.lower_ in ("gmt", "utc", "bst", "cet", "et", "pt", "est", "edt", "am", "pm", "|")
           for t in doc):
        return True
    terminated = text.rstrip("\"'”’)]").endswith((".", "!", "?"))
    # Headings, bylines, captions and credits have no finite verb. A verbless
    # line keeps its flag only as a full stop-ended sentence with a figure.
    if not _has_finite_verb(doc) and not (terminated and figures):
        return True
    if not terminated and n_words <= 12:
        capitalised = [w for w in text.split() if w[:1].isalpha()]
        titled = sum(w[0].isupper() for w in capitalised)
        if len(capitalised) >= 2 and titled >= 0.7 * len(capitalised):
            return True                                   # Title Case Heading
        first = next((t for t in doc if t.is_alpha), doc[0])    # after a list number
        if first.lower_ in ("how", "why", "what", "when", "where", "who", "which"):
            return True                                   # "How the money was spent"
    return False


def _has_finite_verb(doc: Doc) -> bool:
    # A past participle heading the clause with a subject is a past tense the
    # tagger read as a participle: "The railway reopened on Saturday."
    return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or t.tag_ == "VBN" and t.dep_ == "ROOT"
               and any(c.dep_ == "nsubj" for c in t.children) for t in doc)


def is_bare_opinion(sentence: Sentence, figures: list[Span], sources: list[Source],
                    words: ClaimWords) -> bool:
    """Stance without anything a reader could look up."""
    doc = sentence.doc
    text = sentence.text.strip().lstrip("\"'“‘«(")
    cue = (bool(words.opinion_openers.match(text)) or text.rstrip("\"'”’)").endswith(("?", "!"))
           or _evaluative_copula(doc, words) or _deontic(doc, words) or _imperative(doc)
           or _sweeping(doc, words))
    return cue and not _checkable(sentence, figures, sources, words)


def is_anecdote(sentence: Sentence) -> bool:
    """The writer telling their own story, in the past: "I paid $40 for the
    tour." Its figures are the writer's experience, not a fact for the
    reader to check (on the web-claims train split, sentences whose main
    clause has "I" as subject are labelled not a claim 96 times in 103, and
    never check first). "I think 40% of ..." is stance around a fact, so the
    present tense is left to the other rules, and a quoted "I" is someone
    else speaking."""
    head = root(sentence.doc)
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ != "i":
        return False
    perfect = head.tag_ == "VBN" and any(c.lemma_ == "have" for c in head.children if c.dep_ == "aux")
    if head.tag_ != "VBD" and not perfect:
        return False
    words = quoted(sentence)
    return words is None or not (words.start <= subject.i < words.end)


def _evaluative_copula(doc: Doc, words: ClaimWords) -> bool:
    for tok in doc:
        if tok.lemma_ == "be" and tok.dep_ in ("ROOT", "ccomp"):
            for child in tok.children:
                if child.dep_ in ("attr", "acomp") and child.lemma_.lower() in words.evaluative:
                    return True
                if child.dep_ in ("attr", "acomp") and any(
                        g.lemma_.lower() in words.evaluative for g in _judged_by(child)):
                    return True
    return False


def _judged_by(attr):
    """The words that judge a predicate noun: "a *shameful* decision", "a
    monument to *vanity*"."""
    for g in attr.children:
        if g.dep_ == "amod":
            yield g
        elif g.dep_ == "prep" and g.lower_ == "to":
            yield from (o for o in g.children if o.dep_ == "pobj")


def _sweeping(doc: Doc, words: ClaimWords) -> bool:
    """'Nobody wants this', 'Our town deserves better': wants and deserts,
    or a claim about everyone, in the present tense."""
    head = root(doc)
    subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if head.lemma_ in ("deserve", "merit") or head.lemma_ in ("want", "need") and subj is not None \
            and subj.lower_ in words.first_second | {"nobody", "everyone", "everybody", "no"}:
        return True
    return subj is not None and subj.lower_ in ("nobody", "everyone", "everybody", "noone") \
        and head.tag_ in ("VBZ", "VBP", "MD")


def _deontic(doc: Doc, words: ClaimWords) -> bool:
    head = root(doc)
    aux = [head, *(c for c in head.children if c.dep_ in ("aux", "auxpass"))]
    if any(a.lower_ in ("should", "must", "ought", "shouldn't", "mustn't") for a in aux):
        return True
    return head.lemma_ in ("need", "have") and any(c.dep_ == "xcomp" for c in head.children) \
        and any(c.dep_ == "nsubj" and c.lower_ in words.first_second | {"they", "everyone"}
                for c in head.children)


def _imperative(doc: Doc) -> bool:
    head = root(doc)
    start = next((t for t in doc if not t.is_punct), head)
    return head.tag_ == "VB" and head.i == start.i and not any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in head.children) \
        or start.lower_ in ("do", "don't") and head.tag_ == "VB"


def _checkable(sentence: Sentence, figures: list[Span], sources: list[Source],
               words: ClaimWords) -> bool:
    if figures:
        return True
    if any(m.label_ == "DATE" and words.specific_date.search(m.text)
           for m in sentence.mentions_in(TIME_LABELS)):
        return True
    if any(s.kind != "pronoun" for s in sources):
        return True
    # A named party as the subject of a past action: "... Acme dumped waste".
    return any(t.dep_ in ("nsubj", "nsubjpass") and sentence.mention_label(t) in NAME_LABELS
               and t.head.tag_ in ("VBD", "VBN") for t in sentence.doc)
