"""Claim evidence: the veto, the type and the note of a candidate claim.

``ClaimEvidence`` runs in the annotator pipeline of ``pipeline.py`` (tagger,
parser and lemmatizer; no NER) on one candidate sentence at a time and writes
``doc._.claim_evidence``: ``None`` when the sentence is page furniture or bare
opinion, else an ``Evidence`` with the claim type, a label and a ``Note``.

What the rules need from entities they get from ``Mentions``
(``claim_mentions.py``), which is far cheaper than the statistical NER it
replaces: figures and times from Matcher patterns, names from the tagger's
proper nouns typed by word lists. They are written to
``doc.spans["claimflag_mentions"]`` with NER-like labels, so a reader of a
rule can print them.

A note's template is fixed wording; every page word in it arrives through a
slot, a (start_char, end_char) range of the sentence, because the cache keeps
templates and offsets, never page text. Slots are chosen to be noun phrases
or clauses that read well in the template whatever their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .claim_mentions import MENTIONS, Mentions, default_data
from .flags import Note

# ------------------------------------------------------------------ words

REPORTING_LEMMAS = {
    "say", "tell", "write", "post", "tweet", "state", "claim", "report", "announce", "confirm",
    "add", "warn", "insist", "allege", "argue", "estimate", "find", "show", "reveal", "declare",
    "note", "explain", "accuse", "deny", "admit", "acknowledge", "believe", "suggest", "conclude",
    "predict", "forecast", "expect", "testify", "stress", "emphasise", "emphasize", "indicate",
    "concede", "dispute", "assert", "maintain", "contend", "fear", "think", "point", "demand",
    "urge", "pledge", "promise", "vow", "cite",
}
# Verbs whose subject may be a thing, not a source: "the data show", "the
# increase will add £94": their subject must look like a source.
EVIDENCE_LEMMAS = {"show", "indicate", "suggest", "reveal", "find", "point", "confirm", "add",
                   "estimate", "note", "report", "state", "post", "cite", "predict", "forecast"}
# Verbs that frame quoted words without reporting a statement: Zelensky
# *called* them "idiots". They make a quote only when quote marks are there.
QUOTE_FRAME_LEMMAS = REPORTING_LEMMAS | {"call", "label", "describe", "dub", "term", "brand"}
PEOPLE_SOURCES = {
    "expert", "source", "official", "analyst", "scientist", "researcher", "critic", "observer",
    "insider", "doctor", "economist", "people", "person", "witness", "resident", "investigator",
    "diplomat", "aide", "commentator", "activist", "lawyer", "campaigner", "historian",
    "specialist", "authority", "some", "many", "others", "officer", "employee", "staff",
}
# Bodies that can find or show things: "regulators found", "the ministry said".
BODY_SOURCES = {"regulator", "inspector", "auditor", "watchdog", "agency", "ministry", "department",
                "council", "commission", "committee", "court", "police", "union", "company", "government",
                "team", "panel", "inquiry", "board", "office", "spokesperson", "spokesman", "spokeswoman"}
# Not "figures" or "data": "figures show 3,000 jobs went" is a statistic.
DOCUMENT_SOURCES = {"study", "report", "survey", "research", "poll", "analysis", "paper",
                    "document", "estimate", "review", "audit", "assessment", "model"}
HEDGES = re.compile(r"\b(reportedly|allegedly|it is (?:understood|believed|thought|said|claimed|"
                    r"reported|alleged)|it has been (?:reported|claimed|alleged|suggested)|"
                    r"is said to|are said to|is understood to|are understood to|"
                    r"is believed to|are believed to|is thought to|are thought to)\b", re.I)
CASUALTY_LEMMAS = {"die", "kill", "injure", "wound", "dead", "injury", "casualty", "death",
                   "victim", "hurt", "fatality", "evacuate", "missing"}
FIGURE_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
TIME_LABELS = {"DATE", "TIME"}
NAME_LABELS = {"PERSON", "ORG", "PLACE", "NAME"}
NUMBER_WORDS = {"one", "a", "an", "zero", "none", "single"}
FIRST_SECOND = {"i", "we", "you", "me", "us", "my", "our", "your"}
SPECIFIC_DATE = re.compile(r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|"
                           r"thu|fri|sat|sun)[a-z]*\b", re.I)
CLAUSE_BREAK = {",", ";", ":", ".", "!", "?", "—", "–", "(", ")", '"', "“", "”"}

# Cause-first and effect-first markers; multiword ones match as token runs.
CAUSE_AFTER = ("because of", "because", "due to", "owing to", "as a result of", "thanks to",
               "blamed on", "caused by", "triggered by", "driven by", "fuelled by", "fueled by")
_CAUSE_AFTER_WORDS = [marker.split() for marker in CAUSE_AFTER]
CAUSE_BEFORE_LEMMAS = {"cause", "trigger", "spark", "fuel", "drive", "lead", "result", "contribute"}
CAUSE_BEFORE_PREP = {"lead": "to", "result": "in", "contribute": "to"}

FUTURE = re.compile(r"\b(will|won't|shall|is (?:expected|set|likely|projected|forecast|due) to|"
                    r"are (?:expected|set|likely|projected|forecast|due) to|"
                    r"(?:predicts?|forecasts?|projects?) that|is going to|are going to)\b", re.I)

# ------------------------------------------------------------- furniture

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
_AGO = r"\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?|years?)\s+ago"
_SOCIAL = (r"(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads|bluesky|whatsapp|"
           r"telegram|reddit|email)")
_END = r"\s*(?:[:»›>|•·\-–—…!.]\s*.*)?$"        # nothing, or a separator and anything
FURNITURE_LINES = [re.compile(p, re.I) for p in (
    # bylines, author lines and bios
    r"^by\s+(?!(?:" + _DAYS + "|" + _MONTHS + r"|christmas|easter|then|now|noon|midnight|"
    r"dawn|nightfall|lunchtime|the)\b)(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3}"
    r"\s*(?:$|,|\||and\b|&|in\b|for\b|-|–|—)",
    # "Jane Roe, Staff Writer" (nothing after the role), "Jane Roe is a reporter covering ..."
    r"^(?-i:[A-Z][\w.'’-]+)(?:\s+(?-i:[A-Z][\w.'’-]+)){0,3}\s*(?:,|\|)\s*(?:[\w-]+\s+){0,4}"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|producer|photographer|"
    r"journalist|staff)\b[\w\s,&|-]{0,30}$",
    r"^(?!.*\d)(?-i:[A-Z][\w.'’-]+)(?:\s+(?-i:[A-Z][\w.'’-]+)){0,3}\s+is\s+(?:an?|the|our)\s+"
    r"(?:[\w-]+\s+){0,4}(?:writer|reporter|correspondent|editor|columnist|contributor|"
    r"producer|photographer|journalist)\b",
    # dates, times and freshness
    r"^(?:last\s+)?(?:updated|published|posted|modified|edited|first published)(?:\s+(?:on|at))?\s*"
    r"[:\-–—]?\s*(?:\d|" + _DAYS + r"\b|" + _MONTHS + r"\b|yesterday|today|just now|an? \w+ ago|"
    + _AGO + r"|$)",
    r"^(?:\w+\s+){0,2}" + _AGO + r"\s*$",
    r"^\d+\s*(?:-|\s)?(?:min(?:ute)?s?|hrs?|hours?)\s+(?:read|listen|watch)\b",
    # links out
    r"^(?:read|see|watch|listen)\s+(?:more|next|also|the full story|full story|more stories)" + _END,
    r"^(?:also read|more on this(?: story)?|see also|recommended(?: for you| reading)?|"
    r"you (?:may|might) also (?:like|be interested in)|more from|most (?:read|popular|viewed|shared)|"
    r"trending(?: now)?|popular now|top stories|latest news|editor'?s picks|in other news|"
    r"related(?: articles?| stories| coverage| content| topics| links| reading| news)?)" + _END,
    r"^(?:watch|listen|video|gallery|live|explainer|analysis|opinion|exclusive)\s*[:|]",
    # image credits
    r"^(?:main |top |header |lead |file )?(?:photo(?:graph)?|picture|image|illustration|video|"
    r"graphic|credit|photo credit|image credit|pictured)s?\s*(?::|by\b|credit\b|courtesy\b|©)",
    r"\((?:photo|image|picture|credit|illustration)s?\s*(?::|by\b|credit\b|courtesy\b)",
    r"getty images|shutterstock|alamy|\bap photo\b|/\s*(?:reuters|afp|ap|epa|pa|getty|anadolu)\b|"
    r"^\(?(?:reuters|afp|ap|epa|pa|anadolu)\)?\s*[-–—:]?$",
    # cookies, consent, legal
    # (site notices speak to the reader: "we", "our", "you"; a bakery's cookies do not)
    r"^(?=.*\b(?:we|our|you|your|this (?:site|website))\b).*\bcookies?\b.*\b(?:consent|preferences|"
    r"settings|policy|accept|agree|browsing|experience|personali[sz]e|partners|analytics)\b",
    r"\b(?:we|this (?:site|website)|our (?:site|website|partners))\b (?:\w+ ){0,3}(?:use|uses|set|sets|"
    r"store|place) (?:\w+ )?cookies\b",
    r"^cookies? (?:settings|preferences|policy|notice|consent|choices)\b",
    r"^by (?:continuing|using|browsing|clicking|staying)\b.*\b(?:you )?(?:agree|consent|accept)\b",
    r"^(?=.*\b(?:you|your)\b).*\b(?:agree|consent)\b.*\bcookies?\b",
    r"^(?:accept|reject|allow|manage|decline)(?:\s+all)?(?:\s+(?:cookies|preferences|settings|"
    r"choices|options))?" + _END,
    r"^(?:privacy policy|terms (?:of|and) (?:use|service|conditions)|cookie policy|do not sell)",
    r"^we (?:value|respect|care about|take) your privacy\b",
    r"^(?:©|\(c\)\s*\d|copyright\s*(?:©|\(c\)|\d{4}))|\ball rights reserved\b",
    # share, follow, subscribe, account
    r"^(?:share|tweet|email|print|copy link|save|pin it|bookmark)(?:\s+(?:this|the)\s+(?:article|story|"
    r"page|post|video))?(?:\s+(?:on|via|to)\s+\w+)?\s*[:.!]?\s*$",
    r"^share\s+(?:this|on|via|to|the (?:article|story)|article|story)\b",
    r"^(?:follow|like|join)\s+(?:us|me)\b",
    r"^follow\s+(?:[\w@.'’-]+\s+){0,4}on\s+" + _SOCIAL + r"\b",
    r"^(?:subscribe|sign up|sign in|log in|log out|register)(?:\s+(?:now|today|here|to|for|and|with|"
    r"free|online)\b|\s*[!.:?]?\s*$)",
    r"^(?:join now|join today|become a member|already a (?:subscriber|member)|"
    r"create (?:an|a free) account|get (?:our|the) (?:app|newsletter))\b",
    r"(?:^|[.!:—–-]\s*)(?:subscribe|sign up|join)\s+(?:now|today|here)\b",
    r"^(?=.*\b(?:we|our|you|your)\b).*\bnewsletters?\b.*\b(?:sign up|subscribe|inbox|straight to)\b",
    r"^(?=.*\b(?:our|you|your)\b).*(?:\b(?:unlimited|digital) access\b|\bfree trial\b)|"
    r"^subscribers? only\b",
    r"^(?:click|tap|swipe|scroll)\s+(?:here|to|for|down|up)\b",
    r"^(?:download|get) (?:our|the) app\b",
    # navigation and on-page controls
    r"^(?:skip to (?:main )?(?:content|navigation|footer)|back to top|main menu|menu|toggle navigation|"
    r"open menu|close|search|home|next(?: article| story| page| post)?|previous(?: article| story| "
    r"page| post)?|older posts|newer posts|load more|show more|see more|view all|see all|"
    r"show comments|view comments|comments?(?: \(\d+\))?|\d+ comments?|leave a (?:comment|reply)|"
    r"reply|report|print this page|jump to(?: section)?)\s*[:»›>…]*\s*$",
    r"^page \d+ of \d+$|^[«‹<]\s*(?:prev|previous)|(?:next)\s*[»›>]$",
    r"^[\w&'’ -]{1,30}(?:\s*[›»>|•·/]\s*[\w&'’ -]{1,30}){2,}$",           # Home > News > World
    # advertising
    r"^(?:advertisement|advertising|ad|sponsored|promoted|paid content|story continues below"
    r"(?: advertisement)?|continue reading(?: (?:below|the main story))?|scroll to continue"
    r"(?: with content)?|article continues (?:below|after (?:this )?advertisement))" + _END,
    # notices about the page itself
    r"^this (?:article|story|post|page|piece) (?:is (?:more than|over) \w+ (?:years?|months?|days?) old|"
    r"(?:has been|was) (?:updated|corrected|amended|edited))",
    r"\bfree (?:articles?|stories|reads) (?:left|remaining)\b|"
    r"^you have \w+ (?:free )?(?:articles?|stories)\b",
    r"^all times (?:are|in)\b|^(?:terms|t&cs?) (?:and conditions )?apply\b|^prices correct at\b",
    r"^please (?:enable|log in|sign in|subscribe|note|wait|try again|turn off|disable|update|refresh)\b",
    r"\byour browser\b|^(?:something went wrong|oops|loading|sorry, (?:something|we))\b",
    r"^(?:was this (?:article|page|story) (?:helpful|useful)|thanks for reading|have a (?:news )?tip)\b",
    r"^(?:additional|extra|further) reporting by\b|^(?:contact|email|write to) (?:the author|us|me)\b",
    r"^image \d+ of \d+$|^\d+ (?:shares?|likes?|views?|replies)$",
    # tables of contents, tags
    r"^(?:table of )?contents\s*:?\s*$|^in this (?:article|story|guide|section)\s*:?\s*$",
    r"^(?:chapter|part|section|appendix|step)\s+(?:[\divxlc]+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten)\b\s*(?:[:.\-–—]|$)",
    r"(?:\.{3,}|…|·{3,}|\s{3,})\s*\d+\s*$",                              # Methods ...... 12
    r"^(?:tags?|topics?|filed under|categories|category|keywords|more about)\s*:",
)]
OPINION_OPENERS = re.compile(
    r"^(?:i|we)(?:'m| am| are|'re)?(?: (?:really|strongly|honestly|personally|truly|just|still|"
    r"firmly|genuinely|do|also))? (?:think|believe|feel|hope|wish|love|hate|suspect|guess|reckon|"
    r"doubt|worry|fear|sure|convinced|certain|afraid|must|should|need|ought|cannot|can't|won't|"
    r"will not|have to|demand|want|refuse|thank|congratulate|salute|welcome|urge|applaud|"
    r"deserve|expect better)\b|"
    r"^(?:in my (?:view|opinion|book)|imo|to me|for me|personally|frankly|honestly|quite frankly|"
    r"clearly|obviously|surely|sadly|let's|let us|shame on|enough is enough|it'?s (?:high )?time|"
    r"it is (?:high )?time|what an?\b|how dare|no wonder|god help|thank (?:god|goodness)|"
    r"mark my words|make no mistake|the truth is|the fact is|let me be clear)\b", re.I)
EVALUATIVE = {
    "disgrace", "outrage", "shame", "scandal", "betrayal", "disaster", "joke", "farce", "mistake",
    "failure", "travesty", "insult", "catastrophe", "embarrassment", "nonsense", "triumph",
    "masterpiece", "tragedy", "abomination", "fiasco", "con", "sham", "mess", "slap", "bore",
    "shameful", "disgraceful", "ridiculous", "absurd", "unacceptable", "outrageous", "appalling",
    "wrong", "right", "great", "wonderful", "terrible", "awful", "brilliant", "pathetic",
    "embarrassing", "insane", "crazy", "sad", "obvious", "important", "vital", "essential",
    "disgusting", "shocking", "unforgivable", "inexcusable", "ludicrous", "laughable", "beautiful",
    "amazing", "fantastic", "horrible", "stupid", "unfair", "fair", "reckless", "cruel", "naive",
    "incompetent", "dangerous", "irresponsible", "deplorable", "heartbreaking", "good", "bad",
}


@dataclass(frozen=True)
class Evidence:
    type: str
    label: str
    note: Note                       # slots relative to the sentence doc


@dataclass(frozen=True)
class Source:
    span: Span
    kind: str                        # "named" | "unnamed" | "document" | "pronoun"
    verb: Token | None


class ClaimEvidence:
    """Vetoes furniture and bare opinion; types the claim and writes its note."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.mentions = Mentions(nlp.vocab, **default_data(), reporting_lemmas=REPORTING_LEMMAS)

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            # Without a parse no rule can tell a claim from a heading: fail safe.
            doc._.claim_evidence = None
            return doc
        mentions = self.mentions(doc)
        doc.spans[MENTIONS] = mentions
        doc.user_data[_FACTS] = _Facts(doc.text, mentions)
        try:
            doc._.claim_evidence = None if _is_furniture_or_opinion(doc) else _evidence(doc)
        finally:
            del doc.user_data[_FACTS]
        return doc

    def pipe(self, docs, batch_size: int = 64):
        for doc in docs:
            yield self(doc)


# Facts many rules read, worked out once per sentence and held in
# ``doc.user_data`` while the rules run: ``Doc.text`` joins the tokens anew on
# every read, and a SpanGroup makes new Spans each time it is iterated.
_FACTS = "claimflag_evidence_facts"


class _Facts:
    def __init__(self, text: str, mentions: list[Span]):
        self.text = text
        self.mentions = mentions
        self.sources: list[Source] | None = None


def _text(doc: Doc) -> str:
    return doc.user_data[_FACTS].text


def _mentions(where: Doc | Span, labels: set[str]) -> list[Span]:
    """The mentions with one of ``labels`` in the sentence, or inside a span of it."""
    doc = where if isinstance(where, Doc) else where.doc
    start, end = (0, len(doc)) if isinstance(where, Doc) else (where.start, where.end)
    return [m for m in doc.user_data[_FACTS].mentions
            if m.label_ in labels and start <= m.start and m.end <= end]


def _mention_label(tok: Token) -> str:
    """The label of the mention the token is part of, or ""."""
    return next((m.label_ for m in tok.doc.user_data[_FACTS].mentions if m.start <= tok.i < m.end), "")


# ---------------------------------------------------------------- the veto


def _is_furniture_or_opinion(doc: Doc) -> bool:
    return _is_furniture(doc) or _is_bare_opinion(doc)


def _is_furniture(doc: Doc) -> bool:
    text = " ".join(_text(doc).split())
    if not text or not any(c.isalpha() for c in text):
        return True
    words = len(text.split())
    if words <= 40 and any(p.search(text) for p in FURNITURE_LINES):
        return True
    # A date or time alone ("Tuesday 4 March 2025, 10:32 GMT").
    in_times = {i for m in _mentions(doc, TIME_LABELS) for i in range(m.start, m.end)}
    if all(t.is_punct or t.is_space or t.i in in_times or t.like_num
           or t.lower_ in ("gmt", "utc", "bst", "cet", "et", "pt", "est", "edt", "am", "pm", "|")
           for t in doc):
        return True
    terminated = text.rstrip("\"'”’)]").endswith((".", "!", "?"))
    # Headings, bylines, captions and credits have no finite verb. A verbless
    # line keeps its flag only as a full stop-ended sentence with a figure.
    if not _has_finite_verb(doc) and not (terminated and _figures(doc)):
        return True
    if not terminated and words <= 12:
        capitalised = [w for w in text.split() if w[:1].isalpha()]
        titled = sum(w[0].isupper() for w in capitalised)
        if len(capitalised) >= 2 and titled >= 0.7 * len(capitalised):
            return True                                   # Title Case Heading
        if doc[0].lower_ in ("how", "why", "what", "when", "where", "who", "which"):
            return True                                   # "How the money was spent"
    return False


def _has_finite_verb(doc: Doc) -> bool:
    # A past participle heading the clause with a subject is a past tense the
    # tagger read as a participle: "The railway reopened on Saturday."
    return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or t.tag_ == "VBN" and t.dep_ == "ROOT"
               and any(c.dep_ == "nsubj" for c in t.children) for t in doc)


def _is_bare_opinion(doc: Doc) -> bool:
    """Stance without anything a reader could look up."""
    text = _text(doc).strip().lstrip("\"'“‘«(")
    cue = (bool(OPINION_OPENERS.match(text)) or text.rstrip("\"'”’)").endswith(("?", "!"))
           or _evaluative_copula(doc) or _deontic(doc) or _imperative(doc) or _sweeping(doc))
    return cue and not _checkable(doc)


def _evaluative_copula(doc: Doc) -> bool:
    for tok in doc:
        if tok.lemma_ == "be" and tok.dep_ in ("ROOT", "ccomp"):
            for child in tok.children:
                if child.dep_ in ("attr", "acomp") and child.lemma_.lower() in EVALUATIVE:
                    return True
                if child.dep_ in ("attr", "acomp") and any(
                        g.lemma_.lower() in EVALUATIVE for g in child.children if g.dep_ == "amod"):
                    return True
    return False


def _sweeping(doc: Doc) -> bool:
    """'Nobody wants this', 'Our town deserves better': wants and deserts,
    or a claim about everyone, in the present tense."""
    root = _root(doc)
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if root.lemma_ in ("deserve", "merit") or root.lemma_ in ("want", "need") and subj is not None \
            and subj.lower_ in FIRST_SECOND | {"nobody", "everyone", "everybody", "no"}:
        return True
    return subj is not None and subj.lower_ in ("nobody", "everyone", "everybody", "noone") \
        and root.tag_ in ("VBZ", "VBP", "MD")


def _deontic(doc: Doc) -> bool:
    root = _root(doc)
    aux = [root, *(c for c in root.children if c.dep_ in ("aux", "auxpass"))]
    if any(a.lower_ in ("should", "must", "ought", "shouldn't", "mustn't") for a in aux):
        return True
    return root.lemma_ in ("need", "have") and any(c.dep_ == "xcomp" for c in root.children) \
        and any(c.dep_ == "nsubj" and c.lower_ in FIRST_SECOND | {"they", "everyone"}
                for c in root.children)


def _imperative(doc: Doc) -> bool:
    root = _root(doc)
    start = next((t for t in doc if not t.is_punct), root)
    return root.tag_ == "VB" and root.i == start.i and not any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children) \
        or start.lower_ in ("do", "don't") and root.tag_ == "VB"


def _checkable(doc: Doc) -> bool:
    if _figures(doc):
        return True
    if any(m.label_ == "DATE" and SPECIFIC_DATE.search(m.text) for m in _mentions(doc, TIME_LABELS)):
        return True
    if any(s.kind != "pronoun" for s in _sources(doc)):
        return True
    # A named party as the subject of a past action: "... Acme dumped waste".
    return any(t.dep_ in ("nsubj", "nsubjpass") and _mention_label(t) in NAME_LABELS
               and t.head.tag_ in ("VBD", "VBN") for t in doc)


# ---------------------------------------------------------------- evidence

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


def _evidence(doc: Doc) -> Evidence:
    sources = _sources(doc)
    for find in (_prediction, _unnamed_source, _statistic, _quote, _causal, _comparison,
                 _attribution):
        found = find(doc, sources)
        if found is not None:
            return found
    return _event(doc, sources)


def _slots(*spans) -> tuple[tuple[int, int], ...]:
    return tuple((s.start_char, s.end_char) for s in spans)


def _root(doc: Doc) -> Token:
    return next((t for t in doc if t.dep_ == "ROOT"), doc[0])


# ---------------------------------------------------------------- sources


def _sources(doc: Doc) -> list[Source]:
    """Who the sentence credits: subjects of reporting verbs, 'according to X',
    hedges such as 'reportedly'. Named sources first."""
    facts = doc.user_data[_FACTS]
    if facts.sources is None:                       # the veto and the type both ask
        facts.sources = _find_sources(doc)
    return facts.sources


def _find_sources(doc: Doc) -> list[Source]:
    found: list[Source] = []
    seen: set[int] = set()
    for tok in doc:
        head = None
        verb = None
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            head = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            verb = tok
        elif tok.lemma_.lower() in QUOTE_FRAME_LEMMAS and (
                tok.pos_ == "VERB" and tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "compound")
                or tok.dep_ == "ROOT" and tok.tag_ == "NNS"):      # not "Copyright claims ... rose"
            # Participles without a subject ("..., confirming concerns") find none.
            subjects = sorted((c for c in tok.children if c.dep_ == "nsubj"),
                              key=lambda c: (not _source_like(c), abs(c.i - tok.i)))
            head = subjects[0] if subjects else None
            if head is not None and tok.lemma_ in EVIDENCE_LEMMAS and not _source_like(head):
                head = None                                 # "the absence ... may indicate"
            if head is not None and tok.lemma_ in ("find", "show", "reveal") \
                    and head.lemma_.lower() not in DOCUMENT_SOURCES \
                    and not any(c.dep_ == "ccomp" for c in tok.children):
                head = None                                 # "search teams found two survivors"
            if head is None and tok.dep_ == "ROOT" and tok.i > 0 and doc[tok.i - 1].dep_ == "compound":
                head = doc[tok.i - 1]                       # "..., the bank predicts." misparsed
            verb = tok
            if head is not None and tok.lemma_.lower() not in REPORTING_LEMMAS and not _quoted(doc):
                head = None
        if head is None or head.i in seen or head.lower_ in FIRST_SECOND or head.lower_ in (
                "it", "this", "that", "which", "who", "there", "what"):
            continue
        seen.add(head.i)
        span = _source_phrase(head)
        found.append(Source(span, _source_kind(span), verb))
    hedge = HEDGES.search(_text(doc))
    if hedge:
        span = doc.char_span(hedge.start(), hedge.end(), alignment_mode="expand")
        found.append(Source(span, "hedge", None))
    order = {"named": 0, "unnamed": 1, "document": 2, "hedge": 3, "pronoun": 4}
    return sorted(found, key=lambda s: order[s.kind])


def _source_like(tok: Token) -> bool:
    return tok.lemma_.lower() in PEOPLE_SOURCES | DOCUMENT_SOURCES | BODY_SOURCES \
        or tok.pos_ in ("PROPN", "PRON")


def _drop_initial_article(span: Span) -> Span:
    """'The head of the White House' mid-note reads 'head of the White House'."""
    doc = span.doc
    if span.start == 0 and len(span) > 1 and doc[0].pos_ == "DET" and doc[0].text[:1].isupper() \
            and doc[1].pos_ != "PROPN":                 # but "The White House" keeps its article
        return doc[1: span.end]
    return span


def _source_kind(span: Span) -> str:
    head = span.root
    if head.pos_ == "PRON":
        return "pronoun"
    lemma = head.lemma_.lower()
    names = _mentions(span, NAME_LABELS)
    if any(m.label_ == "PERSON" for m in names):
        return "named"
    if lemma in PEOPLE_SOURCES:
        return "unnamed"
    if lemma in DOCUMENT_SOURCES and not names:
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


def _quoted(doc: Doc) -> Span | None:
    """The quoted words of the sentence, without the marks; a sentence that
    only closes (or only opens) a quotation counts from its edge."""
    text = _text(doc)
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
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or len(span) == 0:
        return None
    return _trim(span, limit=40)


# ---------------------------------------------------------------- figures


def _figures(doc: Doc) -> list[Span]:
    """Figures worth checking: money, percentages, amounts, counts ("379",
    "Seven people"); not "one of", not "the two countries", not a list
    marker (a day of the month or a year is a DATE mention, not a figure)."""
    found = []
    for figure in _mentions(doc, FIGURE_LABELS):
        if _list_marker(figure[0]):
            continue
        if figure.label_ == "CARDINAL" and not any(c.isdigit() for c in figure.text):
            after = doc[figure.root.i + 1].lower_ if figure.root.i + 1 < len(doc) else ""
            before = doc[figure.start - 1].lower_ if figure.start else ""
            if figure.text.lower() in NUMBER_WORDS or after == "of" or before in _DEFINITE:
                continue
        found.append(figure)
    return found


_DEFINITE = {"the", "these", "those", "both", "all", "its", "their", "his", "her"}


def _list_marker(tok: Token) -> bool:
    return tok.i == 0 and len(tok.doc) > 1 and tok.doc[1].text in ".)"


def _figure_phrase(ent: Span) -> Span:
    """The figure with what it counts ("379 passengers", "Seven people died",
    "Exports rose by 12 percent", "40 percent of children"): one contiguous
    stretch of the sentence, so that it can be a slot."""
    doc = ent.doc
    start, end = ent.start, ent.end
    root = ent.root
    counted = False
    if end + 1 < len(doc) and doc[end].lower_ in ("in", "to") and doc[end + 1].like_num \
            and _mention_label(doc[end + 1]) not in TIME_LABELS:
        end += 2                                                  # 1 in 5 pupils, voted 31 to 12
        root = doc[end - 1]
    if root.dep_ in ("nummod", "quantmod") and root.head.i >= end and root.head.i - end <= 3:
        end, root, counted = root.head.i + 1, root.head, True     # 379 passengers
    of = next((c for c in root.rights if c.dep_ == "prep" and c.lower_ == "of" and c.i == end), None)
    if of is not None:
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.i - end <= 3:
            end, counted = pobj.i + 1, True                       # 40 percent of children
    if end < len(doc) and doc[end].lemma_.lower() in CASUALTY_LEMMAS and doc[end].pos_ in ("ADJ", "VERB"):
        return doc[start: end + 1]                                # Seven dead, 104 injured
    verb = root.head
    if root.dep_ in ("nsubj", "nsubjpass") and verb.i >= end and verb.i - end <= 3:
        end = verb.i + 1                                          # Seven people died
        if verb.lemma_ == "be":                                   # ... were without power
            end = min(_clause_end(doc, end, limit=4), len(doc))
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
    phrase = _trim(doc[start:end], limit=12)
    return phrase if len(phrase) else ent


# ---------------------------------------------------------------- the types


def _credit(template: str, spans: list, sources: list[Source], *, pronoun_ok: bool = False) -> str:
    """Adds ", per {n}" naming the first source that reads well after 'per'."""
    readable = ("named", "unnamed", "document")
    source = next((s for s in sources if s.kind in readable or pronoun_ok and s.kind == "pronoun"
                   and s.span.root.lower_ in ("him", "her", "them")), None)
    if source is None:
        return template
    spans.append(_drop_initial_article(source.span))
    return template + ", per {%d}" % (len(spans) - 1)


def _prediction(doc: Doc, sources: list[Source]) -> Evidence | None:
    for match in FUTURE.finditer(_text(doc)):
        marker = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if len(marker) == 1 and marker.root.pos_ not in ("AUX", "VERB"):
            continue                                    # "the will of the people"
        verb = marker.root.head if marker.root.dep_ in ("aux", "auxpass") else marker.root
        # Only the sentence's own claim: not 'a conversation that will lead to'.
        if any(a.dep_ in ("relcl", "acl", "advcl", "pcomp") for a in [verb, *verb.ancestors]):
            continue
        subj = next((c for c in verb.lefts if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        start = subj.left_edge.i if subj is not None and marker.start - subj.left_edge.i <= 6 else marker.start
        span = _trim(doc[start: _clause_end(doc, marker.end, limit=9)])
        spans = [span]
        template = _credit("A forecast ({0})", spans, sources)
        return Evidence("prediction", "Prediction", Note(
            template + ": it can't be checked yet; ask what it is based on.", _slots(*spans)))
    return None


def _unnamed_source(doc: Doc, sources: list[Source]) -> Evidence | None:
    source = next((s for s in sources if s.kind in ("unnamed", "document", "hedge")), None)
    if source is None or any(s.kind == "named" for s in sources):
        return None
    spans = [source.span]
    figures = [f for f in _figure_phrases(doc)[:2] if not _overlaps(f, source.span)]
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
    if figures:
        template += " for the figures (" + _join(len(spans), len(figures)) + ")"
        spans += figures
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
    return _trim(clause)


def _figure_phrases(doc: Doc) -> list[Span]:
    phrases: list[Span] = []
    for ent in _figures(doc):
        phrase = _figure_phrase(ent)
        if not phrases or phrase.start >= phrases[-1].end:
            phrases.append(phrase)
    return phrases


def _join(first: int, n: int) -> str:
    return ", ".join("{%d}" % i for i in range(first, first + n))


def _statistic(doc: Doc, sources: list[Source]) -> Evidence | None:
    figures = _figures(doc)
    if not figures:
        return None
    phrases = _figure_phrases(doc)[:3]
    lemmas = {t.lemma_.lower() for t in doc}
    if lemmas & CASUALTY_LEMMAS:
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


def _quote(doc: Doc, sources: list[Source]) -> Evidence | None:
    words = _quoted(doc)
    if words is None:
        return None
    speaker = next((s for s in sources if s.kind in ("named", "unnamed", "document")), None)
    framed = speaker is not None and speaker.verb is not None
    if len(words) < 3 and not framed:
        return None                                     # scare quotes, not a quotation
    if speaker is not None:
        return Evidence("quote", "Quote", Note(
            "Quotes {0} (“{1}”): check the words against the original statement or recording.",
            _slots(_drop_initial_article(speaker.span), words)))
    if len(words) < 4:
        return None
    return Evidence("quote", "Quote", Note(
        "Quoted words (“{0}”) with the speaker named elsewhere: find the original statement.",
        _slots(words)))


def _causal(doc: Doc, sources: list[Source]) -> Evidence | None:
    lowered = [t.lower_ for t in doc]
    for i, tok in enumerate(doc):
        for parts in _CAUSE_AFTER_WORDS:
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
            return _causal_note(_trim(cause), effect)
        lemma = tok.lemma_.lower()
        if lemma in CAUSE_BEFORE_LEMMAS and tok.pos_ == "VERB":
            prep = CAUSE_BEFORE_PREP.get(lemma)
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
            return _causal_note(_noun_phrase(subj), _trim(doc[obj.left_edge.i: obj.right_edge.i + 1]))
    return None


def _effect_clause(doc: Doc, governor: Token, marker_start: int, cause_end: int) -> Span | None:
    left, right = governor.left_edge.i, governor.right_edge.i + 1
    if marker_start > left:            # effect first: "Trains were cancelled because ..."
        subj = next((c for c in governor.lefts if c.dep_ in ("nsubj", "nsubjpass")), None)
        start = subj.left_edge.i if subj is not None else left
        span = doc[start: marker_start]
    else:                              # cause first: "Because of the strike, trains ..."
        span = doc[cause_end: right]
    span = _trim(span)
    return span if len(span) and not all(t.is_punct for t in span) else None


def _causal_note(cause: Span, effect: Span) -> Evidence:
    return Evidence("causal", "Cause and effect", Note(
        "Links a cause ({0}) to an effect ({1}): check the link is shown, not just asserted.",
        _slots(cause, effect)))


def _comparison(doc: Doc, sources: list[Source]) -> Evidence | None:
    for tok in doc:
        if tok.lower_ == "than" and tok.i + 1 < len(doc):
            other = doc[tok.i + 1]
            if other.like_num or _mention_label(other) in FIGURE_LABELS | TIME_LABELS \
                    or other.lower_ in ("a", "an", "ever", "usual", "expected", "planned"):
                continue                                   # "more than 300", not a comparison
            compared = next((doc[j] for j in range(tok.i - 1, max(tok.i - 7, -1), -1)
                             if doc[j].tag_ in ("JJR", "RBR") or doc[j].lower_ in ("more", "less", "fewer")),
                            None)
            if compared is None or doc[tok.i - 1].lower_ in ("rather", "other"):
                continue
            # The claim's two sides: its subject, and "safer than drivers on the ring road".
            claim = _trim(doc[compared.i: _clause_end(doc, tok.i + 1, limit=8)])
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
            other = _trim(doc[tok.i + 2: _clause_end(doc, tok.i + 2, limit=8)])
            before = _trim(doc[max(0, tok.i - 8): tok.i])
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


def _attribution(doc: Doc, sources: list[Source]) -> Evidence | None:
    source = next((s for s in sources if s.kind in ("named", "pronoun")), None)
    if source is None:
        return None
    if source.kind == "named":
        return Evidence("attribution", "Attributed claim", Note(
            "Attributed to {0}: check they said it, and whether it holds up.",
            _slots(_drop_initial_article(source.span))))
    return Evidence("attribution", "Attributed claim", Note(
        "Attributed to someone named earlier on the page (“{0}”): find who, and check they said it.",
        _slots(source.span)))


def _event(doc: Doc, sources: list[Source]) -> Evidence:
    times = _mentions(doc, TIME_LABELS)
    when = next((m for m in times if SPECIFIC_DATE.search(m.text)), None) or next(iter(times), None)
    where = next((m for m in _mentions(doc, {"PLACE"}) if m.root.tag_ != "JJ" and m.root.dep_ != "amod"),
                 None)
    root = _root(doc)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
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
        claim = _trim(doc[root.left_edge.i: _clause_end(doc, root.i + 1, limit=8)])
        return Evidence("event", "Factual claim", Note(
            "States as fact “{0}”, with no source: look for a second report that confirms it.",
            _slots(claim)))
    return Evidence("event", "Factual claim", Note(
        template + ": check it against a second, independent report.", _slots(*spans)))


# ---------------------------------------------------------------- spans


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
    return _trim(doc[left: right + 1])


def _clause_end(doc: Doc, start: int, limit: int = 12) -> int:
    end = start
    while end < len(doc) and end - start < limit and doc[end].text not in CLAUSE_BREAK:
        end += 1
    return max(end, start + 1) if start < len(doc) else start


def _trim(span: Span, limit: int = 12) -> Span:
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
