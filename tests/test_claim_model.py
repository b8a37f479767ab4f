"""The packaged claim scorer (sentences written for these tests)."""

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest

from claimflag.nlp.claim_model import (
    MAX_GROUP,
    ClaimModel,
    TierScore,
    _run,
    in_band,
    open_session,
    session_options,
)

CLAIMS = [
    "The unemployment rate fell from 7.2 percent in 2019 to 4.1 percent last year.",
    "Sales of electric cars rose 38 percent in 2023, to 14 million vehicles worldwide.",
    "The new law cut the state's prison population by 9,000 people in two years.",
]
NOT_CLAIMS = [
    "Thank you all so much for coming tonight, it is wonderful to see you.",
    "I just love a good cup of coffee on a rainy morning.",
    "Good evening, everyone.",
]
# Factual but routine: narration, a named person's plan, a schedule.
ROUTINE = [
    "The mayor said she will open the new library branch on Saturday morning.",
    "The band played two sets at the town hall on Friday night.",
]


def flat(scores: list[TierScore]) -> list[float]:
    return [p for score in scores for p in score]


@pytest.fixture(scope="module")
def model():
    return ClaimModel.load()


def test_loads_from_package_files(model):
    packaged = resources.files("claimflag") / "models" / "claims"
    for name in (*model.files, "tokenizer.json", "meta.json", "REPORT.md"):
        assert (packaged / name).is_file(), name
    assert model.model_dir.resolve() == type(model).load(None).model_dir.resolve()
    assert model.version.startswith("claims-")
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.high_threshold < 1.0
    assert model.predict([]) == []


@pytest.mark.parametrize("text", CLAIMS)
def test_a_claim_with_figures_is_one_to_check_first(model, text):
    (score,) = model.predict([text])
    assert score.check_first > model.high_threshold and score.claim > model.threshold


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_greeting_and_opinion_are_no_claim(model, text):
    (score,) = model.predict([text])
    assert score.claim < model.threshold and score.check_first < model.high_threshold


@pytest.mark.parametrize("text", ROUTINE)
def test_routine_narration_is_a_claim_but_not_one_to_check_first(model, text):
    (score,) = model.predict([text])
    assert score.claim > model.threshold and score.check_first < model.high_threshold


def _many():
    base = CLAIMS + NOT_CLAIMS
    return [f"{text} ({i})" if i % 3 else text for i, text in enumerate(base * 12)]


def test_a_score_depends_on_its_text_alone(model):
    texts = _many()
    forward = model.predict(texts)
    backward = model.predict(texts[::-1])[::-1]
    assert forward == backward
    alone = [model.predict([text])[0] for text in texts[:20]]
    assert alone == forward[:20]
    # The same sentence among other neighbours scores the same.
    page = model.predict(["Short.", texts[0], "A much longer neighbour sentence " * 8])
    assert page[1] == forward[0]
    # P(A) is part of P(A or B); both are probabilities.
    assert all(0.0 <= s.check_first <= s.claim <= 1.0 + 1e-6 for s in forward)


def test_texts_of_equal_length_are_scored_together_as_if_alone(model, monkeypatch):
    # The shipped files fix their activation scales (REPORT.md), so a group
    # of texts gives each the score it gets alone, in one run of the model.
    assert model.grouped
    texts = [f"The river rose {n} centimetres overnight, the agency said." for n in range(10, 40)]
    assert len({len(model._tokenizer.encode(text).ids) for text in texts}) == 1
    alone = [model.predict([text])[0] for text in texts]
    first = model._get_sessions()[0]
    runs = []
    real_run = first.run
    monkeypatch.setattr(first, "run", lambda *args, **kw: runs.append(args[1]["input_ids"].shape) or
                        real_run(*args, **kw))
    assert model.predict(texts) == alone
    assert len(runs) == -(-len(texts) // MAX_GROUP) and runs[0][0] == MAX_GROUP


def test_concurrent_predict_matches_serial(model):
    texts = _many()
    serial = model.predict(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: model.predict(texts), range(8)))
    for result in results:
        assert flat(result) == pytest.approx(flat(serial), abs=1e-6)


# Sentences a reader might or might not check: the model is unsure of some
# of them (their check-first scores fall in a cascade's band), sure of others.
BORDERLINE = [
    "The council says the new bus lanes have made the morning commute quicker.",
    "Critics argue the scheme has done little for local shops.",
    "The museum reopened after a long refurbishment.",
    "Some economists think the slowdown is already over.",
    "Our club has grown a lot since it opened.",
    "Most residents seem to prefer the old timetable.",
    "The drought has pushed up the price of vegetables across the region.",
    "Visitor numbers have doubled since the bridge opened.",
    "The report blames poor maintenance for the collapse.",
    "The school was one of the first in the state to ban phones.",
]


def test_a_cascade_rescores_the_sentences_in_its_band_and_only_those(model, tmp_path, monkeypatch):
    # The shipped model is the student alone (REPORT.md: the teacher did not
    # pay for its cost); a cascade's routing is checked with the student
    # standing in as its own second stage.
    folder = tmp_path / "cascade"
    shutil.copytree(model.model_dir, folder)
    shutil.copy(folder / "model.onnx", folder / "second.onnx")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["second_stage"] = {"file": "second.onnx", "band": [0.3, 0.8]}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    cascade = ClaimModel.load(folder)
    texts = BORDERLINE + CLAIMS + NOT_CLAIMS + ROUTINE
    first = model.predict(texts)
    unsure = {tuple(model._tokenizer.encode(t).ids) for t, s in zip(texts, first) if in_band(s, cascade.band)}
    assert 0 < len(unsure) < len(texts)
    second = cascade._get_sessions()[1]
    asked = []
    real_run = second.run
    monkeypatch.setattr(second, "run", lambda *args, **kw: asked.extend(map(tuple, args[1]["input_ids"].tolist()))
                        or real_run(*args, **kw))
    assert flat(cascade.predict(texts)) == pytest.approx(flat(first), abs=1e-6)
    assert set(asked) == unsure and len(asked) == len(unsure)


def test_the_model_runs_its_layer_norms_unfused(model, tmp_path):
    # onnxruntime's SkipLayerNormalization kernel is the slow one (REPORT.md):
    # neither the file nor the session the model opens may bring it back.
    options = session_options()
    options.enable_profiling = True
    options.profile_file_prefix = str(tmp_path / "profile")
    session = open_session(model.model_dir / model.files[0], options)
    _run(session, [tuple(model._tokenizer.encode(CLAIMS[0]).ids)])
    events = json.loads(Path(session.end_profiling()).read_text(encoding="utf-8"))
    ops = {e["args"]["op_name"] for e in events if e.get("cat") == "Node"}
    # The int8 products with static activation scales, and plain layer norms.
    assert "LayerNormalization" in ops and "MatMulIntegerToFloat" in ops
    assert not ops & {"SkipLayerNormalization", "DynamicQuantizeLinear", "DynamicQuantizeMatMul"}


def test_the_report_says_what_the_model_files_say(model):
    # REPORT.md is rendered from meta.json (hand-written sections follow).
    from claimflag.training.report import render

    report = (model.model_dir / "REPORT.md").read_text(encoding="utf-8")
    assert report.startswith(render(model.meta))
    assert f"{model.threshold:.4f}" in report and f"{model.high_threshold:.4f}" in report


def test_a_model_is_scored_on_the_held_out_set_once(model, tmp_path):
    from claimflag.training.report import record_heldout

    folder = tmp_path / "claims"
    shutil.copytree(model.model_dir, folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta.pop("heldout_test", None)
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    test_set = tmp_path / "test.tsv"
    test_set.write_text("Sentence_id\tText\tclass_label\n"
                        f"1\t{CLAIMS[0]}\tYes\n2\t{NOT_CLAIMS[0]}\tNo\n", encoding="utf-8")
    result = record_heldout(test_set, folder)
    assert (result["n"], result["positives"], result["threshold"]) == (2, 1, model.high_threshold)
    written = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["heldout_test"]
    assert written["f1"] == result["f1"] and len(written["sha256"]) == 64
    assert "## Held-out test (run once, for this model)" in (folder / "REPORT.md").read_text(encoding="utf-8")
    with pytest.raises(RuntimeError, match="already scored"):
        record_heldout(test_set, folder)
