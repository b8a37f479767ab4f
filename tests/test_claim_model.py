"""The packaged claim scorer (sentences written for these tests)."""

import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest

from claimflag.nlp.claim_model import MAX_GROUP, ClaimModel, _run, open_session, session_options

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


@pytest.fixture(scope="module")
def model():
    return ClaimModel.load()


def test_loads_from_package_files(model):
    packaged = resources.files("claimflag") / "models" / "claims"
    for name in (*model.files, "tokenizer.json", "meta.json", "REPORT.md"):
        assert (packaged / name).is_file(), name
    assert model.model_dir.resolve() == type(model).load(None).model_dir.resolve()
    assert model.version.startswith("claims-")
    assert 0.0 < model.threshold < 1.0
    assert model.predict([]) == []


@pytest.mark.parametrize("text", CLAIMS)
def test_factual_claim_scores_above_threshold(model, text):
    (score,) = model.predict([text])
    assert score > model.threshold


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_greeting_and_opinion_score_below_threshold(model, text):
    (score,) = model.predict([text])
    assert score < model.threshold


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
    assert all(0.0 <= s <= 1.0 for s in forward)


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
        assert result == pytest.approx(serial, abs=1e-6)


# Sentences a reader might or might not check: the first stage is unsure of
# some of them (their scores fall in the band), sure of others.
BORDERLINE = [
    "The council says the new bus lanes have made the morning commute quicker.",
    "Critics argue the scheme has done little for local shops.",
    "The museum reopened after a long refurbishment.",
    "Some economists think the slowdown is already over.",
    "Our club has grown a lot since it opened.",
    "Most residents seem to prefer the old timetable.",
]


def _stage_scores(model, path, texts):
    """Scores of one stage's file alone, in a session of the test's own."""
    session = open_session(path, session_options())
    return [_run(session, [tuple(model._tokenizer.encode(text).ids)])[0] for text in texts]


def test_the_second_stage_rescores_the_sentences_in_the_band_and_only_those(model):
    # The shipped model is a cascade (REPORT.md): the student, then its teacher.
    assert len(model.files) == 2 and model.band is not None
    lo, hi = model.band
    texts = BORDERLINE + CLAIMS + NOT_CLAIMS
    first, second = (_stage_scores(model, model.model_dir / name, texts) for name in model.files)
    in_band = [lo <= s < hi for s in first]
    assert any(in_band) and not all(in_band)
    # Two different models: the teacher moves the scores it is asked for.
    assert max(abs(a - b) for a, b, inside in zip(first, second, in_band) if inside) > 0.05
    expected = [b if inside else a for a, b, inside in zip(first, second, in_band)]
    assert model.predict(texts) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("stage", [0, 1])
def test_each_stage_runs_its_layer_norms_unfused(model, tmp_path, stage):
    # onnxruntime's SkipLayerNormalization kernel is the slow one (REPORT.md):
    # neither the files nor the session the model opens may bring it back.
    options = session_options()
    options.enable_profiling = True
    options.profile_file_prefix = str(tmp_path / "profile")
    session = open_session(model.model_dir / model.files[stage], options)
    _run(session, [tuple(model._tokenizer.encode(CLAIMS[0]).ids)])
    events = json.loads(Path(session.end_profiling()).read_text(encoding="utf-8"))
    ops = {e["args"]["op_name"] for e in events if e.get("cat") == "Node"}
    # The int8 products with static activation scales, and plain layer norms.
    assert "LayerNormalization" in ops and "MatMulIntegerToFloat" in ops
    assert not ops & {"SkipLayerNormalization", "DynamicQuantizeLinear", "DynamicQuantizeMatMul"}
