"""The variants of a trained model, compared on the tuning sets.

Each variant is scored on the web dev sentences and the CT24 dev-test
sentences, measured by ``Tuning.measure`` at its own thresholds, and, when
it runs through ``ClaimModel`` (from files in the work directory, one core,
as the service runs it), timed. The rows become the report's "Approaches
compared in this run" table.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from claimflag.nlp.claim_model import ClaimModel, TierScore

from .report import measure_speed
from .thresholds import Tuning

Scores = tuple[list[TierScore], list[TierScore]]   # web dev, CT24 dev-test


class Variants:
    def __init__(self, work: Path, meta: dict[str, Any], tuning: Tuning, texts: tuple[list[str], list[str]]):
        """``work``: where each runtime's folder is made, with
        ``tokenizer.json`` in it; ``meta``: the ``meta.json`` they share;
        ``texts``: the tuning sentences, web dev and CT24 dev-test."""
        self.work, self.meta, self.tuning, self.texts = work, meta, tuning, texts
        self.rows: list[dict[str, Any]] = []

    def runtime(self, name: str, files: dict[str, Path], **meta: Any) -> ClaimModel:
        """``files`` (name in the folder → file) as ``ClaimModel`` runs them, on one core."""
        folder = self.work / name
        folder.mkdir(exist_ok=True)
        for target, source in {**files, "tokenizer.json": self.work / "tokenizer.json"}.items():
            shutil.copy(source, folder / target)
        (folder / "meta.json").write_text(json.dumps({**self.meta, **meta}))
        return ClaimModel.load(folder, threads=1)

    def scored(self, model: ClaimModel) -> Scores:
        return model.predict(self.texts[0]), model.predict(self.texts[1])

    def add(self, name: str, scores: Scores, runtime: ClaimModel | None = None,
            size_mb: float | None = None) -> dict[str, Any]:
        """A row of the table: the variant's figures, and its speed when it has a runtime."""
        speed = measure_speed(runtime, [t for part in self.texts for t in part]) if runtime else None
        self.rows.append({"approach": name, **self.tuning.measure(*scores), "speed": speed,
                          "size_mb": size_mb})
        return self.rows[-1]
