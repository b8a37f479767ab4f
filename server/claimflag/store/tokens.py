"""Install tokens: issued once, kept by the extension, stored only as a hash.

A token is 32 random bytes (256 bits) in URL-safe base64. Redis never sees
the token itself: the install's data lives under a key built from its hash,
and dismissed sentences are keyed (HMAC) with the token, so a copy of Redis
can neither act as an install nor test which sentences an install dismissed.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from .keys import digest, make_key

TOKEN_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_well_formed(token: str) -> bool:
    return bool(_TOKEN.fullmatch(token))


def install_key(token: str) -> str:
    """The Redis key of an install: a hash of its token, never the token."""
    return make_key("install", "v1", digest(token))


def sentence_hash(token: str, sentence: str) -> str:
    """What a dismissed flag is remembered by: an HMAC of its sentence, keyed
    with the install's token. Whitespace and Unicode normalisation do not
    change it, so a re-rendered page still matches."""
    normal = " ".join(unicodedata.normalize("NFC", sentence).split())
    return digest(normal, secret=token)
