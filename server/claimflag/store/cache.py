"""The per-block result cache: flags keyed by a hash of (pipeline, block).

Values hold flags only (offsets, type, score, label and note templates),
never text. Every write carries its TTL; all of a page's blocks are read in
one MGET and written in one pipeline.
"""

from __future__ import annotations

import json

import redis

from ..nlp.flags import Flag
from .keys import digest, make_key
from .redis import RedisStore


class BlockCache:
    def __init__(self, store: RedisStore, fingerprint: str, ttl: int, secret: str = ""):
        self.store = store
        self.fingerprint = fingerprint
        self.ttl = ttl
        self.secret = secret

    def key(self, text: str, page_edge: bool) -> str:
        return make_key("block", self.fingerprint, digest(f"{int(page_edge)}\x00{text}", self.secret))

    def get_many(self, keys: list[str]) -> list[list[Flag] | None]:
        if not keys or not self.store.available():
            return [None] * len(keys)
        try:
            raw = self.store.client.mget(keys)
        except redis.RedisError as err:
            self.store.failed(err)
            return [None] * len(keys)
        return [None if value is None else _decode(value) for value in raw]

    def put_many(self, items: list[tuple[str, list[Flag]]]) -> None:
        if not items or not self.store.available():
            return
        try:
            with self.store.client.pipeline(transaction=False) as pipe:
                for key, flags in items:
                    pipe.set(key, json.dumps([f.to_cache() for f in flags], separators=(",", ":")),
                             ex=self.ttl)
                pipe.execute()
        except redis.RedisError as err:
            self.store.failed(err)


def _decode(value: bytes) -> list[Flag] | None:
    try:
        return [Flag.from_cache(row) for row in json.loads(value)]
    except (ValueError, TypeError):
        return None   # an unreadable entry is a miss; it is rewritten
