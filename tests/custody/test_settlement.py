from __future__ import annotations

from ledger.custody.accounts import AccountKind
from ledger.custody.commands import Release, Sell
from ledger.custody.kinds import CounterpartyRole, FundingSource, InstrumentKind, MerchantStatus
from ledger.custody.policies_seed import NATIONAL_BASELINE
from ledger.custody.prorata import share
from ledger.custody.recovery import Fund, RecordRecovery, fund, record_recovery
from ledger.custody.release import release
from ledger.custody.sales import sell
from ledger.custody.settlement import (
    OutstandingClaim,
    RecoveryClaim,
    SettleDefault,
    SettlementRecord,
    settle_default,
)
from tests.custody.harness import World, cid, merchant, refused

P = NATIONAL_BASELINE


def _world(cards: dict[str, int]) -> World:
    w = World.open(merchant())
    for n, (holder, paid) in enumerate(sorted(cards.items())):
        cmd = Sell(cid(), f"c{n}", holder, InstrumentKind.STORED_VALUE, True, paid)
        w.apply(sell(w.book, cmd, P, w.now))
    return w


def _defaulted_after_release(w: World, amount: int) -> None:
    w.advance(days=8)
    w.apply(release(w.book, Release(cid(), amount), P, w.now))
    w.set_merchant(status=MerchantStatus.DEFAULTED)


def test_prorata_largest_remainder_then_holder_id() -> None:
    assert share({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert share({"a": 100, "b": 300}, 200) == {"a": 50, "b": 150}
    assert share({"b": 2, "a": 1}, 1) == {"a": 0, "b": 1}
    assert sum(share({"x": 7, "y": 11, "z": 13}, 10).values()) == 10


def test_settlement_refused_unless_defaulted() -> None:
    w = _world({"h1": 1_000})
    assert refused(settle_default(w.book, SettleDefault(cid()), w.now)).rules == ("R29",)


def test_waterfall_order_custody_deposit_insurance_guarantee_pool() -> None:
    w = _world({"h1": 40_000, "h2": 60_000})
    _defaulted_after_release(w, 80_000)  # custody keeps 20,000
    for source, amount in [
        (FundingSource.RISK_DEPOSIT, 10_000),
        (FundingSource.INSURANCE, 30_000),
        (FundingSource.GUARANTEE, 5_000),
        (FundingSource.COMPENSATION_POOL, 100_000),
    ]:
        w.apply(
            fund(
                Fund(
                    cid(),
                    source,
                    "pool-cn" if source == FundingSource.COMPENSATION_POOL else "m1",
                    amount,
                )
            )
        )
    w.apply(settle_default(w.book, SettleDefault(cid()), w.now))
    summary = next(r for r in w.book.records.values() if isinstance(r, SettlementRecord))
    assert summary.paid_by_source_fen == {
        "custody_cash": 20_000,
        "risk_deposit": 10_000,
        "insurance": 30_000,
        "guarantee": 5_000,
        "compensation_pool": 35_000,
    }
    assert w.balance(AccountKind.COMPENSATION_POOL, "pool-cn") == 65_000
    assert (
        w.balance(AccountKind.RECOVERY_RECEIVABLE)
        == 80_000
        == w.balance(AccountKind.SUBROGATED_LIABILITY)
    )
    claims = [r for r in w.book.records.values() if isinstance(r, RecoveryClaim)]
    assert sorted(c.source.value for c in claims) == [
        "compensation_pool",
        "guarantee",
        "insurance",
        "risk_deposit",
    ]
    assert all(c.counterparty_role == CounterpartyRole.MERCHANT for c in claims)
    assert w.book.outstanding_fen() == 0


def test_shortfall_is_shared_pro_rata_and_registered() -> None:
    w = _world({"h1": 10_000, "h2": 20_000, "h3": 30_001})
    _defaulted_after_release(w, 48_000)  # 12,001 stays in custody at the 20% ratio
    w.apply(fund(Fund(cid(), FundingSource.COMPENSATION_POOL, "pool-cn", 5_000)))
    w.apply(settle_default(w.book, SettleDefault(cid()), w.now))
    open_claims = {
        r.holder_id: r for r in w.book.records.values() if isinstance(r, OutstandingClaim)
    }
    paid = {h: c.paid_fen for h, c in open_claims.items()}
    assert paid == share({"h1": 10_000, "h2": 20_000, "h3": 30_001}, 17_001)
    assert (
        sum(c.unpaid_fen for c in open_claims.values())
        == 60_001 - 17_001
        == w.book.outstanding_fen()
    )


def test_recovery_clears_claims_and_refills_the_pool_first() -> None:
    w = _world({"h1": 50_000})
    _defaulted_after_release(w, 40_000)
    w.apply(fund(Fund(cid(), FundingSource.RISK_DEPOSIT, "m1", 10_000)))
    w.apply(fund(Fund(cid(), FundingSource.COMPENSATION_POOL, "pool-cn", 30_000)))
    w.apply(settle_default(w.book, SettleDefault(cid()), w.now))
    assert w.balance(AccountKind.COMPENSATION_POOL, "pool-cn") == 0
    too_much = RecordRecovery(cid(), 40_001, CounterpartyRole.MERCHANT, "m1")
    assert refused(record_recovery(w.book, too_much, w.now)).refusals[0].figures == {
        "recovered_fen": 40_001,
        "open_claims_fen": 40_000,
    }
    w.apply(
        record_recovery(
            w.book, RecordRecovery(cid(), 35_000, CounterpartyRole.MERCHANT, "m1"), w.now
        )
    )
    assert w.balance(AccountKind.COMPENSATION_POOL, "pool-cn") == 30_000
    assert w.balance(AccountKind.RISK_DEPOSIT) == 5_000
    assert (
        w.balance(AccountKind.RECOVERY_RECEIVABLE)
        == 5_000
        == w.balance(AccountKind.SUBROGATED_LIABILITY)
    )
