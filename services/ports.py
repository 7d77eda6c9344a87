"""What the gRPC servicer needs from storage; `ledger.pg` provides the real implementations.

The servicer depends on these Protocols, not on the PostgreSQL adapter, so it can be exercised
with in-memory fakes. Failures the client should retry are raised as `ledger.pg.writer.
WriterUnavailable` and `ledger.pg.reader.StoreUnavailable` (see `services.ledger_service`).
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from ledger.model import (
    Account,
    BalanceSnapshot,
    CreateAccountResult,
    CreateTransferResult,
    PendingStatus,
    Transfer,
)


class LedgerWriter(Protocol):
    """The single writer: applies batches atomically, one result per event, in order."""

    def submit_accounts(self, accounts: list[Account]) -> list[tuple[CreateAccountResult, int]]:
        """(result, timestamp ns) per account; timestamp is 0 unless the result is OK.

        Raises WriterUnavailable when the writer cannot take writes (another process holds the
        ledger lock, the database is down, the queue is full or shutting down).
        """
        ...

    def submit_transfers(self, transfers: list[Transfer]) -> list[tuple[CreateTransferResult, int]]:
        """(result, timestamp ns) per transfer; timestamp is 0 unless the result is OK.

        Raises WriterUnavailable, as submit_accounts.
        """
        ...


class LedgerReader(Protocol):
    """Reads committed state. Every method raises StoreUnavailable when the database is down."""

    def lookup_accounts(self, ids: list[UUID]) -> list[Account]:
        """The accounts found among `ids`, in any order; unknown ids are skipped."""
        ...

    def lookup_transfers(self, ids: list[UUID]) -> list[tuple[Transfer, PendingStatus]]:
        """The transfers found among `ids`, in any order, each with its hold status."""
        ...

    def account_balances(
        self,
        account_id: UUID,
        *,
        as_of: int,
        timestamp_min: int,
        timestamp_max: int,
        after_version: int,
        limit: int,
    ) -> list[BalanceSnapshot]:
        """Snapshots with version > after_version and timestamp_min <= timestamp <=
        timestamp_max (both inclusive; 0 leaves that bound open), ascending by version, at most
        `limit`.

        If as_of > 0: at most the one latest snapshot with timestamp <= as_of.
        """
        ...

    def account_transfers(
        self,
        account_id: UUID,
        *,
        timestamp_min: int,
        timestamp_max: int,
        code: int,
        after_timestamp: int,
        limit: int,
    ) -> list[tuple[Transfer, PendingStatus]]:
        """Transfers debiting or crediting the account with timestamp > after_timestamp and
        timestamp_min <= timestamp <= timestamp_max (inclusive; 0 leaves that bound open),
        with the given code (0: any), ascending by timestamp, at most `limit`.
        """
        ...
