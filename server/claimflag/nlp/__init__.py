"""The NLP side: one Analyzer per process, shared by every app built in it."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app

EXTENSION = "claimflag.analyzer"


@lru_cache(maxsize=4)
def load_analyzer(model_name: str, batch_size: int, claim_threshold: float):
    from .pipeline import Analyzer

    return Analyzer(model_name, batch_size=batch_size,
                    claim_threshold=None if claim_threshold < 0 else claim_threshold)


def init_app(app: Flask) -> None:
    config = app.config["CLAIMFLAG"]
    app.extensions[EXTENSION] = load_analyzer(
        config.SPACY_MODEL, config.NLP_BATCH_SIZE, config.CLAIM_THRESHOLD)


def get_analyzer():
    return current_app.extensions[EXTENSION]
