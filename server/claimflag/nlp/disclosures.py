"""Sentence-level disclosure finder: ads, affiliate links, political ads,
opinion and advice disclaimers, syndication, press releases, AI notices.

A keyword list fails both ways on real pages: it flags sentences that talk
*about* sponsorship or AI, and misses disclosures worded without the keyword.
So a cue alone rarely decides. Each cue in ``data/disclosure_cues.jsonl`` says
under which conditions it counts (``when``), read from the sentence and its
block:

- ``any``: the cue is specific enough on its own ("as an Amazon Associate");
- ``start``: it opens the sentence, after leading punctuation or a label such
  as "Disclosure:" ("Paid for by ...", "Reprinted with permission ...");
- ``framed``: the sentence speaks about itself: "this post", "I", "we", "the
  author", "here" ("This article was originally published on ..."); the
  context group ``self_content`` is the stronger kind without "I" and "we",
  which speeches and news stories use as much as disclosures do;
- ``standalone``: the sentence is its whole block, a short line ("Sponsored",
  "Source: Substack");
- ``line``: the sentence is its whole block, of any length: a line of its
  own, as imprints and credit lines stand ("Paid for by Friends of Ana
  Ruiz"), where a news sentence stands among others;
- ``whole``: the cue is the whole sentence, save punctuation (a label line);
- ``edge``: the block is among the first or last blocks of the page
  (``doc._.page_edge``);
- ``ctx:GROUP``: a context pattern of that group occurs in the sentence.

``when`` lists alternatives; an alternative that is a list needs all of its
conditions. Context patterns (``data/disclosure_context.jsonl``) give the
frames, label prefixes, context groups and *vetoes*: a veto in a sentence
drops the cues of the types (or the cue ids) it names ("the company said in
a press release", "co-sponsored the bill"), unless a context group or a cue
named in its ``unless`` occurs too (a newswire's tag outweighs
"announced"); ``unless_for`` lifts it for one type alone (a wire
dateline outweighs "said" for republishing, and only for it). A cue inside a double-quoted stretch that the sentence's own
words lead into ("bloggers add the line “views are my own”") never counts:
that is talk about a disclosure, not one of this page.

Patterns are written in a small token notation (``_compile_pattern``),
one string per pattern or, with a group ``{ a b | c }``, per choice of
wording (``_expand_groups``); a plain spaCy Matcher token list works as
well.

*Label lines* come first: a block of at most ``label_line_max_words`` words
that is one of the ``label_line`` phrases of the context file is an ad-slot
label ("Advertisement", "Sponsored links": ``where: never``), never a
disclosure of the page, or a label of the article itself ("Sponsored
content", "Paid post": ``where: edge``), a disclosure only among the page's
first or last blocks, where it heads or closes the story.

A sentence no rule flags may still be a disclosure worded in a way no rule
knows: the learned model (``disclosure_model.py``, weights in
``data/disclosure_model.jsonl``) scores it, if it has a cue word and more
than ``label_line_max_words`` words (short label lines are the rules'
alone), and flags it when its probability of being a disclosure reaches the
model's threshold. A rule's flag stands unless the model gives the sentence
less than its veto (both set in training, ``training/disclosures.py``;
``model_threshold`` and ``model_veto`` override them, a veto of 0 is
none). A *firm* flag is never vetoed: its cue opens the sentence, or the
cue is marked ``"firm": true``, a marker that a sentence merely talking
about disclosures does not carry (a newswire's tag in a release's dateline,
a wire agency's dateline). The model's own flag of a type is dropped where
a rules' veto marked ``"model": true`` bars that type (a denial: "there
are no affiliate links here" is no affiliate note, however it is worded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from .data_files import packaged, read_jsonl, write_jsonl
from .disclosure_model import DisclosureModel, has_cue
from .flags import Flag, Note
from .matcher_gate import MatcherGate
from .offsets import strip_span

KIND = "disclosure"

# The order of DESIGN.md; page notes come in this order too.
TYPES = ("sponsored", "affiliate", "political_ad", "opinion_disclaimer",
         "advice_disclaimer", "syndication", "press_release", "ai_generated")

LABELS = {
    "sponsored": "Sponsored content",
    "affiliate": "Affiliate links",
    "political_ad": "Political ad",
    "opinion_disclaimer": "Opinion disclaimer",
    "advice_disclaimer": "Advice disclaimer",
    "syndication": "Republished content",
    "press_release": "Press release",
    "ai_generated": "AI-generated content",
}

PAGE_NOTES = {
    "sponsored": "Sponsored content: parts of this page were paid for by an advertiser.",
    "affiliate": "Affiliate links: the site earns a commission on purchases made through its links.",
    "political_ad": "Political ad: this page carries campaign advertising, not news.",
    "opinion_disclaimer": "Opinion column: the site says the views are the author's alone.",
    "advice_disclaimer": "Advice disclaimer: the site says its content is not professional advice.",
    "syndication": "Republished: this text first appeared at another outlet or agency.",
    "press_release": "Press release: written by the organisation it is about, not by a reporter.",
    "ai_generated": "AI-generated: the site says AI was used to write or make parts of this page.",
}

# Note templates by (type, note key). {0} is the name the cue found (the
# sponsor, the original outlet); a key ending in "~" is the wording used when
# no name was found. Every note is one sentence, at most 160 characters with
# the name, and says what the disclosure means and how clear its label is.
NOTES = {
    ("sponsored", "ad_label"):
        "Labelled as an advertisement: the advertiser, not the newsroom, chose what this text says.",
    ("sponsored", "hashtag_ad"):
        "Tagged as an ad, a label regulators accept: a brand paid for this post and had a say in it.",
    ("sponsored", "paid"):
        "Paid content: a brand paid for this text, so read it as advertising, not independent reporting.",
    ("sponsored", "sponsored_label"):
        "Marked \"sponsored\": an advertiser paid for this, though UK regulators say the word alone is an unclear ad label.",
    ("sponsored", "sponsored_by"):
        "Sponsored by {0}, a label the FTC calls ambiguous: it may mean mere funding, or an ad the sponsor shaped.",
    ("sponsored", "sponsored_by~"):
        "Says who paid for this, a label the FTC calls ambiguous: it may mean mere funding, or an ad the sponsor shaped.",
    ("sponsored", "sponsor_thanks"):
        "{0} sponsored this: the creator was paid, so what is said about {0} here is advertising.",
    ("sponsored", "sponsor_thanks~"):
        "A sponsor paid for this: what is said about the sponsor's products here is advertising.",
    ("sponsored", "promoted"):
        "Marked \"promoted\": someone paid to show this, but the FTC calls \"promoted\" an ambiguous ad label.",
    ("sponsored", "partner"):
        "Made with {0}: a commercial partner took part; \"in association with\" does not make clear it is an ad.",
    ("sponsored", "partner~"):
        "Made with a commercial partner; wording like \"in partnership with\" does not make clear it is an ad.",
    ("sponsored", "gifted"):
        "The writer got something free for this: the view may be favourable; \"gifted\" alone is not a clear ad label.",
    ("sponsored", "compensated"):
        "The writer was paid by a brand for this: treat praise of its products here as advertising.",
    ("sponsored", "not_editorial"):
        "Made without the newsroom: advertiser content, not reporting, even where it looks like an article.",
    ("sponsored", "abbreviation"):
        "A short tag like \"#spon\" or \"collab\" hints at a paid post, but regulators say it is not a clear label.",
    ("affiliate", "commission"):
        "Affiliate links: the site earns money when you buy through its links, which can shape what it recommends.",
    ("affiliate", "associate"):
        "Amazon Associate: the site earns a fee on purchases made through its Amazon links.",
    ("affiliate", "bare"):
        "Marked only \"affiliate\": a commission link; UK regulators say a bare \"aff\" or \"affiliate\" is an unclear label.",
    ("affiliate", "support_link"):
        "Says the link supports the creator: likely a commission link, though the wording does not say so plainly.",
    ("political_ad", "paid_for"):
        "Political ad paid for by {0}: a campaign message, not news; check its claims with independent sources.",
    ("political_ad", "paid_for~"):
        "Paid political advertising: a campaign message, not news; check its claims with independent sources.",
    ("political_ad", "imprint"):
        "UK election imprint, promoted by {0}: campaign material, not news; check its claims elsewhere.",
    ("political_ad", "imprint~"):
        "UK election imprint: campaign material, not news; check its claims elsewhere.",
    ("political_ad", "approve"):
        "A candidate approves this message: it is campaign advertising; check its claims with independent sources.",
    ("political_ad", "not_authorized"):
        "Political ad by a group no candidate runs: look up who funds it and check its claims elsewhere.",
    ("opinion_disclaimer", "views_own"):
        "The site says these views are the author's alone: read as opinion, not reporting.",
    ("opinion_disclaimer", "opinion_label"):
        "Labelled opinion: an argument for a point of view, not news reporting; its facts still need checking.",
    ("advice_disclaimer", "not_advice"):
        "The site says this is not professional advice: don't act on it without someone qualified who knows your case.",
    ("advice_disclaimer", "see_professional"):
        "Tells you to ask a professional first: this is general information, not advice for your own situation.",
    ("advice_disclaimer", "informational"):
        "Marked as information only: the site takes no responsibility for decisions you base on it.",
    ("advice_disclaimer", "investment_risk"):
        "A standard investment warning: past returns do not predict future ones and you could lose money.",
    ("advice_disclaimer", "health_claims"):
        "A standard supplement warning: no regulator has checked these health claims, and the product is not proven to treat disease.",
    ("advice_disclaimer", "own_research"):
        "\"Do your own research\": the writer takes no responsibility; check the facts and the risks yourself.",
    ("syndication", "republished"):
        "Republished from {0}: the original may carry later corrections or updates.",
    ("syndication", "republished~"):
        "Republished from another outlet: the original may carry later corrections or updates.",
    ("syndication", "source_line"):
        "Source given as {0}: this text comes from elsewhere; the original may have updates or corrections.",
    ("syndication", "wire"):
        "News agency copy: written by a wire service and run by many outlets, maybe without edits here.",
    ("syndication", "adapted"):
        "Adapted from {0}: an excerpt or reworking of a longer work, so some context may be cut.",
    ("syndication", "adapted~"):
        "Adapted from a longer work: an excerpt or reworking, so some context may be cut.",
    ("press_release", "press_release"):
        "A press release: the organisation wrote this about itself; its claims are not independently reported.",
    ("press_release", "newswire"):
        "Sent out on a paid press-release wire: the company wrote this, not a journalist.",
    ("press_release", "contact"):
        "Press contact line: part of a press release, written by the organisation it promotes.",
    ("ai_generated", "ai_made"):
        "The site says AI helped make this: check the facts, as AI tools can state errors confidently.",
    ("ai_generated", "ai_label"):
        "Labelled AI-generated: software made this; check facts and quotes against a reliable source.",
    ("ai_generated", "automated"):
        "Written automatically from data: check the figures against the data source it names.",
}

# The note of a flag the learned model makes: the type's plainest note.
MODEL_NOTES = {"sponsored": "paid", "affiliate": "commission", "political_ad": "paid_for~",
               "opinion_disclaimer": "views_own", "advice_disclaimer": "not_advice",
               "syndication": "republished~", "press_release": "press_release",
               "ai_generated": "ai_made"}

_FILES = {"cues": "disclosure_cues.jsonl", "context": "disclosure_context.jsonl",
          "model": "disclosure_model.jsonl"}
_LABEL_WORD = re.compile(r"[^\W_]+")
# A double-quoted stretch: curly quotes may run to the sentence's end (the
# segmenter can cut a quote), straight ones must close (a lone " is inches).
_QUOTE = re.compile(r'“[^”]*”?|"[^"]*"')
# Punctuation a name may contain ("Johnson & Johnson", "Saint-Gobain").
_NAME_PUNCT = {"&", "-", "'", "’", "+"}
# Words between a cue and the name it introduces ("permission from The Atlantic").
_NAME_LEAD = {"from", "of", "by", "on", "in", "at", "via", "with", "to", ":", "-", "–", "—", "|"}
_SEPARATOR = r"^[:|/\-–—]+$"
_WILDCARD = re.compile(r"^([_~])(\{\d*,\d*\}|[*+?])$")


def page_notes(types: Iterable[str]) -> list[str]:
    """One line per kind of disclosure found on a page, in ``TYPES`` order."""
    found = set(types)
    return [PAGE_NOTES[t] for t in TYPES if t in found]


def _compile_pattern(text: str, fragments: dict[str, str] | None = None) -> list[dict]:
    """Turns the token notation of the data files into a Matcher pattern.

    Tokens are separated by spaces. ``a|b`` matches either word (lower case);
    a trailing ``?`` makes a token optional; ``_{0,3}`` is up to three tokens
    of anything, ``~{0,3}`` up to three that are not punctuation (the cue
    stays in one clause); ``=Word`` matches the exact text; ``re:X`` the lower-case
    text by regular expression, ``RE:X`` the exact text; ``@title``,
    ``@num``, ``@punct``, ``@url`` and ``@any`` match by token flag, and
    ``@sep`` a label separator (":", "|", "-", "/"). A word written with a
    straight apostrophe ("n't") also matches it typeset curly ("n’t"), as
    most published pages have it. ``&name`` is the token the context file's
    fragment of that name spells (``{"role": "fragment", "name": ...,
    "token": ...}``), so a list many cues share, such as the names of AI
    tools, is written once; ``&name?`` makes it optional. Groups of whole
    token runs are ``_expand_groups``'s, done before this.
    """
    tokens = []
    for part in text.split():
        if part.startswith("&") and len(part) > 1:
            name, optional = (part[1:-1], "?") if part.endswith("?") else (part[1:], "")
            if name not in (fragments or {}):
                raise ValueError(f"{text!r}: no fragment named {name!r} in the context file")
            part = fragments[name] + optional
        wild = _WILDCARD.match(part)
        if wild:
            tokens.append({"OP": wild.group(2)} if wild.group(1) == "_" else
                          {"IS_PUNCT": False, "OP": wild.group(2)})
            continue
        op = None
        if len(part) > 1 and part.endswith("?"):
            part, op = part[:-1], "?"
        if part.startswith("re:"):
            spec = {"LOWER": {"REGEX": part[3:]}}
        elif part.startswith("RE:"):
            spec = {"TEXT": {"REGEX": part[3:]}}
        elif part.startswith("=") and len(part) > 1:
            spec = {"ORTH": part[1:]}
        elif part.startswith("@") and len(part) > 1:
            spec = {"title": {"IS_TITLE": True}, "num": {"LIKE_NUM": True},
                    "punct": {"IS_PUNCT": True}, "url": {"LIKE_URL": True},
                    "sep": {"TEXT": {"REGEX": _SEPARATOR}}, "any": {}}[part[1:]]
        else:
            words = _with_curly_apostrophes(part.split("|"))
            spec = {"LOWER": {"IN": words}} if len(words) > 1 else {"LOWER": words[0]}
        if op:
            spec = {**spec, "OP": op}
        tokens.append(spec)
    return tokens


def _compile_patterns(text: str, fragments: dict[str, str] | None = None) -> list[list[dict]]:
    """The Matcher patterns one string of the notation stands for."""
    return [_compile_pattern(choice, fragments) for choice in _expand_groups(text)]


def _expand_groups(text: str) -> list[str]:
    """Expands ``{ this is a | below is a }``, a choice between runs of
    tokens (an empty run allowed: ``{ the | }``), into one string per
    choice, so a cue whose wording varies in more than one token is still
    written once. ``{``, ``|`` and ``}`` stand as tokens of their own;
    groups do not nest, and several groups give every combination."""
    parts = text.split()
    if "{" not in parts:
        if "}" in parts or "|" in parts:
            raise ValueError(f"{text!r}: '}}' or '|' outside a group")
        if not parts:
            raise ValueError("a pattern choice with no tokens")
        return [text]
    start = parts.index("{")
    end = parts.index("}", start) if "}" in parts[start:] else -1
    if end < 0 or "{" in parts[start + 1:end] or "}" in parts[:start] or "|" in parts[:start]:
        raise ValueError(f"{text!r}: groups must close and not nest")
    choices, run = [], []
    for part in parts[start + 1:end] + ["|"]:
        if part == "|":
            choices.append(run)
            run = []
        else:
            run.append(part)
    head, tail = parts[:start], parts[end + 1:]
    return [expanded for choice in choices
            for expanded in _expand_groups(" ".join(head + choice + tail))]


def _with_curly_apostrophes(words: list[str]) -> list[str]:
    return words + [w.replace("'", "’") for w in words if "'" in w]


@dataclass
class _Hit:
    entry: dict
    start: int          # token index in the doc
    end: int


@dataclass
class _Sentence:
    span: Span
    hits: list[_Hit] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)
    vetoes: list[dict] = field(default_factory=list)
    vetoed: set[str] = field(default_factory=set)
    barred_for_model: set[str] = field(default_factory=set)   # types the model may not add
    first_start: int = 0      # first token that is not leading punctuation
    content_start: int = 0    # ... and not a label such as "Disclosure:"


class DisclosureFinder:
    """Appends one disclosure ``Flag`` per disclosing sentence to
    ``doc._.disclosure_flags``. Reads tokenizer attributes and sentence
    boundaries only (no tagger, parser or NER runs before it)."""

    def __init__(self, nlp: Language, name: str = "claimflag_disclosures", *,
                 standalone_max_tokens: int = 6, name_max_tokens: int = 8,
                 frame_bonus: float = 0.03, edge_bonus: float = 0.03,
                 min_score: float = 0.5, label_line_max_words: int = 3,
                 use_model: bool = True, model_threshold: float | None = None,
                 model_veto: float | None = None):
        self.nlp = nlp
        self.name = name
        self.cfg = {"standalone_max_tokens": standalone_max_tokens,
                    "name_max_tokens": name_max_tokens,
                    "frame_bonus": frame_bonus, "edge_bonus": edge_bonus,
                    "min_score": min_score, "label_line_max_words": label_line_max_words,
                    "use_model": use_model, "model_threshold": model_threshold,
                    "model_veto": model_veto}
        self.set_patterns(_default_patterns())

    # -- data ---------------------------------------------------------------

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   patterns: dict[str, list[dict]] | None = None) -> None:
        """Sets the patterns, ``{"cues": [...], "context": [...], "model":
        [...]}``, or the packaged defaults when none are given (no "model":
        rules only)."""
        self.set_patterns(patterns if patterns is not None else _default_patterns())

    def set_patterns(self, patterns: dict[str, list[dict]]) -> None:
        self.patterns = {part: list(patterns.get(part, [])) for part in _FILES}
        self.model = DisclosureModel(self.patterns["model"])
        fragments = {entry["name"]: entry["token"] for entry in self.patterns["context"]
                     if entry.get("role") == "fragment"}
        for name, token in fragments.items():
            if len(token.split()) != 1 or token.endswith("?"):
                raise ValueError(f"fragment {name!r} must be one token, not optional: {token!r}")
        # Label lines by their words in lower case: "never" or "edge".
        self._label_lines = {_label_key(phrase): entry["where"]
                             for entry in self.patterns["context"] if entry.get("role") == "label_line"
                             for phrase in entry["phrases"]}
        self._entries: list[dict] = []
        # The cues' token patterns, phrases as patterns of lower-case words.
        self.cue_patterns: list[list[dict]] = []
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for role, entries in (("cue", self.patterns["cues"]),
                              ("context", self.patterns["context"])):
            for entry in entries:
                entry = {**entry, "role": entry.get("role", role)}
                if entry["role"] in ("label_line", "fragment"):
                    continue
                key = f"{self.name}:{len(self._entries)}"
                self._entries.append(entry)
                token_patterns = [compiled for p in entry.get("patterns", [])
                                  for compiled in ([p] if isinstance(p, list) else
                                                   _compile_patterns(p, fragments))]
                phrase_docs = [self.nlp.make_doc(p) for p in entry.get("phrases", [])]
                if token_patterns:
                    self.matcher.add(key, token_patterns)
                if phrase_docs:
                    self.phrase_matcher.add(key, phrase_docs)
                if entry["role"] == "cue":
                    self.cue_patterns += token_patterns
                    self.cue_patterns += [[{"LOWER": t.lower_} for t in d] for d in phrase_docs]
        stops = [e for e in self._entries if e["role"] == "name_stop"]
        self._stop_after = {w for e in stops for w in e.get("words", [])}
        self._stop_before = self._stop_after | {w for e in stops for w in e.get("before_words", [])}
        self._key_index = {self.nlp.vocab.strings[f"{self.name}:{i}"]: i
                           for i in range(len(self._entries))}
        self._cue_gate = MatcherGate(self.cue_patterns)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        for part, filename in _FILES.items():
            write_jsonl(path / filename, self.patterns[part])

    def from_disk(self, path, *, exclude=tuple()) -> "DisclosureFinder":
        path = ensure_path(path)
        self.set_patterns({part: read_jsonl(path / filename)
                           for part, filename in _FILES.items()})
        return self

    # -- running ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        flags = [] if doc._.disclosure_flags is None else list(doc._.disclosure_flags)
        # Read once: doc.text rebuilds the text from the tokens at each call.
        text = doc.text
        where = self.label_line(text)
        if where == "never" or (where == "edge" and not doc._.page_edge):
            doc._.disclosure_flags = flags
            return doc     # an ad slot's label, or an article label inside the page
        use_model = self.cfg["use_model"] and bool(self.model)
        for sent, flag, firm in self.judged(doc, text):
            if use_model and (flag is not None or where is None):
                flag = self._learned(text, sent, flag, firm)
            if flag is not None:
                flags.append(flag)
        doc._.disclosure_flags = flags
        return doc

    def judged(self, doc: Doc, text: str) -> Iterable[tuple[Span, Flag | None, bool]]:
        """Each sentence of the block ``doc`` (its text ``text``) with the
        rules' flag, or None, and whether the flag is firm (``judge``):
        what the learned model is combined with, here and in training."""
        block = strip_span(text, 0, len(text))
        possible_cues = self._cue_gate.for_doc(doc)
        for sent in _sentences(doc):
            flag, firm = None, False
            if possible_cues(sent.start, sent.end):
                flag, firm = self.judge(doc, text, sent, block)
            yield sent, flag, firm

    def label_line(self, text: str) -> str | None:
        """"never" or "edge" for a block that is a label line, else None."""
        key = _label_key(text)
        if not key or len(key.split()) > self.cfg["label_line_max_words"]:
            return None
        return self._label_lines.get(key)

    def model_threshold(self) -> float:
        own = self.cfg["model_threshold"]
        return self.model.threshold if own is None else own

    def model_veto(self) -> float:
        own = self.cfg["model_veto"]
        return self.model.veto if own is None else own

    def _learned(self, text: str, sent: Span, flag: Flag | None, firm: bool) -> Flag | None:
        """The rules' flag, unless the model vetoes it (never a firm one:
        a label, a sponsor line, a newswire's tag); or the model's own flag
        over a sentence the rules left."""
        start, end = strip_span(text, sent.start_char, sent.end_char)
        sentence = text[start:end]
        if end <= start or not model_reads(sentence, self.cfg["label_line_max_words"]):
            return flag      # label lines are the rules' alone
        p, type_ = self.model.predict(sentence)
        if not model_verdict(flag is not None, firm, p, self.model_threshold(), self.model_veto()):
            return None
        if flag is not None:
            return flag
        if type_ in self.barred_for_model(sent):
            return None
        return Flag(start, end, KIND, type_, round(p, 4), LABELS[type_],
                    Note(NOTES[type_, MODEL_NOTES[type_]]))

    def barred_for_model(self, sent: Span) -> set[str]:
        """The types the model may not flag ``sent`` as (``"model": true`` vetoes)."""
        return self._matches(sent).barred_for_model

    def _matches(self, sent: Span) -> _Sentence:
        info = _Sentence(sent)
        found = [(m, s, e) for m, s, e in self.matcher(sent)]
        found += [(m, s, e) for m, s, e in self.phrase_matcher(sent)]
        for match_id, start, end in found:
            entry = self._entries[self._key_index[match_id]]
            hit = _Hit(entry, sent.start + start, sent.start + end)
            role = entry["role"]
            if role == "cue":
                info.hits.append(hit)
            elif role == "veto":
                info.vetoes.append(entry)
            elif role == "prefix":
                if start == self._lead(sent, 0) - sent.start:
                    info.content_start = max(info.content_start, hit.end)
                    info.groups.add("frame")
            else:  # context groups: "frame", "self_content", "political", ...
                info.groups.update(entry.get("groups") or [entry["group"]])
        info.first_start = self._lead(sent, 0)
        info.content_start = self._lead(sent, max(info.content_start - sent.start, 0))
        present = info.groups | {hit.entry["id"] for hit in info.hits}
        for entry in info.vetoes:
            if present.isdisjoint(entry.get("unless", ())):
                lifted = {t for t, ids in entry.get("unless_for", {}).items() if not present.isdisjoint(ids)}
                barred = set(entry.get("cues") or entry.get("types", TYPES)) - lifted
                info.vetoed.update(barred)
                if entry.get("model"):
                    info.barred_for_model.update(barred)
        return info

    @staticmethod
    def _lead(sent: Span, offset: int) -> int:
        """Doc index of the first token at or after ``offset`` that is not
        leading punctuation or a hashtag sign."""
        i = sent.start + offset
        while i < sent.end and (sent.doc[i].is_punct or sent.doc[i].is_space):
            i += 1
        return i

    def judge(self, doc: Doc, text: str, sent: Span, block: tuple[int, int]) -> tuple[Flag | None, bool]:
        """The rules' flag over ``sent`` (or None), and whether it is firm,
        beyond the model's veto: its cue opens the sentence (after
        punctuation or a label such as "Disclosure:") or is marked ``firm``."""
        info = self._matches(sent)
        if not info.hits:
            return None, False
        start, end = strip_span(text, sent.start_char, sent.end_char)
        if end <= start:
            return None, False
        words = sum(1 for t in sent if not (t.is_punct or t.is_space))
        line = (start, end) == block
        standalone = line and words <= self.cfg["standalone_max_tokens"]
        state = {"any": True, "line": line, "standalone": standalone, "edge": bool(doc._.page_edge),
                 "framed": "frame" in info.groups}
        quotes = [(start + a, start + b) for a, b in quoted(text[start:end])]
        best = None
        for hit in info.hits:
            if any(a <= doc[hit.start].idx < b for a, b in quotes):
                continue
            entry = hit.entry
            type_, note_key = entry["type"], entry["note"]
            retype = entry.get("retype")
            if retype and self._holds(retype["if"], hit, info, state):
                type_, note_key = retype["type"], retype["note"]
            if type_ in info.vetoed or entry["id"] in info.vetoed:
                continue
            if not any(self._holds(alt, hit, info, state) for alt in entry.get("when", ["any"])):
                continue
            score = float(entry.get("score", 0.8))
            if "frame" in info.groups:
                score += self.cfg["frame_bonus"]
            if state["edge"]:
                score += self.cfg["edge_bonus"]
            score = min(score, 0.99)
            if score < self.cfg["min_score"]:
                continue
            rank = (score, -TYPES.index(type_))
            if best is None or rank > best[0]:
                best = (rank, hit, type_, note_key, score)
        if best is None:
            return None, False
        _, hit, type_, note_key, score = best
        note = self._note(doc, sent, hit, type_, note_key)
        return (Flag(start, end, KIND, type_, round(score, 4), LABELS[type_], note),
                hit.start in (info.first_start, info.content_start) or bool(hit.entry.get("firm")))

    def _holds(self, condition, hit: _Hit, info: _Sentence, state: dict) -> bool:
        if isinstance(condition, list):
            return all(self._holds(c, hit, info, state) for c in condition)
        if condition == "start":
            return hit.start in (info.first_start, info.content_start)
        if condition == "whole":
            return hit.start == info.content_start and not any(
                not (t.is_punct or t.is_space) for t in info.span.doc[hit.end:info.span.end])
        if condition.startswith("ctx:"):
            return condition[4:] in info.groups
        return state[condition]

    def _note(self, doc: Doc, sent: Span, hit: _Hit, type_: str, key: str) -> Note:
        where = hit.entry.get("name")
        name = self._name(doc, sent, hit, where) if where else None
        if name is not None and (type_, key) in NOTES:
            return Note(NOTES[type_, key], (name,))
        if (type_, key + "~") in NOTES:
            return Note(NOTES[type_, key + "~"])
        return Note(NOTES[type_, key])

    def _name(self, doc: Doc, sent: Span, hit: _Hit, where: str) -> tuple[int, int] | None:
        """Code-point range of the name after (or before) the cue: the
        sponsor, the outlet. Stops at punctuation and at clause words."""
        stop = self._stop_after if where == "after" else self._stop_before
        limit = self.cfg["name_max_tokens"]
        picked = []
        if where == "after":
            first = hit.end
            while first < sent.end and doc[first].lower_ in _NAME_LEAD:
                first += 1
            indices = range(first, sent.end)
        else:
            indices = range(hit.start - 1, sent.start - 1, -1)
        for i in indices:
            tok = doc[i]
            if tok.like_url or tok.like_email or tok.lower_ in stop or tok.is_space:
                break
            if tok.is_punct and not (tok.text in _NAME_PUNCT and picked):
                break
            picked.append(i)
            if len(picked) >= limit:
                break
        picked.sort()
        while picked and doc[picked[-1]].is_punct:
            picked.pop()
        if not picked:
            return None
        first, last = min(picked), max(picked)
        return doc[first].idx, doc[last].idx + len(doc[last])


def _sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, with a break inside a word undone ("Co" |
    "-sponsored by ..."): a sentence starts after whitespace. Without
    sentence boundaries, the whole block is one sentence."""
    if not doc.has_annotation("SENT_START"):
        return [doc[:]]
    starts = [s.start for s in doc.sents
              if s.start == 0 or doc[s.start - 1].whitespace_ or doc[s.start - 1].is_space]
    ends = starts[1:] + [len(doc)]
    return [doc[a:b] for a, b in zip(starts, ends)]


def quoted(sentence: str) -> list[tuple[int, int]]:
    """Character ranges of the double-quoted stretches that a sentence's own
    words lead into ("peers add the line “views are my own” to their
    profiles"): a disclosure quoted there is talk about one, not one of this
    page. A sentence that is a quote from its first word has none."""
    lead = _LABEL_WORD.search(sentence)
    return [m.span() for m in _QUOTE.finditer(sentence) if lead and m.start() > lead.start()]


def model_reads(sentence: str, label_line_max_words: int) -> bool:
    """Whether the learned model reads a sentence: one with a cue word
    outside the quotes it leads into (``quoted``) and more words than a
    label line (those are the rules' alone)."""
    unquoted = sentence
    for start, end in quoted(sentence):
        unquoted = unquoted[:start] + " " * (end - start) + unquoted[end:]
    return has_cue(unquoted) and len(_LABEL_WORD.findall(sentence)) > label_line_max_words


def model_verdict(rule_flagged: bool, firm: bool, p: float, threshold: float, veto: float) -> bool:
    """Whether a sentence the model reads is flagged, given the model's
    probability ``p`` that it is a disclosure: a rule's flag stands unless
    ``p`` is under ``veto`` (never a firm one; a veto of 0 is none); a
    sentence the rules left is flagged from ``threshold``."""
    if rule_flagged:
        return firm or veto <= 0 or p >= veto
    return p >= threshold


def _label_key(text: str) -> str:
    return " ".join(_LABEL_WORD.findall(text.lower()))


def _default_patterns() -> dict[str, list[dict]]:
    return {part: packaged(filename) for part, filename in _FILES.items()}
