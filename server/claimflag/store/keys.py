"""The one place Redis keys are built.

Keys are ``claimflag:{purpose}:{version}:{hash}``; the hash stands for page
text or a token and is never the text itself.
"""

from __future__ import annotations

import hashlib
import hmac


def make_key(purpose: str, version: str, digest: str) -> str:
    return f"claimflag:{purpose}:{version}:{digest}"


def digest(value: str, secret: str = "") -> str:
    data = value.encode("utf-8", "surrogatepass")
    if secret:
        return hmac.new(secret.encode(), data, hashlib.blake2b).hexdigest()[:40]
    return hashlib.blake2b(data, digest_size=20).hexdigest()
