"""Custody commands inside the writer's batch: failures before and after the engine changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest

from ledger.custody.decision import Accepted, InvalidCommand
from ledger.custody.dispatch import Envelope, OnboardMerchant
from ledger.custody.instruments import Merchant
from ledger.custody.kinds import CreditGrade, IssuerClass
from ledger.engine import Engine
from ledger.pg import custody_store
from ledger.pg.custody_store import CustodyExecutor, sync_policies
from ledger.pg.database import libpq_url
from ledger.pg.writer import Writer, WriterUnavailable


def _onboard(merchant_id: str) -> Envelope:
    m = Merchant(merchant_id, IssuerClass.SCALE, "fitness", "CN-JL", CreditGrade.B,
                 date(2020, 1, 1))  # fmt: skip
    return Envelope(merchant_id, OnboardMerchant(uuid.uuid4(), m), "regulator:test")


@pytest.fixture
def writer(database_url: str) -> Iterator[Writer]:
    with psycopg.connect(libpq_url(database_url)) as conn:
        policies = sync_policies(conn)
    w = Writer(database_url, executor=CustodyExecutor(policies))
    assert w.start()
    yield w
    w.stop()


def _merchants(database_url: str) -> int:
    with psycopg.connect(libpq_url(database_url)) as conn:
        row = conn.execute("SELECT count(*) FROM custody_records WHERE record_type = 'Merchant'")
        (count,) = row.fetchone() or (0,)
    return int(count)


def test_a_rule_failure_fails_its_command_alone(writer: Writer, database_url: str) -> None:
    assert writer.submit_command(_onboard("gym-a")).accepted
    with pytest.raises(InvalidCommand, match="already onboarded"):
        writer.submit_command(_onboard("gym-a"))
    assert writer.submit_command(_onboard("gym-b")).accepted
    assert _merchants(database_url) == 2


def test_a_failure_mid_apply_rolls_the_whole_batch_back(
    writer: Writer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_apply = custody_store._apply

    def half_apply(engine: Engine, decision: Accepted) -> None:
        real_apply(engine, decision)  # the engine now holds the decision's accounts
        raise AssertionError("a bug after the engine changed")

    monkeypatch.setattr(custody_store, "_apply", half_apply)
    with pytest.raises(WriterUnavailable) as err:
        writer.submit_command(_onboard("gym-c"))
    assert err.value.reason == "WRITE_FAILED"
    monkeypatch.undo()
    assert _merchants(database_url) == 0
    with psycopg.connect(libpq_url(database_url)) as conn:
        assert conn.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    # The writer recovers: its caches were dropped with the failed transaction.
    for _ in range(50):
        if writer.is_leader:
            break
        import time

        time.sleep(0.1)
    assert writer.submit_command(_onboard("gym-c")).accepted
    assert _merchants(database_url) == 1
