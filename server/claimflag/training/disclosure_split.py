"""The real page sentences of the disclosure data and their split by site.

Standard library only: the tests read the dev split through it without the
train extra. ``training/disclosures.py`` chooses and fits the model on the
train split and measures it on the dev split.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlparse

WEB_FILE = Path("disclosures/web/sentences.jsonl")
SEED = 0
DEV_PERCENT = 30
SPLIT_RULE = ("a site (the host of source_url without `www.`; a GitHub file counts as "
              "`github.com/<owner>/<repo>`) is in dev when int(blake2b(f\"{seed}:{site}\", "
              "digest_size=8).hexdigest(), 16) % 100 < dev_percent, else in train")


def site(url: str) -> str:
    parts = urlparse(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host == "github.com":
        host += "/" + "/".join(parts.path.strip("/").split("/")[:2])
    return host


def in_dev(site_name: str, seed: int = SEED, dev_percent: int = DEV_PERCENT) -> bool:
    digest = hashlib.blake2b(f"{seed}:{site_name}".encode(), digest_size=8).hexdigest()
    return int(digest, 16) % 100 < dev_percent


def read_web(data_dir: Path) -> list[dict]:
    with open(Path(data_dir) / WEB_FILE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split(rows: list[dict], seed: int = SEED, dev_percent: int = DEV_PERCENT) -> tuple[list[dict], list[dict]]:
    """(train, dev): no site has rows on both sides."""
    train, dev = [], []
    for row in rows:
        (dev if in_dev(site(row["source_url"]), seed, dev_percent) else train).append(row)
    return train, dev


def dev_split(data_dir: Path, seed: int = SEED, dev_percent: int = DEV_PERCENT) -> list[dict]:
    return split(read_web(data_dir), seed, dev_percent)[1]
