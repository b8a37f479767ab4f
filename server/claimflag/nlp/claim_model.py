"""The trained claim scorer: a distilled MiniLM run with onnxruntime.

The model directory (by default ``claimflag/models/claims`` in the package)
holds ``model.onnx`` (int8 matrix products; inputs ``input_ids`` and
``attention_mask``, output ``probs``: the probability of each tier, A check
first, B factual but routine, C not a claim), ``tokenizer.json`` and
``meta.json`` (version, ``threshold`` for a claim, ``high_threshold`` for
check first, max_length, activations). It is written by ``claimflag train
claims``; see ``REPORT.md`` beside it.

``predict`` gives each sentence a ``TierScore``: ``claim``, the probability
that it is a claim at all (A or B), and ``check_first``, that it is one to
check first (A).

A cascade: when ``meta.json`` has a ``second_stage`` (``file``, ``band``),
a sentence whose check-first score from ``model.onnx`` is in the band
``[lo, hi)`` gets the scores of that second, larger model instead (same
tokenizer, inputs and output). Pages put most sentences far from the
check-first threshold, so the larger model looks again at the few that are
close. (The claim score is no use for this: on pages it is nearly always
close to 0 or 1.)

Only onnxruntime, tokenizers and numpy are needed here: no torch.

Processes and threads: ``load`` reads the small files only; the
onnxruntime session is created on the first ``predict`` in each process, so
a model loaded before gunicorn forks gives every worker its own session
(an onnxruntime session must not be shared across a fork). ``predict`` may
be called from several threads at once: the session is created under a lock,
and ``InferenceSession.run`` is thread-safe.

Texts of the same length in tokens are scored together, in one run, when
the files quantise activations with fixed scales (``meta.json``:
``"activations": "static"``): a text's score then depends on its own text
only, bit for bit (the tests check it), and one run reads the weights once
for the whole group (on a 3-token text a run costs 40% of one on a
22-token text: most of it is reading the weights). With scales
computed per run (``"dynamic"``, the earlier models), every text is scored
alone: in a batch a sentence's score moved with its neighbours (by up to 0.11
on a news page, enough to cross the threshold), and a cached block would keep
whatever score the page it first came with gave it.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from tokenizers import Tokenizer

if TYPE_CHECKING:
    import onnxruntime as ort

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "claims"
# Texts scored together at most: past a few, a bigger group saves little.
MAX_GROUP = 16


class TierScore(NamedTuple):
    """A sentence's scores: P(A or B), a claim; P(A), one to check first."""

    claim: float
    check_first: float


class ClaimModel:
    """Scores sentences: how likely each is a claim, and one to check first."""

    def __init__(self, model_dir: Path, meta: dict, tokenizer: Tokenizer, threads: int = 1):
        self.model_dir = model_dir
        self.meta = meta
        self.version: str = meta["version"]
        self.threshold: float = float(meta["threshold"])
        self.high_threshold: float = float(meta["high_threshold"])
        self.max_length: int = int(meta["max_length"])
        self.threads = threads
        second = meta.get("second_stage")
        self.files = ("model.onnx",) + ((second["file"],) if second else ())
        self.band: tuple[float, float] | None = tuple(second["band"]) if second else None
        self.grouped = meta.get("activations") == "static"
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self._sessions: "tuple[ort.InferenceSession, ...] | None" = None
        self._pid: int | None = None

    @classmethod
    def load(cls, model_dir: Path | None = None, threads: int = 1) -> ClaimModel:
        """Read the model directory (default: the model the package ships)."""
        model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        model = cls(model_dir, meta, tokenizer, threads=threads)
        for name in model.files:
            if not (model_dir / name).is_file():
                raise FileNotFoundError(model_dir / name)
        return model

    def _get_sessions(self) -> "tuple[ort.InferenceSession, ...]":
        """One session per file (the first stage, then the second if any)."""
        pid = os.getpid()
        sessions = self._sessions
        if sessions is not None and self._pid == pid:
            return sessions
        with self._lock:
            if self._sessions is None or self._pid != pid:
                options = session_options(self.threads)
                self._sessions = tuple(open_session(self.model_dir / name, options)
                                       for name in self.files)
                self._pid = pid
            return self._sessions

    def predict(self, texts: Sequence[str]) -> list[TierScore]:
        """The scores of each text, in the order given."""
        if not texts:
            return []
        sessions = self._get_sessions()
        # encode() one at a time: no rayon thread pool, so nothing to break on fork.
        ids = [tuple(self._tokenizer.encode(text).ids) for text in texts]
        scores = self._score(sessions[0], set(ids))
        if self.band is not None:
            unsure = {i for i, score in scores.items() if in_band(score, self.band)}
            scores.update(self._score(sessions[1], unsure))
        return [scores[i] for i in ids]

    def _score(self, session: "ort.InferenceSession",
               texts: Iterable[tuple[int, ...]]) -> dict[tuple[int, ...], TierScore]:
        """The score of each of ``texts`` (token ids, each text once)."""
        if not self.grouped:
            return {ids: _run(session, [ids])[0] for ids in texts}
        by_length = defaultdict(list)
        for ids in texts:
            by_length[len(ids)].append(ids)
        scores = {}
        for group in by_length.values():
            for start in range(0, len(group), MAX_GROUP):
                chunk = group[start:start + MAX_GROUP]
                scores.update(zip(chunk, _run(session, chunk)))
        return scores


def session_options(threads: int = 1) -> "ort.SessionOptions":
    """The options ``predict`` runs the model's files with."""
    # Imported here, in the process that runs the model: a process that has
    # imported onnxruntime and then forks (gunicorn's preloading master)
    # leaves children that hang or abort at exit.
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return options


def open_session(path: Path, options: "ort.SessionOptions") -> "ort.InferenceSession":
    """A session for one of the model's files."""
    import onnxruntime as ort

    # The files keep the residual Add and LayerNormalization apart;
    # onnxruntime would fuse them into SkipLayerNormalization, whose CPU
    # kernel is about three times slower (REPORT.md) and rounds differently.
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=["SkipLayerNormFusion"])


def in_band(score: TierScore, band: tuple[float, float]) -> bool:
    """Whether the second stage scores a text the first scored ``score``."""
    return band[0] <= score.check_first < band[1]


def tier_score(probs: Sequence[float]) -> TierScore:
    """The scores of a text from its tier probabilities (A, B, C)."""
    a, b = float(probs[0]), float(probs[1])
    return TierScore(claim=a + b, check_first=a)


def _run(session: "ort.InferenceSession", texts: Sequence[tuple[int, ...]]) -> list[TierScore]:
    """Scores of ``texts``, token ids all of the same length, in one run."""
    input_ids = np.array(texts, dtype=np.int64)
    (out,) = session.run(["probs"], {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})
    return [tier_score(row) for row in out]
