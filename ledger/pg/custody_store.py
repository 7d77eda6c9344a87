"""Custody commands inside the writer's batch, and reads of custody state.

`CustodyExecutor` plugs into the single writer: each command is decided by the pure rules on the
merchant's book as it stands after every earlier command (the book is cached in the writer and
updated as commands are accepted), its transfers go through the same engine as one linked chain,
and its records and decision are written in the same transaction. So a rule check and the money
it permits commit together: two releases, or a release and a refund, can never both pass on the
same fen.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from ledger.custody import codec
from ledger.custody.accounts import LEDGER_CNY, AccountKind, account_id
from ledger.custody.book import MerchantBook
from ledger.custody.decision import Accepted, Refusal, Refused
from ledger.custody.dispatch import Envelope, decide
from ledger.custody.instruments import Merchant, PrepaidInstrument
from ledger.custody.policies_seed import seed_book
from ledger.custody.policy import CustodyPolicy, PolicyBook
from ledger.custody.sales import merchant_accounts
from ledger.engine import Engine
from ledger.model import (
    Account,
    CreateAccountResult,
    CreateTransferResult,
    TransferFlags,
)
from ledger.pg.writer import (
    BatchAborted,
    Connection,
    ensure_accounts,
    ensure_transfers,
    load_accounts,
)

_log = logging.getLogger(__name__)
_MERCHANT_KINDS = tuple(AccountKind(a.code) for a in merchant_accounts("x"))


class CommandConflict(Exception):
    """The command id was already used for a different command."""

    def __init__(self, command_id: UUID) -> None:
        super().__init__(f"command {command_id} was already used for a different command")
        self.command_id = command_id


@dataclass(frozen=True, slots=True)
class CustodyOutcome:
    command_id: UUID
    accepted: bool
    refusals: tuple[Refusal, ...]
    policy_version: str
    transfer_ids: tuple[UUID, ...]
    records: tuple[object, ...]
    replayed: bool = False  # the stored answer to a retry


def ns_to_datetime(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC)


class AccountView(Mapping[UUID, Account]):
    """The writer's live account cache as the book sees it; loads a missing account on first use
    from inside the batch's transaction."""

    def __init__(self, cache: dict[UUID, Account], conn: Connection | None) -> None:
        self._cache, self._conn = cache, conn

    def __getitem__(self, key: UUID) -> Account:
        account = self._cache.get(key)
        if account is None and self._conn is not None:
            ensure_accounts(self._conn, self._cache, [key])
            account = self._cache.get(key)
        if account is None:
            raise KeyError(key)
        return account

    def __iter__(self) -> Iterator[UUID]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)


def book_account_ids(merchant: Merchant, instruments: Iterable[PrepaidInstrument]) -> list[UUID]:
    ids = [account_id(kind, merchant.merchant_id) for kind in _MERCHANT_KINDS]
    ids.append(account_id(AccountKind.COMPENSATION_POOL, merchant.pool_id))
    ids += [account_id(AccountKind.CARD_LIABILITY, i.instrument_id) for i in instruments]
    return ids


def load_book(conn: Connection, merchant_id: str) -> MerchantBook | None:
    """The newest version of each of the merchant's records; accounts are not attached."""
    rows = conn.execute(
        "SELECT DISTINCT ON (record_type, record_id) record_type, body FROM custody_records"
        " WHERE merchant_id = %s ORDER BY record_type, record_id, seq DESC",
        (merchant_id,),
    ).fetchall()
    records = [codec.load_record(t, body) for t, body in rows]
    merchant = next((r for r in records if isinstance(r, Merchant)), None)
    if merchant is None:
        return None
    return MerchantBook(merchant=merchant).with_records(records)


def sync_policies(conn: Connection, seed: PolicyBook | None = None) -> PolicyBook:
    """Add seed policies missing from the table, then load every version. A version is never
    rewritten: a stored version whose content differs from the seed stops the server."""
    for policy in (seed or seed_book()).policies:
        body = codec.dump(policy)
        conn.execute(
            "INSERT INTO custody_policies (version, ledger, jurisdiction, industry, credit_grade,"
            " effective_from, effective_to, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (version) DO NOTHING",
            (policy.version, LEDGER_CNY, policy.jurisdiction, policy.industry,
             policy.credit_grade.value if policy.credit_grade else None,
             policy.effective_from, policy.effective_to, json.dumps(body)),
        )  # fmt: skip
        stored = conn.execute(
            "SELECT body FROM custody_policies WHERE version = %s", (policy.version,)
        ).fetchone()
        assert stored is not None
        # Compared as policies, not JSON: sets serialise in no fixed order.
        if codec.load_record_as(CustodyPolicy, stored[0]) != policy:
            raise RuntimeError(f"policy {policy.version} differs from its stored version")
    rows = conn.execute("SELECT body FROM custody_policies ORDER BY version").fetchall()
    return PolicyBook(tuple(codec.load_record_as(CustodyPolicy, body) for (body,) in rows))


class CustodyExecutor:
    def __init__(self, policies: PolicyBook) -> None:
        self.policies = policies
        self._books: dict[str, MerchantBook] = {}
        self._records: list[tuple[str, object, UUID, int]] = []
        self._decisions: list[tuple[Any, ...]] = []
        self._accepted: dict[UUID, tuple[bytes, CustodyOutcome]] = {}
        self._stored: dict[UUID, tuple[bytes, CustodyOutcome]] = {}  # from prepare()

    # -- the writer's CommandExecutor protocol ---------------------------------------------------

    def prepare(self, conn: Connection, commands: Sequence[Any]) -> Iterable[UUID]:
        """One query for the batch: which of its commands were accepted before (retries)."""
        envs: Sequence[Envelope] = commands
        self._stored = {}
        for command_id, fingerprint, policy_version, transfer_ids in conn.execute(
            "SELECT command_id, command_hash, policy_version, transfer_ids FROM custody_decisions"
            " WHERE accepted AND command_id = ANY(string_to_array(%s, ',')::uuid[])",
            (",".join(str(e.command_id) for e in envs),),
            prepare=False,
        ):
            stored = CustodyOutcome(
                command_id, True, (), policy_version, tuple(transfer_ids), (), True
            )
            self._stored[command_id] = (bytes(fingerprint), stored)
        ids: list[UUID] = []
        for env in envs:
            book = self._books.get(env.merchant_id)
            if book is not None:
                ids += book_account_ids(book.merchant, ())
        return ids

    def invalidate(self) -> None:
        self._stored.clear()
        self._books.clear()
        self._records.clear()
        self._decisions.clear()
        self._accepted.clear()

    def flush(self, conn: Connection) -> None:
        cur = conn.cursor()
        if self._records:
            with cur.copy(
                "COPY custody_records (ledger, merchant_id, record_type, record_id, command_id,"
                " body, recorded_at) FROM STDIN"
            ) as copy:
                for merchant_id, record, command_id, now in self._records:
                    name, key = codec.record_key(record)
                    copy.write_row((LEDGER_CNY, merchant_id, name, key, command_id,
                                    json.dumps(codec.dump(record)), now))  # fmt: skip
        if self._decisions:
            cur.executemany(
                "INSERT INTO custody_decisions (ledger, command_id, merchant_id, command_type,"
                " command_hash, command_body, actor, accepted, refusals, policy_version,"
                " transfer_ids, decided_at) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                self._decisions,
            )
        self._records.clear()
        self._decisions.clear()
        self._accepted.clear()

    def execute(self, engine: Engine, conn: Connection, command: Any, now: int) -> CustodyOutcome:
        env: Envelope = command
        fingerprint = codec.command_hash(env)
        replayed = self._replay(env, fingerprint)
        if replayed is not None:
            return replayed
        book = self._book(conn, env.merchant_id, engine.state.accounts)
        decision = decide(book, env, self.policies, ns_to_datetime(now))
        if isinstance(decision, Accepted):
            _load_for(conn, engine, decision)
            try:
                refused = _apply(engine, decision)
                if refused is None:
                    return self._accept(env, fingerprint, book, decision, now)
            except Exception as exc:  # a bug: the engine may hold part of this decision
                raise BatchAborted(f"custody command {env.command_id} failed mid-apply") from exc
            decision = refused
        outcome = CustodyOutcome(env.command_id, False, decision.refusals, "", (), ())
        self._decision_row(env, fingerprint, outcome, now)
        return outcome

    # -- helpers ---------------------------------------------------------------------------------

    def _replay(self, env: Envelope, fingerprint: bytes) -> CustodyOutcome | None:
        """The earlier answer if this command was accepted before, in this batch or committed
        (looked up for the whole batch by `prepare`)."""
        earlier = self._accepted.get(env.command_id) or self._stored.get(env.command_id)
        if earlier is None:
            return None
        if earlier[0] != fingerprint:
            raise CommandConflict(env.command_id)
        return replace(earlier[1], replayed=True)

    def _book(
        self, conn: Connection, merchant_id: str, cache: dict[UUID, Account]
    ) -> MerchantBook | None:
        if not merchant_id:
            return None
        book = self._books.get(merchant_id)
        if book is None:
            book = load_book(conn, merchant_id)
            if book is None:
                return None
            ensure_accounts(conn, cache, book_account_ids(book.merchant, book.instruments.values()))
            self._books[merchant_id] = book
        return book.with_accounts(AccountView(cache, conn))

    def _accept(
        self,
        env: Envelope,
        fingerprint: bytes,
        book: MerchantBook | None,
        decision: Accepted,
        now: int,
    ) -> CustodyOutcome:
        records = decision.records
        owner = env.merchant_id
        if book is None and records:
            merchant = records[0]
            assert isinstance(merchant, Merchant), "only onboarding creates a book"
            book = MerchantBook(merchant=merchant)
        if book is not None:
            self._books[owner] = book.with_records(records)
        self._records += [(owner, r, env.command_id, now) for r in records]
        outcome = CustodyOutcome(
            env.command_id, True, (), decision.policy_version,
            tuple(t.id for t in decision.transfers), records,
        )  # fmt: skip
        self._accepted[env.command_id] = (fingerprint, outcome)
        self._decision_row(env, fingerprint, outcome, now)
        return outcome

    def _decision_row(
        self, env: Envelope, fingerprint: bytes, outcome: CustodyOutcome, now: int
    ) -> None:
        refusals = [
            {"rule": r.rule, "message": r.message, "figures": dict(r.figures)}
            for r in outcome.refusals
        ]
        self._decisions.append(
            (LEDGER_CNY, env.command_id, env.merchant_id, type(env.command).__name__, fingerprint,
             json.dumps(codec.dump(env.command)), env.actor, outcome.accepted,
             json.dumps(refusals), outcome.policy_version, list(outcome.transfer_ids), now)
        )  # fmt: skip


def _load_for(conn: Connection, engine: Engine, decision: Accepted) -> None:
    """Rows the engine needs for this decision: its transfers' ids (a replay answers EXISTS),
    the holds it posts or voids, and every account involved."""
    ids = {t.id for t in decision.transfers} | {
        t.pending_id for t in decision.transfers if t.pending_id is not None
    }
    holds = ensure_transfers(conn, engine.state, ids)
    accounts = {a for t in decision.transfers for a in (t.debit_account_id, t.credit_account_id)}
    accounts |= {a for h in holds for a in (h.debit_account_id, h.credit_account_id)}
    accounts |= {a.id for a in decision.accounts}
    ensure_accounts(conn, engine.state.accounts, accounts)


def _apply(engine: Engine, decision: Accepted) -> Refused | None:
    """Create the decision's accounts and post its transfers as one linked chain."""
    if decision.accounts:
        results = engine.create_accounts(list(decision.accounts))
        bad = [r for r in results if r not in (CreateAccountResult.OK, CreateAccountResult.EXISTS)]
        assert not bad, f"custody accounts could not be created: {bad}"
    if not decision.transfers:
        return None
    chain = [replace(t, flags=t.flags | int(TransferFlags.LINKED)) for t in decision.transfers]
    chain[-1] = replace(chain[-1], flags=chain[-1].flags & ~int(TransferFlags.LINKED))
    codes = engine.create_transfers(chain)
    failed = [
        (t, r) for t, r in zip(chain, codes, strict=True)
        if r not in (CreateTransferResult.OK, CreateTransferResult.LINKED_EVENT_FAILED)
    ]  # fmt: skip
    if not failed:
        return None
    # The ledger's own limits are the last line: the rules should have refused first.
    t, code = failed[0]
    _log.warning("custody transfer %s refused by the ledger: %s", t.id, code.name)
    return Refused((Refusal("LEDGER", f"the ledger refused a transfer: {code.name.lower()}",
                            {"transfer_id": str(t.id), "amount_fen": t.amount}),))  # fmt: skip


class BookCache:
    """Decoded merchant books for reads, brought up to date from the records added since.

    Only the single writer appends custody records, one transaction after another, so record
    sequence numbers become visible in order and "everything after seq N" is a complete delta.
    Balances are always read fresh.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, tuple[MerchantBook, int]] = {}

    def book(self, conn: Connection, merchant_id: str) -> MerchantBook | None:
        with self._lock:
            book, last_seq = self._books.get(merchant_id, (None, 0))
        rows = conn.execute(
            "SELECT seq, record_type, body FROM custody_records WHERE merchant_id = %s"
            " AND seq > %s ORDER BY seq",
            (merchant_id, last_seq),
        ).fetchall()
        if rows:
            records = [codec.load_record(t, body) for _, t, body in rows]
            if book is None:
                merchant = next((r for r in records if isinstance(r, Merchant)), None)
                if merchant is None:
                    return None
                book = MerchantBook(merchant=merchant)
            book = book.with_records(records)
            with self._lock:
                self._books[merchant_id] = (book, int(rows[-1][0]))
        return None if book is None else load_accounts_for(conn, book)


def load_accounts_for(conn: Connection, book: MerchantBook) -> MerchantBook:
    """Attach current balances to a book read outside the writer (for queries)."""
    ids = book_account_ids(book.merchant, book.instruments.values())
    return book.with_accounts({a.id: a for a in load_accounts(conn, ids)})
