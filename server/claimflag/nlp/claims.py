"""Claims: which sentences are check-worthy, of what type, and what to check.

Two components, in the two pipelines of ``pipeline.py``:

- ``ClaimScorer`` runs on every sentence of every block (cheap pipeline: no
  tagger, parser or NER) and writes a check-worthiness probability per
  sentence to ``doc._.claim_scores``.
- ``ClaimEvidence`` (in ``claim_evidence.py``) runs only on the sentences
  that scored high enough, with the full tagger/parser/NER, and writes
  ``doc._.claim_evidence``: ``None`` when the sentence is page furniture or
  bare opinion, else its type, label and a note whose slots point at the
  evidence in the sentence itself.

The scorer runs as a cascade when the model directory holds a
``cascade.json`` made for that very model (``claimflag.training.cascade``):
a hashed word n-gram logistic regression scores every sentence first, and
sentences it puts below ``settle_below`` (clearly not claims, far below the
claim floor) keep its probability; only the rest go to the transformer.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

# ---------------------------------------------------------------- scoring


class ClaimScorer:
    """Scores each sentence with the claim model (``predict(texts)``), through
    the cheap first stage when the model directory ships one."""

    def __init__(self, nlp: Language, name: str, model, cascade: "NgramFilter | None" = None):
        self.name = name
        self.model = model
        self.cascade = cascade if cascade is not None else NgramFilter.beside(model)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 64):
        # Score the sentences of a whole batch of blocks in one model call.
        batch = list(docs)
        sents = [[s for s in doc.sents] for doc in batch]
        texts = [s.text.strip() for group in sents for s in group]
        scores = iter(self.score(texts))
        for doc, group in zip(batch, sents):
            doc._.claim_scores = [next(scores) for _ in group]
            yield doc

    def score(self, texts: list[str]) -> list[float]:
        """The probability for each text: the cheap stage's where it settles
        the text, the transformer's for the rest (scored in one call)."""
        if not texts:
            return []
        if self.cascade is None:
            return list(self.model.predict(texts))
        scores = self.cascade.predict(texts)
        rest = [i for i, p in enumerate(scores) if p >= self.cascade.settle_below]
        if rest:
            for i, p in zip(rest, self.model.predict([texts[i] for i in rest])):
                scores[i] = p
        return scores


# ---------------------------------------------------------- first stage

_NGRAM_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[^\sa-z\d]")


def ngram_features(text: str, dim: int) -> np.ndarray:
    """Hashed feature indices of a sentence: lower-case words (numbers as
    one token), word bigrams with sentence edges, a length bucket, a bias.
    CRC-32 hashing, so the same text gives the same indices in any process."""
    words = ["<n>" if w[0].isdigit() else w for w in _NGRAM_TOKEN.findall(text.lower())]
    names = [f"u:{w}" for w in words]
    names += [f"b:{a} {b}" for a, b in zip(["<s>", *words], [*words, "</s>"])]
    names.append(f"len:{min(len(words) // 3, 15)}")
    names.append("bias")
    mask = dim - 1
    return np.fromiter({zlib.crc32(n.encode()) & mask for n in names}, dtype=np.int64)


class NgramFilter:
    """The cascade's first stage: logistic regression over ``ngram_features``.

    Files (beside the transformer): ``cascade.json`` (dim, bias-free weights
    file name, ``settle_below``, the sha256 of the ``model.onnx`` it was tuned
    with) and ``cascade.npy`` (float32 weights, one per hashed feature).
    """

    def __init__(self, weights: np.ndarray, settle_below: float, meta: dict | None = None):
        self.weights = weights
        self.dim = len(weights)
        if self.dim & (self.dim - 1):
            raise ValueError("the number of weights must be a power of two")
        self.settle_below = float(settle_below)
        self.meta = meta or {}

    @classmethod
    def load(cls, model_dir: Path) -> "NgramFilter":
        model_dir = Path(model_dir)
        meta = json.loads((model_dir / "cascade.json").read_text(encoding="utf-8"))
        weights = np.load(model_dir / meta["weights"], allow_pickle=False)
        return cls(weights.astype(np.float32, copy=False), meta["settle_below"], meta)

    @classmethod
    def beside(cls, model) -> "NgramFilter | None":
        """The first stage shipped beside ``model`` (a ``ClaimModel``), if its
        files are there and were tuned with exactly this model; else None."""
        model_dir = getattr(model, "model_dir", None)
        if model_dir is None or not (Path(model_dir) / "cascade.json").is_file():
            return None
        stage = cls.load(model_dir)
        if stage.meta.get("model_sha256") != _sha256(Path(model_dir) / "model.onnx"):
            return None   # the transformer was retrained: the cut no longer holds
        return stage

    def predict(self, texts: list[str]) -> list[float]:
        w = self.weights
        logits = np.fromiter((float(w[ngram_features(t, self.dim)].sum()) for t in texts),
                             dtype=np.float64, count=len(texts))
        return (1.0 / (1.0 + np.exp(-logits))).tolist()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
