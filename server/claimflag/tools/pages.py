"""The pages ``claimflag bench`` measures, from ``data/bench_pages.jsonl``.

The file names the sample pages (read from ``shared/samples``, never
copied) and holds the templates pages are made from: claims of the kinds the
detector types, opinion, headings, page furniture and disclosures, with
slots for names and figures. A made page's furniture, headings and
disclosure hold a number unique to the page; its body blocks differ from
page to page by their random draws only, so over many pages two now and
then match (about 2 in 10,000 blocks). ``unique_copy`` makes every block of
a page new to the cache, as the bench's cold requests need.

``measured_pages()`` is what the bench times and what the training's
cascade band rule (``training/second_stage.py``) splits into sentences: a
change to the file changes both.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..pages import blocks_from_text

DATA = Path(__file__).resolve().parent / "data" / "bench_pages.jsonl"
_ROOT = Path(__file__).resolve().parents[3]      # the repository, beside shared/


@dataclass(frozen=True)
class PageSource:
    samples: list[str]              # file names in shared/samples
    generated: int                  # made pages measured, numbered from first_page
    first_page: int
    blocks: int                     # blocks per made page
    slots: dict[str, list[str]]     # person, body, place, month
    templates: dict[str, list[str]]  # claim, opinion, heading, furniture, disclosure


@functools.cache
def source() -> PageSource:
    measured: dict = {}
    slots: dict[str, list[str]] = {}
    templates: dict[str, list[str]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "measured" in record:
            measured = record["measured"]
        elif "slot" in record:
            slots[record["slot"]] = record["values"]
        elif "template" in record:
            templates.setdefault(record["template"], []).append(record["text"])
    return PageSource(measured["samples"], measured["generated"], measured["first_page"],
                      measured["blocks"], slots, templates)


def _fill(template: str, rng: random.Random, unique: int) -> str:
    slots = source().slots
    return template.format(
        person=rng.choice(slots["person"]), body=rng.choice(slots["body"]),
        place=rng.choice(slots["place"]), month=rng.choice(slots["month"]),
        day=rng.randint(1, 28), d=rng.randint(2, 9),
        n=f"{rng.randint(2, 90) * 1000 + unique % 1000:,}", pct=rng.randint(2, 60),
        money=rng.randint(2, 900), year=rng.randint(2027, 2040), u=unique)


def make_page(page_id: int, blocks: int = 30) -> list[str]:
    """A page of ``blocks`` blocks, the same for the same ``page_id``; see
    above for how far two pages differ."""
    templates = source().templates
    rng = random.Random(page_id)
    out = []
    for i in range(blocks):
        unique = page_id * 1000 + i
        if i == 0:
            out.append(_fill(rng.choice(templates["furniture"]), rng, unique))
        elif i == blocks - 1:
            out.append(_fill(rng.choice(templates["disclosure"]), rng, unique))
        elif i % 7 == 1:
            out.append(_fill(rng.choice(templates["heading"]), rng, unique))
        else:
            sentences = [_fill(rng.choice(templates["claim"]), rng, unique)]
            for _ in range(rng.randint(1, 3)):
                pool = templates["claim"] if rng.random() < 0.55 else templates["opinion"]
                sentences.append(_fill(rng.choice(pool), rng, unique))
            rng.shuffle(sentences)
            out.append(" ".join(sentences))
    return out


def sample_pages() -> list[list[str]]:
    """The real pages in ``shared/samples`` (one block per non-empty line);
    none where that folder is not found."""
    for folder in (_ROOT.parent / "shared" / "samples", _ROOT / "shared" / "samples",
                   Path.cwd().parent / "shared" / "samples", Path.cwd() / "shared" / "samples"):
        found = [folder / name for name in source().samples if (folder / name).is_file()]
        if found:
            return [blocks_from_text(p.read_text(encoding="utf-8")) for p in found]
    return []


def measured_pages(generated: int | None = None,
                   samples: list[list[str]] | None = None) -> list[list[str]]:
    """The sample pages, then the first ``generated`` made pages (all the
    file names by default)."""
    src = source()
    samples = sample_pages() if samples is None else samples
    count = src.generated if generated is None else generated
    return samples + [make_page(src.first_page + k, src.blocks) for k in range(count)]


def unique_copy(page: list[str], tag: int) -> list[str]:
    """The page with a number unique to (tag, block) added to every block."""
    return [f"{text} [{tag}.{i}]" for i, text in enumerate(page)]


def words(page: list[str]) -> int:
    return sum(len(text.split()) for text in page)


def analyze_body(page: list[str], url: str | None = None) -> dict:
    """The ``/v1/analyze`` request for a page (every kind: the default)."""
    body: dict = {"blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(page)]}
    if url:
        body["url"] = url
    return body
