"""A fake repository and ledger for custody tests: applies decisions to the real core engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, Unpack
from uuid import UUID, uuid4

from ledger.custody.accounts import AccountKind, account_id, make_account
from ledger.custody.book import MerchantBook
from ledger.custody.decision import Accepted, Decision, Refused
from ledger.custody.instruments import Merchant, PriceSchedule
from ledger.custody.kinds import CreditGrade, EligibilityFlag, IssuerClass, MerchantStatus
from ledger.custody.recovery import WORLD
from ledger.custody.sales import merchant_accounts
from ledger.engine import Engine, LedgerState
from ledger.model import Account, CreateAccountResult, CreateTransferResult

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
SCHEDULE = PriceSchedule({"coffee": 2_500, "haircut": 10_000, "session": 20_000})


class MerchantChanges(TypedDict, total=False):
    """Fields of `Merchant` a test may change on a live book (keyword arguments to `replace`)."""

    issuer_class: IssuerClass
    industry: str
    jurisdiction: str
    credit_grade: CreditGrade
    licensed_on: date
    status: MerchantStatus
    eligibility_flags: frozenset[EligibilityFlag]
    pool_id: str
    notice_ends_on: date | None


def merchant(
    merchant_id: str = "m1",
    jurisdiction: str = "CN",
    industry: str = "catering",
    grade: CreditGrade = CreditGrade.B,
    issuer_class: IssuerClass = IssuerClass.SCALE,
    status: MerchantStatus = MerchantStatus.NORMAL,
) -> Merchant:
    return Merchant(
        merchant_id=merchant_id,
        issuer_class=issuer_class,
        industry=industry,
        jurisdiction=jurisdiction,
        credit_grade=grade,
        licensed_on=date(2020, 1, 1),
        status=status,
        pool_id="pool-cn",
    )


def cid() -> UUID:
    return uuid4()


@dataclass
class World:
    """One merchant's book plus the engine state holding every account."""

    book: MerchantBook
    state: LedgerState = field(default_factory=LedgerState)
    now: datetime = T0
    paid_in: dict[str, int] = field(default_factory=dict)  # holder -> principal paid in

    @classmethod
    def open(cls, m: Merchant) -> World:
        w = cls(MerchantBook(m))
        accounts = [
            *merchant_accounts(m.merchant_id),
            make_account(AccountKind.COMPENSATION_POOL, m.pool_id),
            make_account(AccountKind.BANK_CLEARING, WORLD),
        ]
        w._create_accounts(accounts)
        w.book = w.book.with_accounts(w.state.accounts)
        return w

    def _create_accounts(self, accounts: Sequence[Account]) -> None:
        engine = Engine(self.state, self._ns())
        results = engine.create_accounts(accounts)
        assert all(r in (CreateAccountResult.OK, CreateAccountResult.EXISTS) for r in results)

    def _ns(self) -> int:
        return int(self.now.timestamp() * 1_000_000_000)

    def apply(self, decision: Decision) -> Accepted:
        assert isinstance(decision, Accepted), decision
        self._create_accounts(decision.accounts)
        engine = Engine(self.state, self._ns())
        results = engine.create_transfers(decision.transfers)
        assert all(r == CreateTransferResult.OK for r in results), results
        self.book = self.book.with_records(decision.records).with_accounts(self.state.accounts)
        return decision

    def expire_holds(self) -> int:
        engine = Engine(self.state, self._ns())
        n = engine.expire(list(self.state.pending))
        self.book = self.book.with_accounts(self.state.accounts)
        return n

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)

    def set_merchant(self, **changes: Unpack[MerchantChanges]) -> None:
        self.book = replace(self.book, merchant=replace(self.book.merchant, **changes))

    def balance(self, kind: AccountKind, owner: str | None = None) -> int:
        return self.book.balance(kind, owner)

    def account_exists(self, kind: AccountKind, owner: str) -> bool:
        return account_id(kind, owner) in self.state.accounts


def refused(decision: Decision) -> Refused:
    assert isinstance(decision, Refused), decision
    return decision
