"""Which Redis failures open the backoff window (claimflag.store.redis)."""

import time

import redis

from claimflag.store.redis import RedisStore


def test_a_refused_connection_opens_the_window_at_once(redis_client):
    store = RedisStore(redis_client, retry_after=30.0, description="test")
    store.failed(redis.ConnectionError("Connection refused"))
    assert not store.available()


def test_a_timeout_opens_it_only_when_another_came_within_a_window(redis_client):
    store = RedisStore(redis_client, retry_after=0.3, description="test")
    store.failed(redis.TimeoutError("Timeout reading from socket"))
    assert store.available()
    time.sleep(0.35)
    store.failed(redis.TimeoutError("Timeout reading from socket"))   # a window later: alone again
    assert store.available()
    store.failed(redis.TimeoutError("Timeout reading from socket"))
    assert not store.available()
    time.sleep(0.35)
    assert store.available() and store.ping()
