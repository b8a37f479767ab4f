"""The application factory and its configuration."""

import pytest

from claimflag import create_app
from claimflag.config import Config


def test_config_reads_the_environment_with_types():
    config = Config.from_env({"CLAIMFLAG_MAX_BLOCKS": "12", "CLAIMFLAG_REDIS_SOCKET_TIMEOUT": "0.5",
                              "UNRELATED": "x"})
    assert config.MAX_BLOCKS == 12 and config.REDIS_SOCKET_TIMEOUT == 0.5
    assert config.MAX_BODY_BYTES == 2 * 1024 * 1024


def test_a_bad_number_in_the_environment_is_a_clear_error():
    with pytest.raises(ValueError, match="CLAIMFLAG_MAX_BLOCKS"):
        Config.from_env({"CLAIMFLAG_MAX_BLOCKS": "many"})


def test_explicit_config_wins_over_the_environment(monkeypatch, redis_url, tmp_path):
    monkeypatch.setenv("CLAIMFLAG_MAX_BLOCKS", "7")
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "MAX_BLOCKS": 3})
    assert app.config["CLAIMFLAG"].MAX_BLOCKS == 3


def test_each_app_is_independent_but_shares_the_loaded_pipeline(redis_url, tmp_path):
    from claimflag.nlp import EXTENSION
    one = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "MAX_BLOCKS": 1})
    two = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "MAX_BLOCKS": 2})
    assert one.config["CLAIMFLAG"].MAX_BLOCKS != two.config["CLAIMFLAG"].MAX_BLOCKS
    assert one.extensions[EXTENSION] is two.extensions[EXTENSION]
