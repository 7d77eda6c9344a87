"""The PostgreSQL adapter: schema guards, migrations, the writer's batches, the audit chain."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from ledger.audit import verify_chain
from ledger.model import Account, AccountFlags, CreateTransferResult, Transfer, TransferFlags
from ledger.pg import migrate
from ledger.pg.database import libpq_url, make_engine, sqlalchemy_url
from ledger.pg.reader import Reader, journal
from ledger.pg.schema import metadata
from ledger.pg.writer import Writer, WriterUnavailable

R = CreateTransferResult
LIMIT = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)


@pytest.fixture
def reader(database_url: str) -> Iterator[Reader]:
    engine = make_engine(database_url)
    yield Reader(engine)
    engine.dispose()


@pytest.fixture
def writer(database_url: str) -> Iterator[Writer]:
    w = Writer(database_url)
    assert w.start()
    yield w
    w.stop()


def _accounts(writer: Writer, n: int, flags: int = 0) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(n)]
    writer.submit_accounts([Account(i, 1, "CNY", 1, flags) for i in ids])
    return ids


def test_schema_matches_the_migrations(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diffs == []


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    migrate.downgrade(database_url, "base")
    with psycopg.connect(libpq_url(database_url)) as conn:
        assert conn.execute("SELECT to_regclass('transfers')").fetchone() == (None,)
    migrate.upgrade(database_url)
    with psycopg.connect(libpq_url(database_url)) as conn:
        assert conn.execute("SELECT head_seq FROM ledger_head").fetchone() == (0,)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE transfers SET amount = amount + 1",
        "DELETE FROM transfers",
        "TRUNCATE transfers",
        "UPDATE account_balances SET credits_posted = 0",
        "DELETE FROM account_balances",
    ],
)
def test_journal_refuses_changes(writer: Writer, database_url: str, statement: str) -> None:
    a, b = _accounts(writer, 2)
    assert writer.submit_transfers([Transfer(uuid.uuid4(), a, b, 5, "CNY", 1)])[0][0] == R.OK
    with (
        psycopg.connect(libpq_url(database_url)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute(statement)


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE accounts SET debits_posted = credits_posted + 1 WHERE flags & 2 = 2",
         "accounts_debits_must_not_exceed_credits"),
        ("UPDATE accounts SET debits_pending = -1", "accounts_balances_non_negative"),
        ("INSERT INTO transfers SELECT 99, gen_random_uuid(), 1, a.id, b.id, 0, 'CNY', 1, 0, NULL,"
         " 0, '{}', 1, 1, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')"
         " FROM accounts a, accounts b WHERE a.id <> b.id LIMIT 1", "transfers_amount_positive"),
        ("INSERT INTO transfers SELECT 99, gen_random_uuid(), 1, a.id, a.id, 5, 'CNY', 1, 0, NULL,"
         " 0, '{}', 1, 1, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')"
         " FROM accounts a LIMIT 1", "transfers_accounts_differ"),
    ],
)  # fmt: skip
def test_database_backs_up_the_code(
    writer: Writer, database_url: str, statement: str, constraint: str
) -> None:
    _accounts(writer, 2, LIMIT)
    with (
        psycopg.connect(libpq_url(database_url)) as conn,
        pytest.raises(psycopg.errors.CheckViolation, match=constraint),
    ):
        conn.execute(statement)


def test_writer_results_idempotency_and_chain(writer: Writer, reader: Reader) -> None:
    a, b = _accounts(writer, 2, 0)
    funded = _accounts(writer, 1, LIMIT)[0]
    t1 = Transfer(uuid.uuid4(), a, funded, 1_000, "CNY", 7)
    assert writer.submit_transfers([t1])[0][0] == R.OK
    assert writer.submit_transfers([t1])[0][0] == R.EXISTS
    changed = Transfer(t1.id, a, funded, 1_001, "CNY", 7)
    assert writer.submit_transfers([changed])[0][0] == R.EXISTS_WITH_DIFFERENT_AMOUNT
    over = Transfer(uuid.uuid4(), funded, b, 1_001, "CNY", 7)
    assert writer.submit_transfers([over])[0][0] == R.EXCEEDS_CREDITS
    hold = Transfer(uuid.uuid4(), funded, b, 600, "CNY", 7, flags=int(TransferFlags.PENDING))
    post = Transfer(uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=0), 250, "", 0,
                    flags=int(TransferFlags.POST_PENDING), pending_id=hold.id)  # fmt: skip
    results = writer.submit_transfers([hold, post, post])
    assert [r for r, _ in results] == [R.OK, R.OK, R.EXISTS]
    (account,) = reader.lookup_accounts([funded])
    assert (account.debits_posted, account.debits_pending, account.credits_posted) == (250, 0, 1000)
    with reader._engine.connect() as conn:
        entries = journal(conn)
    assert [e.transfer.id for e in entries] == [t1.id, hold.id, post.id]
    assert verify_chain(entries) == []


def test_tampering_is_found_by_the_chain(writer: Writer, database_url: str) -> None:
    a, b = _accounts(writer, 2)
    for amount in (1, 2, 3):
        writer.submit_transfers([Transfer(uuid.uuid4(), a, b, amount, "CNY", 1)])
    with psycopg.connect(libpq_url(database_url)) as conn:
        # A superuser can disable the guard; the chain still names the altered entry.
        conn.execute("ALTER TABLE transfers DISABLE TRIGGER transfers_append_only")
        conn.execute("UPDATE transfers SET amount = 20 WHERE seq = 2")
        conn.commit()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        violations = verify_chain(journal(conn))
    engine.dispose()
    assert [(v.seq, v.problem) for v in violations] == [(2, "hash does not match the content")]


def test_second_writer_stays_in_standby(writer: Writer, database_url: str) -> None:
    second = Writer(database_url)
    assert not second.start(wait_for_leadership_s=1.5)
    a, b = _accounts(writer, 2)
    with pytest.raises(WriterUnavailable, match="another Fangxin writer") as err:
        second.submit_transfers([Transfer(uuid.uuid4(), a, b, 1, "CNY", 1)])
    assert err.value.reason == "WRITER_STANDBY"
    writer.stop()
    # The standby takes over once the lock frees.
    for _ in range(50):
        if second.is_leader:
            break
        import time

        time.sleep(0.1)
    assert second.submit_transfers([Transfer(uuid.uuid4(), a, b, 1, "CNY", 1)])[0][0] == R.OK
    second.stop()


def test_holds_expire_in_the_background(database_url: str, reader: Reader) -> None:
    now = [1_000_000_000_000]
    w = Writer(database_url, clock=lambda: now[0])
    assert w.start()
    try:
        a, b = _accounts(w, 2)
        hold = Transfer(uuid.uuid4(), a, b, 70, "CNY", 1, flags=int(TransferFlags.PENDING),
                        timeout_s=5)  # fmt: skip
        assert w.submit_transfers([hold])[0][0] == R.OK
        now[0] += 6_000_000_000
        post = Transfer(uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=0), 0, "", 0,
                        flags=int(TransferFlags.POST_PENDING), pending_id=hold.id)  # fmt: skip
        assert w.submit_transfers([post])[0][0] == R.PENDING_TRANSFER_EXPIRED
        (account,) = reader.lookup_accounts([a])
        assert account.debits_pending == 0 and account.version == 2
    finally:
        w.stop()
