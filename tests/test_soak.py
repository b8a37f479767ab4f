"""The soak in its short form: gunicorn with 2 workers and its own
redis-server, 6 clients for 18 s of mixed load, with a worker killed mid
request, Redis killed and restarted, and bodies abandoned half way. The full
run is `claimflag soak` (60 s, 8 clients; see the README)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimflag import soak
from claimflag.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result():
    if not shutil.which("redis-server") and not Path("/usr/bin/redis-server").exists():
        pytest.skip("redis-server is not installed")
    outcome = soak.run(duration=18, clients=6, workers=2, faults=True, seed=7, log=print)
    print(soak.table(outcome))
    return outcome


def test_the_short_soak_passes(result):
    assert result["ok"], soak.table(result)


def test_it_saw_every_fault_and_took_them_in_its_stride(result):
    assert set(result["events_s"]) == {"kill_worker", "redis_down", "redis_up", "abandon"}
    assert result["hangs"] == 0
    assert result["5xx_unexpected"] == 0
    # Settings said 503 while Redis was down, and nothing acknowledged was lost.
    assert result["settings_503_during_outage"] > 0
    assert result["writes_acknowledged_sites"] > 0 and result["lost_writes"] == 0
    assert result["stale_reads"] == 0
    # Only the killed worker's connections broke (and were retried).
    assert result["connection_errors"] == result["connection_errors_at_kill"]
    assert result["abandoned_bodies"] >= 3
    assert result["by_status"].get(200, 0) > 100


def test_the_soak_command_is_there():
    outcome = CliRunner().invoke(main, ["soak", "--help"])
    assert outcome.exit_code == 0
    assert "--duration" in outcome.output and "--clients" in outcome.output
