"""The detectors' data files: JSONL, one entry per line, readable as they stand.

The packaged files live in ``nlp/data``; a saved pipeline keeps each
component's own copies in its folder (``to_disk``), and ``from_disk`` reads
them back from there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path


def packaged(filename: str) -> list[dict]:
    """The rows of a data file shipped in the package."""
    folder = resources.files("claimflag.nlp").joinpath("data")
    return _parse(folder.joinpath(filename).read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    """The rows of a saved data file; a missing file has none."""
    return _parse(path.read_text(encoding="utf-8")) if path.exists() else []


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")


def _parse(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
