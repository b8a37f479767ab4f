"""The sentences we wrote to teach the models the variety of real wording:
``training/disclosure_own_words.jsonl`` (disclosures and sentences that only
talk about them) and ``training/claim_own_words.jsonl`` (whole page runs,
every sentence given its tier). Well formed, every label covered, and none
copied from the shared real data, which stays the only measure."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from claimflag.evaluation import TIERS, read_labelled, read_tiers
from claimflag.nlp.data_files import read_jsonl
from claimflag.nlp.disclosures import TYPES
from conftest import SHARED

TRAINING = Path(__file__).resolve().parents[1] / "server" / "claimflag" / "training"
DISCLOSURES = TRAINING / "disclosure_own_words.jsonl"
CLAIMS = TRAINING / "claim_own_words.jsonl"


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def no_repeats(rows: list[dict]) -> bool:
    texts = [" ".join(r["text"].lower().split()) for r in rows]
    return len(set(texts)) == len(texts)


def test_disclosure_rows_are_well_formed_and_cover_every_type():
    data = read_jsonl(DISCLOSURES)
    assert all(set(r) == {"text", "label", "where", "set"} and r["text"].strip() for r in data)
    labels = Counter(r["label"] for r in data)
    assert set(labels) == {"none", *TYPES}
    assert all(labels[t] >= 50 for t in TYPES)
    # As many sentences that only talk about disclosures as disclosures.
    assert labels["none"] >= sum(labels[t] for t in TYPES) * 0.9
    assert no_repeats(data)


def test_claim_rows_are_whole_page_runs_of_every_tier():
    data = read_jsonl(CLAIMS)
    assert all(set(r) == {"text", "tier", "genre", "group", "page", "block", "set"} and r["text"].strip()
               for r in data)
    tiers = Counter(r["tier"] for r in data)
    # "?": the writer's two labelling passes disagreed; training leaves it out.
    assert set(tiers) <= {*TIERS, "?"} and all(tiers[t] >= 500 for t in TIERS)
    assert {r["group"] for r in data} == {"news", "opinion", "commercial", "features"}
    assert len({r["set"] for r in data}) >= 5
    pages = [r["page"] for r in data]
    for page in set(pages):
        rows = [i for i, p in enumerate(pages) if p == page]
        assert rows == list(range(rows[0], rows[-1] + 1)), page     # one run, not scattered
        blocks = [data[i]["block"] for i in rows]
        assert blocks == sorted(blocks), page       # in the page's order, top to bottom
    assert no_repeats(data)


@pytest.mark.parametrize("own", [DISCLOSURES, CLAIMS], ids=lambda p: p.stem)
def test_no_sentence_is_copied_from_the_shared_data(own):
    data = SHARED / "data"
    files = [data / "disclosures" / "web" / "sentences.jsonl", data / "web-claims" / "train.jsonl",
             data / "web-claims" / "dev.jsonl"]
    texts = [[row["text"] for row in read_jsonl(path)] for path in files]
    texts.append([text for text, _ in read_tiers(data / "claimbuster" / "crowdsourced.csv")])
    texts.append([text for text, _ in read_labelled(
        data / "checkthat" / "ct24_task1_english" / "CT24_checkworthy_english_dev-test.tsv")])
    assert all(texts)     # every file was found and read
    shared = {words(text) for part in texts for text in part}
    # A trade's stock label ("For immediate release") is everyone's; a sentence is not.
    copied = [r["text"] for r in read_jsonl(own) if len(words(r["text"]).split()) > 5
              and words(r["text"]) in shared]
    assert copied == []
