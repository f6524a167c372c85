"""The policy: fetched with ETags, cached on disk, used offline."""

from __future__ import annotations

import json

import pytest

from agent.core.collector_client import CollectorClient, Unreachable
from agent.core.policy import Policy, PolicyStore
from tests.agent.core.test_uploader_fake_collector import DEVICE_TOKEN, FakeCollector, policy_body


@pytest.fixture
def fake_collector():
    server = FakeCollector()
    yield server
    server.stop()


def client(fake) -> CollectorClient:
    return CollectorClient(fake.url, DEVICE_TOKEN)


def test_before_the_first_fetch_the_shipped_rules_apply_and_nothing_can_be_consented(tmp_path):
    store = PolicyStore(tmp_path / "policy.json")
    p = store.current
    assert p.source == "default" and p.rules_version == 0
    assert p.rules.match("excel", "Payroll run").category == "payroll"
    assert p.consent_version is None and p.consent_text is None
    assert p.upload_interval_s == 300 and p.idle_after_s == 300


def test_a_fetched_policy_is_cached_and_an_unchanged_one_costs_a_304(tmp_path, fake_collector):
    store = PolicyStore(tmp_path / "policy.json")
    assert store.refresh(client(fake_collector)) is True
    assert store.current.rules_version == 3 and store.current.consent_version == 1
    cached = json.loads((tmp_path / "policy.json").read_text())
    assert cached["etag"] == fake_collector.etag() and cached["body"]["rules_version"] == 3

    assert store.refresh(client(fake_collector)) is False
    method, path, headers, _ = fake_collector.log[-1]
    assert headers["If-None-Match"] == fake_collector.etag()

    fake_collector.policy = policy_body(rules_version=4)
    assert store.refresh(client(fake_collector)) is True
    assert store.current.rules_version == 4


def test_an_agent_starting_offline_uses_the_cached_policy(tmp_path, fake_collector):
    PolicyStore(tmp_path / "policy.json").refresh(client(fake_collector))
    url = fake_collector.url
    fake_collector.stop()
    store = PolicyStore(tmp_path / "policy.json")
    assert store.current.source == "cache" and store.current.rules_version == 3
    assert [c.key for c in store.current.clients] == ["acme"]
    with pytest.raises(Unreachable):
        store.refresh(CollectorClient(url, DEVICE_TOKEN, timeout=(1, 1)))
    assert store.current.rules_version == 3  # still the cached one


def test_a_policy_with_a_bad_rule_is_refused_whole_and_the_old_one_kept(tmp_path, fake_collector):
    store = PolicyStore(tmp_path / "policy.json")
    store.refresh(client(fake_collector))
    fake_collector.policy = policy_body(
        rules_version=9, rules=[{"app": "(", "category": "payroll"}]
    )
    with pytest.raises(ValueError):
        store.refresh(client(fake_collector))
    assert store.current.rules_version == 3
    assert PolicyStore(tmp_path / "policy.json").current.rules_version == 3


def test_a_corrupt_cache_falls_back_to_the_shipped_rules(tmp_path):
    (tmp_path / "policy.json").write_text("{half a file")
    assert PolicyStore(tmp_path / "policy.json").current.source == "default"


def test_upload_intervals_down_to_5_s_are_honoured_and_lower_ones_raised_to_5():
    assert Policy.from_body(policy_body(upload_interval_s=5), "t").upload_interval_s == 5
    assert Policy.from_body(policy_body(upload_interval_s=1), "t").upload_interval_s == 5
