"""The reference hash both sides use: the agent's timer and the collector's
imports must give the same hex for the same salt and reference."""

from __future__ import annotations

from agent.core.item_timer import reference_hash
from shared.work_item_ref import hash_reference

SALT = "0" * 64


def test_hash_is_hmac_sha256_of_the_stripped_reference_keyed_by_the_salt_text():
    # Worked with `hmac.new(b"0" * 64, b"Q-1", hashlib.sha256).hexdigest()`.
    expected = "0b839db9e5eb17cb6494eb4d2fd54899fb6a4136a54692e5f0aed4478bc88780"
    assert hash_reference(SALT, "Q-1") == expected
    assert hash_reference(SALT, "  Q-1\n") == expected
    assert hash_reference("1" * 64, "Q-1") != expected


def test_the_agent_timer_hashes_the_same_way():
    assert reference_hash(SALT, " Q-1 ") == hash_reference(SALT, "Q-1")
