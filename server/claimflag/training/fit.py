"""Fitting: cross-entropy towards tier targets, AdamW, warm-up and decay.

Targets are rows of tier probabilities: one-hot gold labels for the
teacher, a mix of gold labels and the teacher's probabilities for the
student. Each sentence has a weight in the loss (web sentences count more
than debate sentences). Batches are drawn from length-sorted pools, so
little is padding; seeds fix the order.
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch
from tqdm import tqdm

from .model import MeanPoolClassifier, pad


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_batches(lengths: list[int], batch_size: int, pools: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: less padding, same randomness."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * pools
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def fit(model: MeanPoolClassifier, cfg, encoded: list[list[int]], targets: torch.Tensor,
        weights: torch.Tensor, epochs: int, desc: str, progress: bool) -> MeanPoolClassifier:
    """Train ``model`` towards ``targets`` (rows of tier probabilities), each
    sentence's loss times its weight. ``cfg``: a ``ClaimsConfig``."""
    seed_everything(cfg.seed)
    plain = [n.endswith("bias") or "LayerNorm" in n for n, _ in model.named_parameters()]
    params = [p for _, p in model.named_parameters()]
    optimizer = torch.optim.AdamW(
        [{"params": [p for p, no in zip(params, plain) if not no], "weight_decay": cfg.weight_decay},
         {"params": [p for p, no in zip(params, plain) if no], "weight_decay": 0.0}],
        lr=cfg.learning_rate)
    rng = random.Random(cfg.seed)
    lengths = [len(s) for s in encoded]
    steps = epochs * math.ceil(len(encoded) / cfg.batch_size)
    warmup = max(1, int(cfg.warmup_ratio * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))))
    model.train()
    with tqdm(total=steps, unit="step", desc=desc, disable=not progress) as bar:
        for _epoch in range(epochs):
            for batch in length_batches(lengths, cfg.batch_size, cfg.length_buckets, rng):
                ids, mask = pad([encoded[i] for i in batch])
                log_probs = torch.log_softmax(model(ids, mask), dim=-1)
                per_text = -(targets[batch] * log_probs).sum(-1)
                loss = (per_text * weights[batch]).sum() / weights[batch].sum()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad(set_to_none=True)
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    model.eval()
    return model
