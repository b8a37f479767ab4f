"""The service's host rules against the cases the extension is tested on too
(tests/data/host_rules.json; extension/test/host-rules.test.js reads the same
file), so the two owners of these rules cannot drift apart."""

import json
from pathlib import Path

import pytest

from claimflag.domains import InvalidHost, host_of_url, lookup_chain, normalize_host, resolve

CASES = json.loads((Path(__file__).parent / "data" / "host_rules.json").read_text(encoding="utf-8"))


def _name(case: dict) -> str:
    return ascii(case.get("input") or case.get("url") or case["host"])[:60]


@pytest.mark.parametrize("case", CASES["hosts"], ids=_name)
def test_host_names_are_normalized(case):
    if case["host"] is None:
        with pytest.raises(InvalidHost):
            normalize_host(case["input"])
    else:
        assert normalize_host(case["input"]) == case["host"]


@pytest.mark.parametrize("case", CASES["urls"], ids=_name)
def test_the_host_of_a_page_url(case):
    assert host_of_url(case["url"]) == case["host"]


@pytest.mark.parametrize("case", CASES["chains"], ids=_name)
def test_the_chain_from_a_host_to_its_parents(case):
    assert lookup_chain(case["host"]) == case["chain"]


@pytest.mark.parametrize("case", CASES["sites"], ids=lambda c: f"{c['host']}<-{','.join(c['rules'])}")
def test_the_most_specific_rule_applies(case):
    # Each rule sets a min_score of its own, so the effective one names the rule that applied,
    # looked up as /v1/analyze and /v1/settings do: along the host's chain, field by field.
    rules = {normalize_host(rule): i / 100 for i, rule in enumerate(case["rules"], start=1)}
    chain = lookup_chain(normalize_host(case["host"]))
    effective = resolve([{"min_score": rules[h]} if h in rules else None for h in chain],
                        {"enabled": True, "kinds": [], "min_score": 0.0, "muted_types": [], "all_claims": False})
    applied = next((rule for rule, score in rules.items() if score == effective["min_score"]), None)
    assert applied == (normalize_host(case["applies"]) if case["applies"] else None)
