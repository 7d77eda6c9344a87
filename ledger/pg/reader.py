"""Reads for the API: lookups, balance history and account statements (SQLAlchemy Core).

Reads never go through the writer; they see committed batches only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from sqlalchemy import Connection, Engine, Row, and_, select
from sqlalchemy.exc import DBAPIError, OperationalError

from ledger.engine import JournalEntry
from ledger.model import Account, BalanceSnapshot, PendingStatus, Transfer
from ledger.pg.schema import account_balances, accounts, pending_transfers, transfers

T = TypeVar("T")

_TRANSFER_COLUMNS = (
    transfers.c.id,
    transfers.c.debit_account_id,
    transfers.c.credit_account_id,
    transfers.c.amount,
    transfers.c.currency,
    transfers.c.code,
    transfers.c.flags,
    transfers.c.pending_id,
    transfers.c.timeout_s,
    transfers.c.metadata,
    transfers.c.ledger,
    transfers.c.timestamp,
    pending_transfers.c.status,
)
_WITH_STATUS = transfers.outerjoin(
    pending_transfers, pending_transfers.c.transfer_id == transfers.c.id
)


class StoreUnavailable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _transfer_row(row: Row[tuple[object, ...]]) -> tuple[Transfer, PendingStatus]:
    values = tuple(row)
    return Transfer(*values[:-1]), PendingStatus(values[-1] or 0)  # type: ignore[arg-type]


def _snapshot_row(row: Row[tuple[object, ...]]) -> BalanceSnapshot:
    m = row._mapping
    return BalanceSnapshot(
        account_id=m["account_id"],
        ledger=m["ledger"],
        version=m["version"],
        transfer_id=m["transfer_id"],
        timestamp=m["timestamp"],
        debits_pending=m["debits_pending"],
        debits_posted=m["debits_posted"],
        credits_pending=m["credits_pending"],
        credits_posted=m["credits_posted"],
    )


class Reader:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _run(self, work: Callable[..., T]) -> T:
        try:
            with self._engine.connect() as conn:
                return work(conn)
        except DBAPIError as exc:
            # Lost connections are the caller's UNAVAILABLE; anything else is a bug to surface.
            if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
                raise
            raise StoreUnavailable(f"database unavailable: {exc.orig}") from exc

    def lookup_accounts(self, ids: list[UUID]) -> list[Account]:
        query = select(accounts).where(accounts.c.id.in_(ids))
        return self._run(lambda c: [Account(*row) for row in c.execute(query)])

    def lookup_transfers(self, ids: list[UUID]) -> list[tuple[Transfer, PendingStatus]]:
        query = select(*_TRANSFER_COLUMNS).select_from(_WITH_STATUS).where(transfers.c.id.in_(ids))
        return self._run(lambda c: [_transfer_row(row) for row in c.execute(query)])

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
        b = account_balances.c
        if as_of > 0:
            # Balances at a past moment: the last snapshot at or before it, one index probe.
            query = (
                select(account_balances)
                .where(b.account_id == account_id, b.timestamp <= as_of)
                .order_by(b.timestamp.desc())
                .limit(1)
            )
        else:
            conditions = [b.account_id == account_id, b.version > after_version]
            if timestamp_min:
                conditions.append(b.timestamp >= timestamp_min)
            if timestamp_max:
                conditions.append(b.timestamp <= timestamp_max)
            query = (
                select(account_balances).where(and_(*conditions)).order_by(b.version).limit(limit)
            )
        return self._run(lambda c: [_snapshot_row(row) for row in c.execute(query)])

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
        # The balance history doubles as the statement index: one row per transfer touching the
        # account, keyed (account_id, timestamp), so the journal needs no per-account indexes.
        b = account_balances.c
        conditions = [b.account_id == account_id, b.timestamp > after_timestamp]
        if timestamp_min:
            conditions.append(b.timestamp >= timestamp_min)
        if timestamp_max:
            conditions.append(b.timestamp <= timestamp_max)
        if code:
            conditions.append(transfers.c.code == code)
        query = (
            select(*_TRANSFER_COLUMNS)
            .select_from(
                account_balances.join(transfers, transfers.c.id == b.transfer_id).outerjoin(
                    pending_transfers, pending_transfers.c.transfer_id == transfers.c.id
                )
            )
            .where(and_(*conditions))
            .order_by(b.timestamp)
            .limit(limit)
        )
        return self._run(lambda c: [_transfer_row(row) for row in c.execute(query)])


def journal(conn: Connection, *, after_seq: int = 0, limit: int = 10_000) -> list[JournalEntry]:
    """Journal entries in commit order, for audit and replay."""
    t = transfers.c
    rows = conn.execute(
        select(
            t.seq, t.prev_hash, t.hash, t.id, t.debit_account_id, t.credit_account_id, t.amount,
            t.currency, t.code, t.flags, t.pending_id, t.timeout_s, t.metadata, t.ledger,
            t.timestamp,
        )
        .where(t.seq > after_seq)
        .order_by(t.seq)
        .limit(limit)
    )  # fmt: skip
    return [JournalEntry(Transfer(*row[3:]), row[0], bytes(row[1]), bytes(row[2])) for row in rows]
