"""`fangxin demo`: a province-sized sample seeded through the public CustodyService API.

Four custody banks, sixteen merchants (tutoring, fitness, beauty, car wash) in CN, CN-BJ,
CN-SH and CN-JL with credit grades A to D, and a few thousand cards with bonus credit live
through a month: sales and top-ups, cooling-off refunds, uses (confirmed, disputed, left to
lapse), releases confirmed (or failed, or ignored) by the banks, balance refunds, and one
merchant that absconds and is settled from its custody cash, risk deposit, insurance and the
compensation pool. A few requests break a rule on purpose, to show the refusals.

The server runs in-process on a simulated clock: seeding starts 30 days in the past and jumps
day by day, so cooling-off windows, hold timeouts and refund deadlines play out; when seeding
ends the clock is real time again and the scheduler ticks once (lapsed uses expire, missed
deadlines raise alerts). Request ids derive from fixed names (uuid5), so re-running the demo
on the same database replays instead of duplicating, and a complete sample is not seeded again.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, TextIO
from uuid import NAMESPACE_URL, uuid5

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlalchemy import text

from fangxin.v1 import custody_pb2 as pb
from fangxin.v1 import custody_pb2_grpc
from services.scheduler import TickReport, run_tick, yuan
from services.server import Running

DAY_NS = 86_400 * 10**9
HISTORY_DAYS = 30
CNY = 100  # fen per yuan
CALL_TIMEOUT_S = 60.0
CALL_ATTEMPTS = 5  # UNAVAILABLE is retried with the same request id
WORKERS = 32
DEFAULTER_CARDS_MAX = 2_000  # one settlement is one linked batch: keep it well inside
_NAMESPACE = uuid5(NAMESPACE_URL, "https://fangxin.invalid/demo/v1")


def request_id(*parts: object) -> str:
    """Fixed per step of the sample: a re-run replays instead of duplicating."""
    return str(uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


# -- the sample ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shop:
    merchant_id: str
    industry: str
    jurisdiction: str
    grade: str
    issuer_class: pb.IssuerClass
    bank: str
    weight: int  # share of the cards


SHOPS: tuple[Shop, ...] = tuple(
    Shop(m, i, j, g, c, b, w)
    for m, i, j, g, c, b, w in (
        ("bj-tutor-01", "tutoring", "CN-BJ", "A", pb.ISSUER_CLASS_SCALE, "ccb-beijing", 6),
        ("cn-tutor-02", "tutoring", "CN", "B", pb.ISSUER_CLASS_GROUP, "icbc", 5),
        ("jl-tutor-03", "tutoring", "CN-JL", "C", pb.ISSUER_CLASS_SCALE, "jilin-bank", 4),
        ("sh-fitness-01", "fitness", "CN-SH", "A", pb.ISSUER_CLASS_BRAND, "boc-shanghai", 7),
        ("sh-fitness-02", "fitness", "CN-SH", "C", pb.ISSUER_CLASS_SCALE, "boc-shanghai", 3),
        ("bj-fitness-03", "fitness", "CN-BJ", "B", pb.ISSUER_CLASS_SCALE, "ccb-beijing", 5),
        ("jl-fitness-04", "fitness", "CN-JL", "A", pb.ISSUER_CLASS_SCALE, "jilin-bank", 6),
        ("jl-fitness-05", "fitness", "CN-JL", "D", pb.ISSUER_CLASS_OTHER, "jilin-bank", 3),
        ("sh-beauty-01", "beauty", "CN-SH", "B", pb.ISSUER_CLASS_SCALE, "boc-shanghai", 6),
        ("bj-beauty-02", "beauty", "CN-BJ", "C", pb.ISSUER_CLASS_SCALE, "ccb-beijing", 4),
        ("jl-beauty-03", "beauty", "CN-JL", "B", pb.ISSUER_CLASS_GROUP, "icbc", 5),
        ("cn-beauty-04", "beauty", "CN", "A", pb.ISSUER_CLASS_BRAND, "icbc", 4),
        ("jl-carwash-01", "car_wash", "CN-JL", "A", pb.ISSUER_CLASS_SCALE, "jilin-bank", 7),
        ("jl-carwash-02", "car_wash", "CN-JL", "C", pb.ISSUER_CLASS_SCALE, "jilin-bank", 4),
        ("bj-carwash-03", "car_wash", "CN-BJ", "B", pb.ISSUER_CLASS_SCALE, "ccb-beijing", 4),
        ("cn-carwash-04", "car_wash", "CN", "D", pb.ISSUER_CLASS_OTHER, "icbc", 3),
    )
)
SHOP = {s.merchant_id: s for s in SHOPS}
DEFAULTER = "sh-fitness-02"  # absconds on day 25
BANK_FAILS = "jl-carwash-02"  # its bank fails the release instruction
BANK_SILENT = "jl-fitness-05"  # its bank never answers the release instruction
GRADES = {
    "A": pb.CREDIT_GRADE_A,
    "B": pb.CREDIT_GRADE_B,
    "C": pb.CREDIT_GRADE_C,
    "D": pb.CREDIT_GRADE_D,
}
STORED_VALUE = pb.INSTRUMENT_KIND_STORED_VALUE
SESSION_PACK = pb.INSTRUMENT_KIND_SESSION_PACK
MEMBERSHIP = pb.INSTRUMENT_KIND_MEMBERSHIP
SALE_DAYS = 5  # days 0-4
USE_DAYS = range(6, 20)
RELEASE_DAY, BALANCE_REFUND_DAY, WARNING_DAY, DEFAULT_DAY = 20, 21, 24, 25


@dataclass(slots=True)
class Use:
    redemption_id: str
    day: int
    item: str
    quantity: int
    by_merchant: bool
    outcome: str = "confirm"  # merchant-initiated: confirm, dispute or lapse


@dataclass(slots=True)
class Card:
    card_id: str
    merchant_id: str
    holder_id: str
    kind: pb.InstrumentKind
    registered: bool
    paid_fen: int
    bonus_fen: int
    list_amount_fen: int
    sessions: int
    prices: dict[str, int]
    sale_day: int
    membership: bool = False
    topup_fen: int = 0
    cooling_off_refund: bool = False
    balance_refund: pb.RefundReason | None = None
    uses: list[Use] = field(default_factory=list)


class Offer(NamedTuple):
    kind: pb.InstrumentKind
    paid_fen: int
    bonus_fen: int
    list_amount_fen: int  # 0: paid + bonus
    sessions: int
    prices: dict[str, int]  # list price per item, frozen at sale (R24)
    bearer: bool = False


def card_offer(industry: str, rng: random.Random) -> Offer:
    """What a card of this industry looks like; amounts in fen."""
    pick = rng.random()
    if industry == "tutoring":  # <= 60 lessons (R17), <= CNY 5,000 (R16)
        n = rng.choice((12, 24, 30))
        return Offer(SESSION_PACK, n * 150 * CNY, 0, n * 180 * CNY, n, {"session": 180 * CNY})
    if industry == "fitness":
        if pick < 0.1:
            return Offer(MEMBERSHIP, 2_400 * CNY, 0, 2_800 * CNY, 0, {})
        if pick < 0.3:
            return Offer(SESSION_PACK, 2_500 * CNY, 0, 3_000 * CNY, 10, {"session": 300 * CNY})
        paid = rng.choice((1_000, 2_000, 3_000)) * CNY
        return Offer(STORED_VALUE, paid, paid // 5, 0, 0, {"class": 120 * CNY, "pt": 300 * CNY})
    if industry == "beauty":  # "pay 1,000, get 250": the S3 art.18 discount ratio matters here
        bearer = pick < 0.1
        paid = 800 * CNY if bearer else rng.choice((1_000, 2_000, 4_000)) * CNY
        prices = {"facial": 300 * CNY, "haircut": 80 * CNY, "massage": 200 * CNY}
        return Offer(STORED_VALUE, paid, paid // 4, 0, 0, prices, bearer)
    paid = rng.choice((300, 500, 1_000)) * CNY  # car wash: small tickets, many bearer cards
    return Offer(STORED_VALUE, paid, paid // 5, 0, 0, {"wash": 40 * CNY, "wax": 150 * CNY},
                 pick < 0.4)  # fmt: skip


def card_counts(cards: int) -> dict[str, int]:
    """Cards per merchant by weight; at least 3 each, the defaulter capped."""
    total_weight = sum(s.weight for s in SHOPS)
    counts = {s.merchant_id: max(3, cards * s.weight // total_weight) for s in SHOPS}
    counts[DEFAULTER] = min(counts[DEFAULTER], DEFAULTER_CARDS_MAX)
    return counts


def plan(cards: int, seed: int = 2025) -> list[Card]:
    """The whole sample, decided up front from a fixed seed."""
    rng = random.Random(seed)
    planned: list[Card] = []
    holder = 0
    for shop in SHOPS:
        for n in range(card_counts(cards)[shop.merchant_id]):
            holder += 1
            o = card_offer(shop.industry, rng)
            card = Card(
                f"{shop.merchant_id}-c{n:05d}", shop.merchant_id, f"h{holder:06d}", o.kind,
                not o.bearer, o.paid_fen, o.bonus_fen, o.list_amount_fen, o.sessions, o.prices,
                sale_day=rng.randrange(SALE_DAYS), membership=o.kind == MEMBERSHIP,
            )  # fmt: skip
            _plan_life(card, shop, rng)
            planned.append(card)
    return planned


def _plan_life(card: Card, shop: Shop, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.025:
        card.cooling_off_refund = True  # refunded two days after the sale; nothing else
        return
    if (
        roll < 0.08
        and card.kind == pb.INSTRUMENT_KIND_STORED_VALUE
        and card.registered
        and card.sale_day < SALE_DAYS - 1
    ):
        card.topup_fen = 1_000 * CNY
    if not card.membership:
        _plan_uses(card, shop, rng)
    if rng.random() < 0.02 and not any(u.outcome == "lapse" for u in card.uses):
        card.balance_refund = rng.choice(
            (pb.REFUND_REASON_MERCHANT_FAULT, pb.REFUND_REASON_CONSUMER_REASON)
        )


def _plan_uses(card: Card, shop: Shop, rng: random.Random) -> None:
    """Up to five uses on distinct days, each within what is left on the card."""
    face_left = card.paid_fen + card.bonus_fen + card.topup_fen * 6 // 5
    sessions_left = card.sessions
    days = sorted(rng.sample(list(USE_DAYS), rng.randrange(6)))
    for n, day in enumerate(days):
        item = rng.choice(sorted(card.prices))
        quantity = 1 if rng.random() < 0.8 else 2
        if card.sessions:
            if quantity > sessions_left:
                break
            sessions_left -= quantity
        else:
            cost = card.prices[item] * quantity
            if cost > face_left:
                break
            face_left -= cost
        by_merchant = rng.random() < 0.45
        outcome = "confirm"
        if by_merchant:
            r = rng.random()
            # The defaulter's cards must have no hold open when it is settled (R12).
            if r < 0.1:
                outcome = "dispute"
            elif r < 0.15 and shop.merchant_id != DEFAULTER:
                outcome = "lapse"
        card.uses.append(Use(f"{card.card_id}-u{n}", day, item, quantity, by_merchant, outcome))


# -- calling the API -------------------------------------------------------------------------------


class Progress:
    """A plain text progress bar on stderr (one line per step when stderr is not a terminal)."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.step = max(1, total), 0, ""
        self._stream, self._tty = stream, stream.isatty()
        self._lock = threading.Lock()
        self._drawn_at = 0.0

    def begin(self, step: str) -> None:
        with self._lock:
            self.step = step
            if not self._tty:
                print(f"  {step}", file=self._stream, flush=True)
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
        self._draw()

    def finish(self) -> None:
        self.total = max(self.total, self.done)
        self._draw(force=True)
        if self._tty:
            print(file=self._stream, flush=True)
        self._tty = False  # later calls (the summary's reads) draw nothing

    def _draw(self, force: bool = False) -> None:
        if not self._tty:
            return
        now = time.monotonic()
        with self._lock:
            if not force and now - self._drawn_at < 0.1:
                return
            self._drawn_at = now
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * self.WIDTH)
            line = f"\r  [{bar:<{self.WIDTH}}] {share:4.0%}  {self.step[:44]:<44}"
            print(line, end="", file=self._stream, flush=True)


class Api:
    """The CustodyService stub with retries, outcome tallies and a thread pool for fan-out."""

    def __init__(self, channel: grpc.Channel, progress: Progress) -> None:
        self.stub = custody_pb2_grpc.CustodyServiceStub(channel)  # type: ignore[no-untyped-call]
        self.progress = progress
        self.calls = 0
        self.outcomes: Counter[str] = Counter()  # "refused R16", "done before", ...
        self.failures: list[str] = []  # unexpected errors, first few kept
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(WORKERS, "fangxin-demo")

    def close(self) -> None:
        self._pool.shutdown()

    def call(self, method: str, request: Message) -> Any:
        """The response, or None when the call was refused or failed (tallied)."""
        rpc: Callable[..., Any] = getattr(self.stub, method)
        try:
            for attempt in range(CALL_ATTEMPTS):
                try:
                    return rpc(request, timeout=CALL_TIMEOUT_S)
                except grpc.RpcError as exc:
                    if exc.code() != grpc.StatusCode.UNAVAILABLE or attempt + 1 == CALL_ATTEMPTS:
                        self._tally(method, exc)
                        return None
                    time.sleep(0.2 * 2**attempt)  # same request id: safe to retry
            return None
        finally:
            with self._lock:
                self.calls += 1
            self.progress.advance()

    def many(self, calls: Iterable[tuple[str, Message]]) -> list[Any]:
        """Independent calls, concurrently; results in order."""
        return list(self._pool.map(lambda c: self.call(*c), list(calls)))

    def _tally(self, method: str, exc: grpc.RpcError) -> None:
        reason, rules = error_info(exc)
        if exc.code() == grpc.StatusCode.FAILED_PRECONDITION and rules:
            key = f"refused {rules}"
        elif reason == "REQUEST_ID_REUSED":
            key = "done before (request id reused)"
        else:
            key = f"{exc.code().name} {reason}"
            with self._lock:
                if len(self.failures) < 10:
                    self.failures.append(f"{method}: {exc.code().name} {exc.details()}")
        with self._lock:
            self.outcomes[key] += 1


def error_info(exc: grpc.RpcError) -> tuple[str, str]:
    """(ErrorInfo reason, the refused rules) of a failed call."""
    status = rpc_status.from_call(exc)  # type: ignore[arg-type]
    for detail in status.details if status is not None else ():
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason, info.metadata.get("rules", "")
    return "", ""


class SimClock:
    """Simulated time for seeding: starts `days_back` days ago and only jumps forward."""

    def __init__(self, days_back: int) -> None:
        self.start_ns = time.time_ns() - days_back * DAY_NS
        self._offset_ns = -days_back * DAY_NS

    def __call__(self) -> int:
        return time.time_ns() + self._offset_ns

    def jump_to(self, day: float) -> None:
        target = self.start_ns + int(day * DAY_NS)
        self._offset_ns = max(self._offset_ns, target - time.time_ns())

    def real_time(self) -> None:
        self._offset_ns = max(self._offset_ns, 0)

    def day_date(self, day: int) -> date:
        return datetime.fromtimestamp((self.start_ns + day * DAY_NS) / 1e9, UTC).date()


# -- seeding ---------------------------------------------------------------------------------------


@dataclass
class Seeded:
    settlement: Any = None  # the SettleDefaultResponse


class Seeder:
    """Drives the sample through the API, day by day on the simulated clock."""

    def __init__(self, api: Api, clock: SimClock, cards: list[Card]) -> None:
        self.api, self.clock, self.cards = api, clock, cards
        self.silent: set[str] = set()  # instructions a bank never answers
        self.result = Seeded()

    def run(self) -> Seeded:
        self._day(0, "onboarding merchants")
        self.api.many(("OnboardMerchant", self._onboard(s)) for s in SHOPS)
        for day in range(SALE_DAYS + 2):
            self._day(day, f"sales and cooling-off refunds, day {day}")
            self.api.many(("RecordSale", self._sale(c)) for c in self.cards if c.sale_day == day)
            self.api.many(
                ("RequestCoolingOffRefund", self._cooling_off(c))
                for c in self.cards
                if c.cooling_off_refund and c.sale_day + 2 == day
            )
            if day == SALE_DAYS - 1:
                self.api.many(("RecordSale", self._topup(c)) for c in self.cards if c.topup_fen)
                self.api.many(self._rule_breaking_sales())
        self._pay_cooling_off_refunds()
        self._uses()
        self._releases()
        self._balance_refunds()
        self._default()
        return self.result

    def _day(self, day: float, step: str) -> None:
        self.clock.jump_to(day)
        self.api.progress.begin(step)

    def _onboard(self, s: Shop) -> pb.OnboardMerchantRequest:
        n = SHOPS.index(s)
        return pb.OnboardMerchantRequest(
            request_id=request_id("onboard", s.merchant_id),
            actor="regulator:demo",
            merchant_id=s.merchant_id,
            issuer_class=s.issuer_class,
            industry=s.industry,
            jurisdiction=s.jurisdiction,
            credit_grade=GRADES[s.grade],
            licensed_on=date(2018 + n % 5, 1 + n % 12, 1).isoformat(),
            pool_id=s.jurisdiction,
        )

    def _sale(self, c: Card) -> pb.RecordSaleRequest:
        term = {}
        if c.membership:
            starts = self.clock.day_date(c.sale_day)
            term = {
                "term_starts_on": starts.isoformat(),
                "term_ends_on": (starts + timedelta(days=365)).isoformat(),
            }
        return pb.RecordSaleRequest(
            request_id=request_id("sale", c.card_id),
            actor=f"bank:{SHOP[c.merchant_id].bank}",
            merchant_id=c.merchant_id,
            card_id=c.card_id,
            holder_id=c.holder_id,
            kind=c.kind,
            registered=c.registered,
            paid_fen=c.paid_fen,
            bonus_fen=c.bonus_fen,
            list_amount_fen=c.list_amount_fen,
            sessions=c.sessions,
            list_prices=c.prices,
            **term,
        )

    def _topup(self, c: Card) -> pb.RecordSaleRequest:
        return pb.RecordSaleRequest(
            request_id=request_id("topup", c.card_id),
            actor=f"bank:{SHOP[c.merchant_id].bank}",
            merchant_id=c.merchant_id,
            card_id=c.card_id,
            holder_id=c.holder_id,
            kind=c.kind,
            registered=True,
            paid_fen=c.topup_fen,
            bonus_fen=c.topup_fen // 5,
            list_prices=c.prices,
        )

    def _rule_breaking_sales(self) -> list[tuple[str, Message]]:
        """A bearer card above CNY 1,000 (R16) and a Shanghai gym card above CNY 5,000 (R17)."""
        bearer = pb.RecordSaleRequest(
            request_id=request_id("refused", "bearer-cap"),
            actor="bank:jilin-bank",
            merchant_id="jl-carwash-01",
            card_id="jl-carwash-01-over-cap",
            holder_id="h-over",
            kind=pb.INSTRUMENT_KIND_STORED_VALUE,
            registered=False,
            paid_fen=1_500 * CNY,
            list_prices={"wash": 40 * CNY},
        )
        gym = pb.RecordSaleRequest(
            request_id=request_id("refused", "sh-gym-cap"),
            actor="bank:boc-shanghai",
            merchant_id="sh-fitness-01",
            card_id="sh-fitness-01-over-cap",
            holder_id="h-over",
            kind=pb.INSTRUMENT_KIND_STORED_VALUE,
            registered=True,
            paid_fen=6_000 * CNY,
            list_prices={"class": 120 * CNY},
        )
        return [("RecordSale", bearer), ("RecordSale", gym)]

    def _cooling_off(self, c: Card) -> pb.RequestCoolingOffRefundRequest:
        sale_id = request_id("sale", c.card_id)
        return pb.RequestCoolingOffRefundRequest(
            request_id=request_id("cooling-off", c.card_id),
            actor=f"consumer:{c.holder_id}",
            merchant_id=c.merchant_id,
            refund_id=f"rf-{c.card_id}",
            lot_id=f"{c.card_id}/{sale_id}",
            channel=pb.REFUND_CHANNEL_BANK_ACCOUNT,
        )

    def _pay_cooling_off_refunds(self) -> None:
        """The regulator pays all cooling-off refunds but one, which will be overdue."""
        self._day(SALE_DAYS + 2, "paying cooling-off refunds")
        refunded = [c for c in self.cards if c.cooling_off_refund]
        self.api.many(("PayRefund", self._pay(c)) for c in refunded[1:])
        self._day(SALE_DAYS + 3, "banks carry out refund instructions")
        self._banks()

    def _pay(self, c: Card) -> pb.PayRefundRequest:
        return pb.PayRefundRequest(
            request_id=request_id("pay", c.card_id),
            actor="regulator:demo",
            merchant_id=c.merchant_id,
            refund_id=f"rf-{c.card_id}",
        )

    def _uses(self) -> None:
        for day in USE_DAYS:
            self._day(day, f"card uses, day {day}")
            todays = [(c, u) for c in self.cards for u in c.uses if u.day == day]
            self.api.many(("RecordRedemption", self._redeem(c, u)) for c, u in todays)
            answers = [
                self._answer(c, u) for c, u in todays if u.by_merchant and u.outcome != "lapse"
            ]
            self.api.many(answers)

    def _answer(self, c: Card, u: Use) -> tuple[str, Message]:
        """The consumer confirms or disputes a use the merchant recorded."""
        fields = dict(
            request_id=request_id(u.outcome, c.merchant_id, u.redemption_id),
            actor=f"consumer:{c.holder_id}",
            merchant_id=c.merchant_id,
            redemption_id=u.redemption_id,
        )
        if u.outcome == "confirm":
            return "ConfirmRedemption", pb.ConfirmRedemptionRequest(**fields)
        return "DisputeRedemption", pb.DisputeRedemptionRequest(**fields)

    def _redeem(self, c: Card, u: Use) -> pb.RecordRedemptionRequest:
        initiator = pb.INITIATOR_MERCHANT if u.by_merchant else pb.INITIATOR_CONSUMER
        item = "session" if c.sessions else u.item
        return pb.RecordRedemptionRequest(
            request_id=request_id("use", c.merchant_id, u.redemption_id),
            actor=f"merchant:{c.merchant_id}" if u.by_merchant else f"consumer:{c.holder_id}",
            merchant_id=c.merchant_id,
            redemption_id=u.redemption_id,
            card_id=c.card_id,
            item=item,
            quantity=u.quantity,
            initiated_by=initiator,
        )

    def _releases(self) -> None:
        """Every merchant asks for what it may release; one first asks for too much."""
        self._day(RELEASE_DAY, "releases to merchants")
        positions = self._positions()
        asks: list[tuple[str, Message]] = []
        for p in positions:
            if p is None or p.releasable_fen <= 0:
                continue
            if p.merchant_id == "bj-tutor-01":  # over the limit: refused with the binding rule
                asks.append(
                    (
                        "RequestRelease",
                        self._release(p.merchant_id, p.releasable_fen + 100 * CNY, "too-much"),
                    )
                )
            asks.append(("RequestRelease", self._release(p.merchant_id, p.releasable_fen)))
        self.api.many(asks)
        self._day(RELEASE_DAY + 1, "banks carry out release instructions")
        self._banks(fail=BANK_FAILS, ignore=BANK_SILENT)

    def _positions(self) -> list[Any]:
        return self.api.many(
            ("GetMerchantPosition", pb.GetMerchantPositionRequest(merchant_id=s.merchant_id))
            for s in SHOPS
        )

    def _release(
        self, merchant_id: str, amount_fen: int, tag: str = ""
    ) -> pb.RequestReleaseRequest:
        return pb.RequestReleaseRequest(
            request_id=request_id("release", merchant_id, tag),
            actor=f"merchant:{merchant_id}",
            merchant_id=merchant_id,
            amount_fen=amount_fen,
        )

    def _banks(self, fail: str = "", ignore: str = "") -> None:
        """Each bank confirms the pending instructions of its merchants, except those it fails
        or ignores."""
        pending: list[Any] = []
        token = ""
        while True:
            page = self.api.call(
                "ListInstructions",
                pb.ListInstructionsRequest(
                    status=pb.INSTRUCTION_STATUS_PENDING, page_size=1000, page_token=token
                ),
            )
            if page is None:
                break
            pending += page.instructions
            token = page.next_page_token
            if not token:
                break
        calls: list[tuple[str, Message]] = []
        for ins in pending:
            if ins.instruction_id in self.silent:
                continue
            if ins.merchant_id == ignore:
                self.silent.add(ins.instruction_id)
                continue
            bank = f"bank:{SHOP[ins.merchant_id].bank}" if ins.merchant_id in SHOP else "bank"
            fields = dict(
                request_id=request_id("bank", ins.instruction_id),
                actor=bank,
                merchant_id=ins.merchant_id,
                instruction_id=ins.instruction_id,
            )
            if ins.merchant_id == fail:
                why = "payee account under review"
                calls.append(("FailInstruction", pb.FailInstructionRequest(**fields, reason=why)))
            else:
                calls.append(("ConfirmInstruction", pb.ConfirmInstructionRequest(**fields)))
        self.api.many(calls)

    def _balance_refunds(self) -> None:
        self._day(BALANCE_REFUND_DAY, "balance refunds")
        chosen = [c for c in self.cards if c.balance_refund]
        booked = self.api.many(
            (
                "RequestBalanceRefund",
                pb.RequestBalanceRefundRequest(
                    request_id=request_id("balance-refund", c.card_id),
                    actor=f"consumer:{c.holder_id}",
                    merchant_id=c.merchant_id,
                    refund_id=f"rf-{c.card_id}",
                    card_id=c.card_id,
                    reason=c.balance_refund,
                    channel=pb.REFUND_CHANNEL_BANK_ACCOUNT,
                ),
            )
            for c in chosen
        )
        self._day(BALANCE_REFUND_DAY + 1, "paying balance refunds")
        self.api.many(("PayRefund", self._pay(c)) for c, b in zip(chosen, booked, strict=True) if b)
        self._day(BALANCE_REFUND_DAY + 2, "banks carry out refund instructions")
        self._banks()

    def _default(self) -> None:
        """Warning, cover funded from the gap, default, refusals, then the settlement."""
        m = DEFAULTER
        self._day(WARNING_DAY, f"{m}: risk warning")
        self._status(m, pb.MERCHANT_STATUS_WARNING, "missed quarterly report; complaints up")
        position = self.api.call(
            "GetMerchantPosition", pb.GetMerchantPositionRequest(merchant_id=m)
        )
        owed = position.outstanding_fen + position.refund_payable_fen if position else 0
        gap = max(0, owed - (position.custody_cash_fen if position else 0))
        funding = (
            (pb.FUNDING_SOURCE_RISK_DEPOSIT, m, gap // 5),
            (pb.FUNDING_SOURCE_INSURANCE, m, gap * 3 // 10),
            (pb.FUNDING_SOURCE_COMPENSATION_POOL, SHOP[m].jurisdiction, gap * 6 // 10),
        )
        self.api.many(
            (
                "FundCompensation",
                pb.FundCompensationRequest(
                    request_id=request_id("fund", source, owner),
                    actor="regulator:demo",
                    source=source,
                    owner_id=owner,
                    amount_fen=amount,
                ),
            )
            for source, owner, amount in funding
            if amount > 0
        )
        self._day(DEFAULT_DAY, f"{m} absconds: compensation")
        self._status(m, pb.MERCHANT_STATUS_DEFAULTED, "shop closed; owner unreachable")
        refused = pb.RecordSaleRequest(
            request_id=request_id("refused", "sale-after-default"),
            actor="bank:boc-shanghai",
            merchant_id=m,
            card_id=f"{m}-after-default",
            holder_id="h-late",
            kind=pb.INSTRUMENT_KIND_STORED_VALUE,
            registered=True,
            paid_fen=500 * CNY,
        )
        self.api.many(
            [("RecordSale", refused), ("RequestRelease", self._release(m, 100 * CNY, "frozen"))]
        )
        self.result.settlement = self.api.call(
            "SettleDefault",
            pb.SettleDefaultRequest(
                request_id=request_id("settle", m), actor="regulator:demo", merchant_id=m
            ),
        )

    def _status(self, merchant_id: str, status: pb.MerchantStatus, evidence: str) -> None:
        self.api.call(
            "ChangeMerchantStatus",
            pb.ChangeMerchantStatusRequest(
                request_id=request_id("status", merchant_id, status),
                actor="regulator:demo",
                merchant_id=merchant_id,
                status=status,
                evidence=[evidence],
                decided_by="market regulator (demo)",
            ),
        )


def planned_calls(cards: Sequence[Card]) -> int:
    """Rough number of calls seeding makes, for the progress bar."""
    uses = sum(
        len(c.uses) + sum(u.by_merchant and u.outcome != "lapse" for u in c.uses) for c in cards
    )
    refunds = sum(3 * (c.cooling_off_refund or bool(c.balance_refund)) for c in cards)
    return len(cards) + sum(bool(c.topup_fen) for c in cards) + uses + refunds + 5 * len(SHOPS)


# -- summary ---------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    seeded: bool
    cards_planned: int
    positions: list[Any]  # GetMerchantPositionResponse per merchant
    totals: dict[str, int]
    journal_entries: int
    accounts: int
    decisions: dict[str, int]  # accepted, refused
    outcomes: Counter[str]
    failures: list[str]
    calls: int
    seconds: float
    tick: TickReport | None
    settlement: Any = None

    def lines(self) -> list[str]:
        head = (
            f"{'merchant':<15} {'bank':<13} {'where':<6} {'gr':<2} {'status':<9}"
            f" {'cards':>6} {'held':>14} {'releasable':>14} {'rule':<4}"
            f" {'outstanding':>14} {'required':>14}"
        )
        out = [
            f"Fangxin demo: {len(SHOPS)} merchants, {len({s.bank for s in SHOPS})} custody banks,"
            f" {self.cards_planned:,} cards planned"
            + (
                f"; seeded with {self.calls:,} API calls in {self.seconds:.1f} s"
                if self.seeded
                else "; already seeded, nothing to do"
            ),
            "",
            head,
            "-" * len(head),
        ]
        for p in self.positions:
            s = SHOP[p.merchant_id]
            status = pb.MerchantStatus.Name(p.status).removeprefix("MERCHANT_STATUS_").lower()
            out.append(
                f"{p.merchant_id:<15} {s.bank:<13} {s.jurisdiction:<6} {s.grade:<2} {status:<9}"
                f" {p.active_cards:>6} {_cny(p.custody_cash_fen)} {_cny(p.releasable_fen)}"
                f" {p.binding_rule:<4} {_cny(p.outstanding_fen)} {_cny(p.required_fen)}"
            )
        t = self.totals
        out += [
            "-" * len(head),
            f"{'total':<15} {'':<13} {'':<6} {'':<2} {'':<9} {t['cards']:>6}"
            f" {_cny(t['held'])} {_cny(t['releasable'])} {'':<4} {_cny(t['outstanding'])}"
            f" {_cny(t['required'])}",
            "(CNY; held = custody cash available, less instructions the bank has not confirmed)",
            "",
            f"journal: {self.journal_entries:,} hash-chained transfers on {self.accounts:,}"
            f" accounts; custody decisions: {self.decisions.get('accepted', 0):,} accepted,"
            f" {self.decisions.get('refused', 0):,} refused",
        ]
        if self.settlement is not None:
            st = self.settlement
            by = ", ".join(
                f"{pb.FundingSource.Name(x.source).removeprefix('FUNDING_SOURCE_').lower()}"
                f" {yuan(x.amount_fen)}"
                for x in st.paid_by_source
            )
            out.append(
                f"default of {DEFAULTER}: owed {yuan(st.claimed_fen)} to holders, paid"
                f" {yuan(st.paid_fen)} ({by})"
            )
        if self.tick is not None:
            tk = self.tick
            out.append(
                f"scheduler tick: {len(tk.expired)} lapsed uses expired,"
                f" {tk.alerts_total} missed-deadline alerts on record,"
                f" {len(tk.proposals)} release proposals"
            )
        if self.outcomes:
            tally = ", ".join(f"{k} x{v}" for k, v in sorted(self.outcomes.items()))
            out.append(f"refused or failed (R13, R15, R16, R17, R27 on purpose): {tally}")
        out += [f"  unexpected: {f}" for f in self.failures]
        return out


def _cny(fen: int) -> str:
    return f"{fen // CNY:>14,}" if fen >= 0 else f"{'-' + format(-fen // CNY, ','):>14}"


def summarise(api: Api, running: Running) -> tuple[list[Any], dict[str, int], dict[str, int]]:
    positions = [
        p
        for p in api.many(
            ("GetMerchantPosition", pb.GetMerchantPositionRequest(merchant_id=s.merchant_id))
            for s in SHOPS
        )
        if p is not None
    ]
    totals = {
        "cards": sum(p.active_cards for p in positions),
        "held": sum(p.custody_cash_fen for p in positions),
        "releasable": sum(p.releasable_fen for p in positions),
        "outstanding": sum(p.outstanding_fen for p in positions),
        "required": sum(p.required_fen for p in positions),
    }
    with running.engine.connect() as conn:
        journal = conn.execute(text("SELECT count(*) FROM transfers")).scalar_one()
        accounts = conn.execute(text("SELECT count(*) FROM accounts")).scalar_one()
        rows = conn.execute(
            text("SELECT accepted, count(*) FROM custody_decisions GROUP BY accepted")
        ).all()
    decisions = {("accepted" if a else "refused"): int(n) for a, n in rows}
    return positions, totals, {"journal": int(journal), "accounts": int(accounts), **decisions}


def already_seeded(api: Api) -> bool:
    """The defaulter's settlement is the last step: once it is decided the sample is complete."""
    token = ""
    while True:
        request = pb.ListDecisionsRequest(merchant_id=DEFAULTER, page_size=1000, page_token=token)
        try:
            page = api.stub.ListDecisions(request, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return False  # a fresh database
            raise
        if any(d.command_type == "SettleDefault" and d.accepted for d in page.decisions):
            return True
        token = page.next_page_token
        if not token:
            return False


def run(running: Running, clock: SimClock, cards: int, stream: TextIO = sys.stderr) -> DemoSummary:
    """Seed (unless complete) through the server's public port, tick once, summarise."""
    planned = plan(cards)
    progress = Progress(planned_calls(planned), stream)
    started = time.monotonic()
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        api = Api(channel, progress)
        try:
            seeded = not already_seeded(api)
            settlement = None
            if seeded:
                print(f"seeding {len(planned):,} cards through the custody API ...", file=stream)
                settlement = Seeder(api, clock, planned).run().settlement
                progress.finish()
            clock.real_time()
            tick = run_tick(running.writer, running.engine, clock(), since_ns=clock.start_ns)
            calls, seconds = api.calls, time.monotonic() - started
            positions, totals, counts = summarise(api, running)
        finally:
            api.close()
    return DemoSummary(
        seeded=seeded,
        cards_planned=len(planned),
        positions=positions,
        totals=totals,
        journal_entries=counts["journal"],
        accounts=counts["accounts"],
        decisions={k: v for k, v in counts.items() if k in ("accepted", "refused")},
        outcomes=api.outcomes,
        failures=api.failures,
        calls=calls,
        seconds=seconds,
        tick=tick,
        settlement=settlement,
    )
