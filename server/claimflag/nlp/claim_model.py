"""The trained claim scorer: a distilled MiniLM run with onnxruntime.

The model directory (by default ``claimflag/models/claims`` in the package)
holds ``model.onnx`` (int8, with onnxruntime's fused attention and GELU
kernels; inputs ``input_ids`` and ``attention_mask``, output ``score``, the
probability that the sentence is a check-worthy claim),
``tokenizer.json`` and ``meta.json`` (version, threshold, max_length). It is
written by ``claimflag train claims``; see ``REPORT.md`` beside it.

A cascade: when ``meta.json`` has a ``second_stage`` (``file``, ``band``),
a sentence that ``model.onnx`` scores in the band ``[lo, hi)`` gets the score
of that second, larger model instead (same tokenizer, inputs and output).
Pages put most sentences far from the threshold, so the larger model looks
again at the few that are close to it.

Only onnxruntime, tokenizers and numpy are needed here: no torch.

Processes and threads: ``load`` reads the small files only; the
onnxruntime session is created on the first ``predict`` in each process, so
a model loaded before gunicorn forks gives every worker its own session
(an onnxruntime session must not be shared across a fork). ``predict`` may
be called from several threads at once: the session is created under a lock,
and ``InferenceSession.run`` is thread-safe.

Every text is scored alone. int8 dynamic quantisation scales activations
per input tensor, so in a padded batch a sentence's score moved with its
neighbours (by up to 0.11 on a news page, enough to cross the threshold), and
a cached block would keep whatever score the page it first came with gave it.
Alone, a sentence's score depends on its text only; without padding, this
costs little speed on page-length sentences.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np
from tokenizers import Tokenizer

if TYPE_CHECKING:
    import onnxruntime as ort

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "claims"


class ClaimModel:
    """Scores sentences: the probability that each is a check-worthy claim."""

    def __init__(self, model_dir: Path, meta: dict, tokenizer: Tokenizer, threads: int = 1):
        self.model_dir = model_dir
        self.meta = meta
        self.version: str = meta["version"]
        self.threshold: float = float(meta["threshold"])
        self.max_length: int = int(meta["max_length"])
        self.threads = threads
        second = meta.get("second_stage")
        self.files = ("model.onnx",) + ((second["file"],) if second else ())
        self.band: tuple[float, float] | None = tuple(second["band"]) if second else None
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

    def predict(self, texts: Sequence[str]) -> list[float]:
        """Positive-class probability for each text, in the order given."""
        if not texts:
            return []
        sessions = self._get_sessions()
        # encode() one at a time: no rayon thread pool, so nothing to break on fork.
        scored: dict[tuple[int, ...], float] = {}
        scores = []
        for text in texts:
            ids = tuple(self._tokenizer.encode(text).ids)
            if ids not in scored:
                score = _run(sessions[0], ids)
                if self.band is not None and in_band(score, self.band):
                    score = _run(sessions[1], ids)
                scored[ids] = score
            scores.append(scored[ids])
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


def in_band(score: float, band: tuple[float, float]) -> bool:
    """Whether the second stage scores a text the first scored ``score``."""
    return band[0] <= score < band[1]


def _run(session: "ort.InferenceSession", ids: tuple[int, ...]) -> float:
    input_ids = np.array([ids], dtype=np.int64)
    (out,) = session.run(["score"], {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})
    return float(out.reshape(-1)[0])
