"""The trained claim scorer: a fine-tuned MiniLM run with onnxruntime.

The model directory (by default ``claimflag/models/claims`` in the package)
holds ``model.onnx`` (int8; inputs ``input_ids`` and ``attention_mask``,
output ``score``, the probability that the sentence is a check-worthy claim),
``tokenizer.json`` and ``meta.json`` (version, threshold, max_length). It is
written by ``claimflag train claims``; see ``REPORT.md`` beside it.

Only onnxruntime, tokenizers and numpy are needed here: no torch.

Processes and threads: ``load`` reads the small files only; the
onnxruntime session is created on the first ``predict`` in each process, so
a model loaded before gunicorn forks gives every worker its own session
(an onnxruntime session must not be shared across a fork). ``predict`` may
be called from several threads at once: the session is created under a lock,
and ``InferenceSession.run`` is thread-safe.

Scores depend a little on what else is in the batch: int8 dynamic
quantisation scales activations per batch tensor. The batches are built by
sorting on (length, token ids), so the same set of texts always gives the
same batches and the same scores, whatever their order (identical texts are
scored once). A text scored alone may differ from the same text scored in a
batch by a few thousandths.
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
        self._tokenizer = tokenizer
        self._pad_id = int(meta.get("pad_id", 0))
        self._lock = threading.Lock()
        self._session: "ort.InferenceSession | None" = None
        self._pid: int | None = None

    @classmethod
    def load(cls, model_dir: Path | None = None, threads: int = 1) -> ClaimModel:
        """Read the model directory (default: the model the package ships)."""
        model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(meta["max_length"]))
        if not (model_dir / "model.onnx").is_file():
            raise FileNotFoundError(model_dir / "model.onnx")
        return cls(model_dir, meta, tokenizer, threads=threads)

    def _get_session(self) -> "ort.InferenceSession":
        pid = os.getpid()
        session = self._session
        if session is not None and self._pid == pid:
            return session
        with self._lock:
            if self._session is None or self._pid != pid:
                # Imported here, in the process that runs the model: a process
                # that has imported onnxruntime and then forks (gunicorn's
                # preloading master) leaves children that hang or abort at exit.
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                self._session = ort.InferenceSession(
                    str(self.model_dir / "model.onnx"), options,
                    providers=["CPUExecutionProvider"])
                self._pid = pid
            return self._session

    def predict(self, texts: Sequence[str], batch_size: int = 32) -> list[float]:
        """Positive-class probability for each text, in the order given."""
        if not texts:
            return []
        session = self._get_session()
        # encode() one at a time: no rayon thread pool, so nothing to break on fork.
        # Identical token sequences are scored once, so every distinct text has
        # one place in the sorted batches whatever the order of the input.
        slot: dict[tuple[int, ...], int] = {}
        where = [slot.setdefault(tuple(self._tokenizer.encode(text).ids), len(slot)) for text in texts]
        unique = sorted(slot, key=lambda ids: (len(ids), ids))
        scores = np.empty(len(slot), dtype=np.float64)
        for start in range(0, len(unique), batch_size):
            batch = unique[start:start + batch_size]
            width = len(batch[-1])
            input_ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, ids in enumerate(batch):
                input_ids[row, :len(ids)] = ids
                mask[row, :len(ids)] = 1
            (out,) = session.run(["score"], {"input_ids": input_ids, "attention_mask": mask})
            scores[[slot[ids] for ids in batch]] = out.reshape(-1)
        return scores[where].tolist()
