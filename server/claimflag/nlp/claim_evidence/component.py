"""The claim evidence component: its data, and the parts run in order."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from ..claim_mentions import MENTIONS, Mentions
from ..data_files import packaged, read_jsonl, write_jsonl
from .notes import type_claim
from .sentence import Sentence
from .sources import find_figures, find_sources
from .veto import is_anecdote, is_bare_opinion, is_furniture
from .words import ClaimWords

# The component's data, by part: what each file holds is in words.py and
# claim_mentions.py.
_FILES = {"words": "claim_words.jsonl", "regexes": "claim_regexes.jsonl",
          "mentions": "claim_mentions.jsonl", "names": "claim_names.jsonl"}


class ClaimEvidence:
    """Writes ``doc._.claim_evidence`` on one candidate sentence: ``None``
    when it is page furniture or bare opinion, else its ``Evidence``; and
    the mentions its rules read to ``doc.spans["claimflag_mentions"]``."""

    def __init__(self, nlp: Language, name: str = "claimflag_claim_evidence"):
        self.nlp = nlp
        self.name = name
        self.set_data(_default_data())

    # -- data ---------------------------------------------------------------

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   data: dict[str, list[dict]] | None = None) -> None:
        """Sets the data, ``{"words": [...], "regexes": [...], "mentions":
        [...], "names": [...]}`` (the rows of the files above), or the
        packaged defaults when none are given."""
        self.set_data(data if data is not None else _default_data())

    def set_data(self, data: dict[str, list[dict]]) -> None:
        self.data = {part: list(data.get(part, [])) for part in _FILES}
        self.words = ClaimWords.from_rows(self.data["words"], self.data["regexes"])
        self.mentions = Mentions(self.nlp.vocab, self.data["mentions"], self.data["names"],
                                 reporting_lemmas=self.words.reporting)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        for part, filename in _FILES.items():
            write_jsonl(path / filename, self.data[part])

    def from_disk(self, path, *, exclude=tuple()) -> ClaimEvidence:
        path = ensure_path(path)
        self.set_data({part: read_jsonl(path / filename) for part, filename in _FILES.items()})
        return self

    # -- running ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            # Without a parse no rule can tell a claim from a heading: fail safe.
            doc._.claim_evidence = None
            return doc
        mentions = self.mentions(doc)
        doc.spans[MENTIONS] = mentions
        sentence = Sentence(doc, doc.text, tuple(mentions))
        figures = find_figures(sentence, self.words)
        if is_furniture(sentence, figures, self.words) or is_anecdote(sentence):
            doc._.claim_evidence = None
            return doc
        sources = find_sources(sentence, self.words)
        doc._.claim_evidence = None if is_bare_opinion(sentence, figures, sources, self.words) \
            else type_claim(sentence, figures, sources, self.words)
        return doc

    def pipe(self, docs, batch_size: int = 64):
        for doc in docs:
            yield self(doc)


def _default_data() -> dict[str, list[dict]]:
    return {part: packaged(filename) for part, filename in _FILES.items()}
