"""Verify the journal's hash chain; violations come back as data, naming the bad entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from ledger.encoding import GENESIS_HASH, chain_hash
from ledger.engine import JournalEntry


@dataclass(frozen=True, slots=True)
class ChainViolation:
    seq: int
    transfer_id: UUID
    problem: str


def verify_chain(
    entries: Iterable[JournalEntry], *, start_hash: bytes = GENESIS_HASH, start_seq: int = 0
) -> list[ChainViolation]:
    """Walk entries in seq order from (start_seq, start_hash); return every break found."""
    violations: list[ChainViolation] = []
    prev_hash, prev_seq, prev_ts = start_hash, start_seq, -1
    for e in entries:
        t = e.transfer
        if e.seq != prev_seq + 1:
            violations.append(ChainViolation(e.seq, t.id, f"gap: expected seq {prev_seq + 1}"))
        if e.prev_hash != prev_hash:
            violations.append(ChainViolation(e.seq, t.id, "prev_hash does not match the chain"))
        if e.hash != chain_hash(e.prev_hash, t):
            violations.append(ChainViolation(e.seq, t.id, "hash does not match the content"))
        if t.timestamp <= prev_ts:
            violations.append(ChainViolation(e.seq, t.id, "timestamp does not increase"))
        prev_hash, prev_seq, prev_ts = e.hash, e.seq, t.timestamp
    return violations
