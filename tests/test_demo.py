"""`fangxin demo`: a small sample seeded through the public API, its summary and invariants,
and a second run that finds the sample complete and seeds nothing."""

from __future__ import annotations

import io

import pytest

from fangxin.v1 import custody_pb2 as pb
from ledger.custody.dispatch import AlertKind
from services import cli, demo
from services.scheduler import list_alerts, snapshot
from services.server import create_server
from services.settings import Settings
from tests.support import check_invariants

CARDS = 80
ON_PURPOSE = {"refused R13", "refused R15", "refused R16", "refused R17", "refused R27"}


def test_plan_is_fixed_and_within_the_caps() -> None:
    cards = demo.plan(CARDS)
    assert [c.card_id for c in cards] == [c.card_id for c in demo.plan(CARDS)]
    assert len(cards) == sum(demo.card_counts(CARDS).values())
    assert {c.merchant_id for c in cards} == set(demo.SHOP)
    for c in cards:
        cap = 5_000 * demo.CNY if c.registered else 1_000 * demo.CNY  # R16
        assert c.paid_fen + c.topup_fen <= cap
        assert len({u.day for u in c.uses}) == len(c.uses)  # one use a day per card
        if c.merchant_id == demo.DEFAULTER:
            assert all(u.outcome != "lapse" for u in c.uses)  # no hold open at settlement


def test_demo_seeds_through_the_api_and_reruns_idempotently(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = demo.SimClock(demo.HISTORY_DAYS)
    running = create_server(Settings(listen="127.0.0.1:0"), database_url, clock=clock)
    try:
        summary = demo.run(running, clock, CARDS, stream=io.StringIO())
        with snapshot(running.engine) as conn:
            kinds = {a.kind for a in list_alerts(conn)}
    finally:
        running.stop(grace_s=2)
    assert summary.seeded and summary.failures == []
    assert set(summary.outcomes) - {"refused R20"} == ON_PURPOSE  # R20: a card used up
    positions = {p.merchant_id: p for p in summary.positions}
    assert set(positions) == set(demo.SHOP)
    defaulted = positions[demo.DEFAULTER]
    assert defaulted.status == pb.MERCHANT_STATUS_DEFAULTED
    assert (defaulted.outstanding_fen, defaulted.releasable_fen) == (0, 0)
    assert summary.totals["outstanding"] == sum(p.outstanding_fen for p in summary.positions)
    assert summary.totals["outstanding"] > 0 and summary.totals["held"] > 0
    settled = summary.settlement
    assert settled is not None and settled.paid_fen == settled.claimed_fen > 0
    sources = [x.source for x in settled.paid_by_source]
    assert sources == [
        pb.FUNDING_SOURCE_CUSTODY_CASH,
        pb.FUNDING_SOURCE_RISK_DEPOSIT,
        pb.FUNDING_SOURCE_INSURANCE,
        pb.FUNDING_SOURCE_COMPENSATION_POOL,
    ]
    assert summary.tick is not None and summary.tick.expired  # lapsed uses expired by the tick
    assert kinds == {AlertKind.REFUND_OVERDUE, AlertKind.INSTRUCTION_OVERDUE}
    counts = check_invariants(database_url)
    assert counts["entries"] == summary.journal_entries > CARDS
    text = "\n".join(summary.lines())
    assert f"default of {demo.DEFAULTER}" in text and "scheduler tick:" in text

    # Again through the command line: the sample is complete, so nothing is seeded.
    args = ["demo", "--database-url", database_url, "--listen", "127.0.0.1:0"]
    assert cli.main([*args, "--cards", str(CARDS), "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "already seeded, nothing to do" in out
    assert "hash-chained transfers" in out
    assert check_invariants(database_url)["entries"] == summary.journal_entries
