"""The sentences we wrote to teach the disclosure model the variety of
wording (``training/disclosure_own_words.jsonl``): well formed, every type
and its talk-about negatives, and none copied from the shared real data,
which stays the only measure."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from claimflag.nlp.data_files import read_jsonl
from claimflag.nlp.disclosures import TYPES
from conftest import SHARED

OWN_WORDS = Path(__file__).resolve().parents[1] / "server" / "claimflag" / "training" / "disclosure_own_words.jsonl"


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_rows_are_well_formed_and_cover_every_type():
    data = read_jsonl(OWN_WORDS)
    assert all(set(r) == {"text", "label", "where", "set"} and r["text"].strip() for r in data)
    labels = Counter(r["label"] for r in data)
    assert set(labels) == {"none", *TYPES}
    assert all(labels[t] >= 50 for t in TYPES)
    # As many sentences that only talk about disclosures as disclosures.
    assert labels["none"] >= sum(labels[t] for t in TYPES) * 0.9
    texts = [" ".join(r["text"].lower().split()) for r in data]
    assert len(set(texts)) == len(texts)


def test_no_sentence_is_copied_from_the_shared_data():
    data = SHARED / "data"
    files = [data / "disclosures" / "web" / "sentences.jsonl", data / "web-claims" / "train.jsonl",
             data / "web-claims" / "dev.jsonl"]
    shared = {words(row["text"]) for path in files for row in read_jsonl(path)}
    assert len(shared) > 3000     # the files were found
    # A trade's stock label ("For immediate release") is everyone's; a sentence is not.
    copied = [r["text"] for r in read_jsonl(OWN_WORDS) if len(words(r["text"]).split()) > 5
              and words(r["text"]) in shared]
    assert copied == []
