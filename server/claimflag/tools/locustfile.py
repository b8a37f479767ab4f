"""Load for ``claimflag bench``: each simulated reader posts pages the cache
has never seen, one after another, without pauses.

Run by the bench as ``locust -f locustfile.py --headless ...``; the
page size and a run tag come from ``CLAIMFLAG_BENCH_BLOCKS`` and
``CLAIMFLAG_BENCH_TAG`` so that pages differ between runs and processes.
"""

import itertools
import os

from locust import FastHttpUser, constant, task

from claimflag.tools.pages import analyze_body, make_page, unique_copy

BLOCKS = int(os.environ.get("CLAIMFLAG_BENCH_BLOCKS", "10"))
TAG = int(os.environ.get("CLAIMFLAG_BENCH_TAG", "0"))
_pages = itertools.count(TAG)   # the bench gives every phase its own range


class Reader(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    @task
    def analyze(self):
        number = next(_pages)
        # Made pages now and then share a body block (about 2 in 10,000
        # blocks); the tag makes every block new to the cache.
        page = unique_copy(make_page(number, BLOCKS), number)
        # A new connection per request: a kept-alive one would pin this
        # reader to whichever worker accepted it first.
        with self.client.post("/v1/analyze", json=analyze_body(page), name="/v1/analyze",
                              headers={"Connection": "close"}, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
