"""The per-block cache on a real Redis server."""

import redis as redis_lib

from claimflag import create_app
from claimflag.metrics import BLOCKS

from conftest import analyze

TEXTS = ["Firefighters said 23 homes burned near the reservoir on Sunday.",
         "The festival drew 80,000 visitors, organisers told reporters."]


def _keys(redis_client, fingerprint):
    return [k for k in redis_client.scan_iter(match=f"claimflag:block:{fingerprint}:*")]


def test_second_request_is_served_from_cache_with_identical_answer(client, app, redis_client):
    from claimflag.nlp import get_analyzer
    with app.app_context():
        fingerprint = get_analyzer().fingerprint
    hits_before = BLOCKS.labels("hit")._value.get()
    first = analyze(client, TEXTS)
    keys_after_first = set(_keys(redis_client, fingerprint))
    second = analyze(client, TEXTS)
    assert second == first
    assert BLOCKS.labels("hit")._value.get() - hits_before == len(TEXTS)
    assert set(_keys(redis_client, fingerprint)) == keys_after_first


def test_cache_entries_expire_and_hold_no_text(client, app, redis_client):
    from claimflag.nlp import get_analyzer
    with app.app_context():
        fingerprint = get_analyzer().fingerprint
    marker = "Quillfeather Dunmore said 4,211 lanterns were lit in Varsk."
    before = set(_keys(redis_client, fingerprint))
    analyze(client, [marker])
    new = set(_keys(redis_client, fingerprint)) - before
    assert len(new) == 1
    key = new.pop()
    ttl = redis_client.ttl(key)
    assert 0 < ttl <= app.config["CLAIMFLAG"].CACHE_TTL
    value = redis_client.get(key)
    for word in ("Quillfeather", "Dunmore", "4,211", "lanterns", "Varsk"):
        assert word.encode() not in key and word.encode() not in value


def test_a_corrupt_cache_entry_is_a_miss_and_gets_rewritten(client, app, redis_client):
    from claimflag.nlp import get_analyzer
    from claimflag.store.cache import BlockCache
    from claimflag.store.redis import get_store
    with app.app_context():
        analyzer = get_analyzer()
        cache = BlockCache(get_store(), analyzer.fingerprint, 60, app.config["CLAIMFLAG"].CACHE_SECRET)
        key = cache.key(TEXTS[0], True)
    expected = analyze(client, TEXTS[:1])
    redis_client.set(key, b"not json", ex=60)
    assert analyze(client, TEXTS[:1]) == expected
    assert redis_client.get(key) != b"not json"


def test_analysis_answers_without_redis(tmp_path):
    # Nothing listens on port 1: every Redis call fails fast.
    app = create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "DATA_DIR": str(tmp_path)})
    client = app.test_client()
    result = analyze(client, TEXTS)
    assert result["page"]["counts"]["claim"] >= 1
    ready = client.get("/readyz").get_json()
    assert ready == {**ready, "status": "degraded", "redis": "down"}


def test_embedded_redis_is_the_default(tmp_path):
    app = create_app({"REDIS_URL": "", "DATA_DIR": str(tmp_path)})
    client = app.test_client()
    analyze(client, TEXTS)
    assert client.get("/readyz").get_json()["redis"] == "ok"
    assert (tmp_path / "claimflag.rdb").exists() or any(tmp_path.iterdir())


def test_a_bad_redis_url_fails_loudly_at_boot(tmp_path):
    import pytest
    from claimflag.config import ConfigurationError
    with pytest.raises(ConfigurationError):
        create_app({"REDIS_URL": "http://not-redis", "DATA_DIR": str(tmp_path)})


def test_redis_client_has_short_explicit_timeouts(app):
    from claimflag.store.redis import EXTENSION
    client: redis_lib.Redis = app.extensions[EXTENSION].client
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == app.config["CLAIMFLAG"].REDIS_SOCKET_TIMEOUT
