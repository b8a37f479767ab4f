"""Per-install settings in Redis: one hash per install, no TTL.

Layout of ``claimflag:install:v1:{hash of token}``:

- ``@install``  → ``"1"``: the install exists (written when the token is issued);
- ``@defaults`` → the install's defaults, ``{"settings": {...}, "dismissed": [...]}``;
- ``<host>``    → the same document for one site (host in canonical ASCII form).

The key never carries a TTL, so a ``volatile-lru`` Redis evicts cache
entries and rate-limit counters, never settings. Every change is a
WATCH/MULTI transaction on that one key: two workers writing at once never
lose each other's write, and a write is acknowledged only once Redis has it.
Page URLs and sentence texts are never stored: only the host names a person
chose to configure and HMACs of dismissed sentences.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from .tokens import install_key

INSTALL = "@install"
DEFAULTS = "@defaults"
_META = (INSTALL, DEFAULTS)
_MAX_ATTEMPTS = 100


class UnknownInstall(LookupError):
    pass


class Contended(Exception):
    """Other writers to the same install kept winning; nothing was written."""


class LimitExceeded(Exception):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Entry:
    """What one site (or the defaults) of one install holds."""

    settings: dict = field(default_factory=dict)
    dismissed: list[str] = field(default_factory=list)

    def dumps(self) -> str:
        return json.dumps({"settings": self.settings, "dismissed": self.dismissed},
                          separators=(",", ":"))

    @classmethod
    def loads(cls, raw: bytes | None) -> "Entry | None":
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return cls(dict(data.get("settings") or {}), list(data.get("dismissed") or []))
        except (ValueError, TypeError, AttributeError):
            return cls()   # unreadable: treated as empty, rewritten on the next change


@dataclass(frozen=True)
class Limits:
    max_domains: int
    max_dismissed: int


class SettingsStore:
    def __init__(self, client: redis.Redis, limits: Limits):
        self.client = client
        self.limits = limits

    # -- installs ---------------------------------------------------------

    def create_install(self, token: str) -> None:
        self.client.hset(install_key(token), INSTALL, "1")

    def exists(self, token: str) -> bool:
        return bool(self.client.hexists(install_key(token), INSTALL))

    # -- reads ------------------------------------------------------------

    def all(self, token: str) -> tuple[Entry, dict[str, Entry]]:
        """The install's defaults and every site it has settings for."""
        raw = self.client.hgetall(install_key(token))
        if INSTALL.encode() not in raw:
            raise UnknownInstall
        defaults = Entry.loads(raw.get(DEFAULTS.encode())) or Entry()
        sites = {name.decode(): Entry.loads(value) for name, value in raw.items()
                 if name.decode() not in _META}
        return defaults, sites

    def chain(self, token: str, hosts: list[str]) -> tuple[list[Entry | None], Entry | None]:
        """The entries of ``hosts`` (in order) and the defaults, in one round trip."""
        values = self.client.hmget(install_key(token), [INSTALL, DEFAULTS, *hosts])
        if values[0] is None:
            raise UnknownInstall
        return [Entry.loads(v) for v in values[2:]], Entry.loads(values[1])

    # -- writes -----------------------------------------------------------

    def put(self, token: str, name: str, settings: dict) -> Entry:
        """Replaces a site's (or the defaults') own settings; keeps its dismissals."""
        def change(entry: Entry) -> Entry:
            entry.settings = settings
            return entry
        return self._update(token, name, change)

    def dismiss(self, token: str, name: str, text_hash: str) -> Entry:
        def change(entry: Entry) -> Entry:
            if text_hash not in entry.dismissed:
                if len(entry.dismissed) >= self.limits.max_dismissed:
                    raise LimitExceeded(
                        f"a site holds at most {self.limits.max_dismissed} dismissed flags", "text_hash")
                entry.dismissed.append(text_hash)
            return entry
        return self._update(token, name, change)

    def undismiss(self, token: str, name: str, text_hash: str) -> Entry | None:
        def change(entry: Entry) -> Entry:
            entry.dismissed = [h for h in entry.dismissed if h != text_hash]
            return entry
        return self._update(token, name, change, create=False)

    def delete(self, token: str, name: str) -> None:
        key = install_key(token)

        def transaction(pipe: redis.client.Pipeline) -> None:
            if pipe.hget(key, INSTALL) is None:
                raise UnknownInstall
            pipe.multi()
            pipe.hdel(key, name)
        self._transact(key, transaction)

    def _update(self, token: str, name: str, change: Callable[[Entry], Entry],
                create: bool = True) -> Entry | None:
        key = install_key(token)

        def transaction(pipe: redis.client.Pipeline) -> Entry | None:
            installed, raw = pipe.hmget(key, [INSTALL, name])
            if installed is None:
                raise UnknownInstall
            if raw is None:
                if not create:
                    return None
                if name != DEFAULTS:
                    sites = pipe.hlen(key) - sum(pipe.hexists(key, m) for m in _META)
                    if sites >= self.limits.max_domains:
                        raise LimitExceeded(
                            f"an install holds settings for at most {self.limits.max_domains} sites",
                            "domain")
            entry = change(Entry.loads(raw) or Entry())
            pipe.multi()
            pipe.hset(key, name, entry.dumps())
            return entry
        return self._transact(key, transaction)

    def _transact(self, key: str, transaction):
        with self.client.pipeline(transaction=True) as pipe:
            for attempt in range(_MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    result = transaction(pipe)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    time.sleep(random.uniform(0, 0.002 * attempt))   # let the others finish
                finally:
                    pipe.reset()
        raise Contended
