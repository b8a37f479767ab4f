"""The claim scorer's optional first stage (``NgramFilter``)."""

import json
import zlib

import numpy as np

from claimflag.nlp.claims import ClaimScorer, NgramFilter, ngram_features


class Recorder:
    """A stand-in transformer: scores 0.9 and remembers what it was asked."""

    def __init__(self, model_dir=None):
        self.model_dir = model_dir
        self.asked = []

    def predict(self, texts):
        self.asked.append(list(texts))
        return [0.9] * len(texts)


def _filter_against(word: str, dim: int = 1 << 10) -> NgramFilter:
    weights = np.zeros(dim, dtype=np.float32)
    weights[zlib.crc32(f"u:{word}".encode()) & (dim - 1)] = -10.0   # "word" means: not a claim
    return NgramFilter(weights, settle_below=0.1)


def test_features_are_stable_and_in_range():
    a = ngram_features("Unemployment rose to 7.5 per cent in 2024.", 1 << 12)
    b = ngram_features("Unemployment rose to 7.5 per cent in 2024.", 1 << 12)
    assert sorted(a.tolist()) == sorted(b.tolist())
    assert a.min() >= 0 and a.max() < 1 << 12
    # numbers are one token: other figures give the same features
    assert sorted(ngram_features("rose to 3", 64).tolist()) == sorted(ngram_features("rose to 98", 64).tolist())


def test_only_unsettled_sentences_reach_the_transformer():
    model = Recorder()
    scorer = ClaimScorer(None, "scorer", model, cascade=_filter_against("lovely"))
    scores = scorer.score(["What a lovely day.", "Prices rose by 4 per cent.", "Lovely."])
    assert model.asked == [["Prices rose by 4 per cent."]]
    assert scores[1] == 0.9
    assert scores[0] < 0.1 and scores[2] < 0.1


def test_without_a_first_stage_every_sentence_is_scored(tmp_path):
    model = Recorder(tmp_path)
    scorer = ClaimScorer(None, "scorer", model)
    assert scorer.cascade is None
    assert scorer.score(["A.", "B."]) == [0.9, 0.9]
    assert scorer.score([]) == []


def test_a_first_stage_tuned_for_another_model_is_ignored(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"one model")
    np.save(tmp_path / "cascade.npy", np.zeros(64, dtype=np.float32))
    meta = {"weights": "cascade.npy", "settle_below": 0.05, "model_sha256": "0" * 64}
    (tmp_path / "cascade.json").write_text(json.dumps(meta))
    assert NgramFilter.beside(Recorder(tmp_path)) is None
    import hashlib
    meta["model_sha256"] = hashlib.sha256(b"one model").hexdigest()
    (tmp_path / "cascade.json").write_text(json.dumps(meta))
    stage = NgramFilter.beside(Recorder(tmp_path))
    assert stage is not None and stage.settle_below == 0.05
    assert stage.predict(["anything"]) == [0.5]
