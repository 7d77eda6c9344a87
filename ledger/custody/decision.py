"""What every custody command returns: a typed refusal or the transfers and records to store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from ledger.model import Account, Transfer

Figure = int | str


class CustodyError(Exception):
    """Base of the expected, typed failures of the custody domain."""


class InvalidCommand(CustodyError):
    """The command itself is malformed (negative amount, unknown instrument...)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """One broken rule: its id (e.g. "R16"), what it says, and the figures that broke it."""

    rule: str
    message: str
    figures: Mapping[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Refused:
    refusals: tuple[Refusal, ...]

    def __post_init__(self) -> None:
        assert self.refusals, "a refusal names at least one rule"

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.refusals)


@dataclass(frozen=True, slots=True)
class Accepted:
    """Create `accounts` (idempotent), then post `transfers` as one batch, then store `records`."""

    transfers: tuple[Transfer, ...]
    records: tuple[object, ...]
    policy_version: str = ""
    accounts: tuple[Account, ...] = ()

    def __post_init__(self) -> None:
        # Each transfer is balanced by construction (one debit, one credit, one amount); what
        # can still go wrong is a zero leg or two legs sharing an id.
        ids = [t.id for t in self.transfers]
        assert len(ids) == len(set(ids)), "duplicate transfer id in one decision"
        assert all(t.amount > 0 or t.pending_id is not None for t in self.transfers)


Decision: TypeAlias = Accepted | Refused


def refuse(rule: str, message: str, **figures: Figure) -> Refused:
    return Refused((Refusal(rule, message, dict(figures)),))


def refused_or_none(refusals: Sequence[Refusal]) -> Refused | None:
    return Refused(tuple(refusals)) if refusals else None
