"""Default settlement (R29, R30): pay every cardholder from the merchant's custody cash, then its
risk deposit, then insurance and guarantee cover, then the compensation pool.

Each payout from a third party is subrogation: the holder's claim on the merchant passes to the
payer (card liability -> subrogated liability) while the payer's money becomes a receivable
(source -> recovery receivable). What no source covers is shared pro rata (prorata.share) and
left open on the cards, listed in a register of outstanding claims.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from ledger.custody.accounts import AccountKind, TransferCode, account_id, leg, linked
from ledger.custody.book import MerchantBook
from ledger.custody.decision import Accepted, Decision, InvalidCommand, refuse
from ledger.custody.instruments import InstrumentStatus
from ledger.custody.kinds import CounterpartyRole, FundingSource, MerchantStatus
from ledger.custody.prorata import fill, share
from ledger.custody.refunds import RefundRecord
from ledger.model import BATCH_EVENTS_MAX, Transfer

SOURCE_ACCOUNT: dict[FundingSource, AccountKind] = {
    FundingSource.CUSTODY_CASH: AccountKind.CUSTODY_CASH,
    FundingSource.RISK_DEPOSIT: AccountKind.RISK_DEPOSIT,
    FundingSource.INSURANCE: AccountKind.INSURANCE_COVER,
    FundingSource.GUARANTEE: AccountKind.GUARANTEE_COVER,
    FundingSource.COMPENSATION_POOL: AccountKind.COMPENSATION_POOL,
}
WATERFALL = tuple(FundingSource)  # the enum order is the R30 priority order


@dataclass(frozen=True, slots=True)
class SettleDefault:
    command_id: UUID
    # R4: who the subrogated claims run against (the merchant, or e.g. its franchisor).
    counterparty_role: CounterpartyRole = CounterpartyRole.MERCHANT
    counterparty_id: str = ""


@dataclass(frozen=True, slots=True)
class HolderClaim:
    """What one holder is owed on one card or unpaid refund (`ref`)."""

    holder_id: str
    ref: str
    account: UUID
    amount_fen: int


@dataclass(frozen=True, slots=True)
class RecoveryClaim:
    """A subrogated claim opened by a payout from a third-party source (R29, artefact 9)."""

    record_id: str
    merchant_id: str
    source: FundingSource
    source_owner_id: str
    counterparty_role: CounterpartyRole
    counterparty_id: str
    amount_fen: int
    opened_at: datetime
    recovered_fen: int = 0

    @property
    def open_fen(self) -> int:
        return self.amount_fen - self.recovered_fen


@dataclass(frozen=True, slots=True)
class OutstandingClaim:
    """Register line: what a holder is still owed after the waterfall ran dry."""

    record_id: str
    merchant_id: str
    holder_id: str
    ref: str
    claim_fen: int
    paid_fen: int

    @property
    def unpaid_fen(self) -> int:
        return self.claim_fen - self.paid_fen


@dataclass(frozen=True, slots=True)
class SettlementRecord:
    record_id: str
    merchant_id: str
    claimed_fen: int
    paid_fen: int
    paid_by_source_fen: dict[str, int]
    settled_at: datetime


def holder_claims(book: MerchantBook) -> list[HolderClaim]:
    """Open card balances and booked-but-unpaid refunds, in a fixed order."""
    claims = [
        HolderClaim(
            i.holder_id,
            i.instrument_id,
            account_id(AccountKind.CARD_LIABILITY, i.instrument_id),
            book.card_balance(i.instrument_id),
        )
        for i in book.active_instruments()
    ]
    payable = account_id(AccountKind.CONSUMER_REFUND_PAYABLE, book.merchant.merchant_id)
    for rec in book.records.values():
        if isinstance(rec, RefundRecord) and rec.paid_at is None:
            unpaid = rec.amount_fen - rec.paid_by_merchant_fen  # the merchant's part stays paid
            claims.append(HolderClaim(rec.holder_id, rec.record_id, payable, unpaid))
    return sorted((c for c in claims if c.amount_fen > 0), key=lambda c: (c.holder_id, c.ref))


def source_balances(book: MerchantBook) -> dict[FundingSource, int]:
    return {s: book.balance(SOURCE_ACCOUNT[s], _source_owner(book, s)) for s in WATERFALL}


def settle_default(book: MerchantBook, cmd: SettleDefault, now: datetime) -> Decision:
    m = book.merchant
    if m.status != MerchantStatus.DEFAULTED:
        return refuse(
            "R29", "first compensation applies only to a defaulted merchant", status=m.status.value
        )
    pending = sum(book.card_pending_fen(i.instrument_id) for i in book.active_instruments())
    if pending:
        return refuse("R12", "void or let lapse unconfirmed uses first", pending_fen=pending)
    claims = holder_claims(book)
    if not claims:
        raise InvalidCommand("no open holder claims")
    available = source_balances(book)
    entitled = _entitlements(claims, sum(available.values()))
    pieces = _allocate(claims, entitled, available)
    transfers = _payout_transfers(cmd.command_id, book, pieces)
    if len(transfers) > BATCH_EVENTS_MAX:
        raise InvalidCommand("settlement too large for one linked batch; settle holders in groups")
    paid_by_claim = {c.ref: sum(p[2] for p in pieces if p[0].ref == c.ref) for c in claims}
    records = _records(cmd, book, claims, pieces, paid_by_claim, now)
    return Accepted(linked(transfers), tuple(records))


def _entitlements(claims: list[HolderClaim], available_fen: int) -> dict[str, int]:
    """Per claim ref: full claims if the sources suffice, else the same fraction per holder."""
    per_holder: dict[str, int] = {}
    for c in claims:
        per_holder[c.holder_id] = per_holder.get(c.holder_id, 0) + c.amount_fen
    total = min(sum(per_holder.values()), available_fen)
    holder_share = share(per_holder, total)
    out: dict[str, int] = {}
    for holder_id, amount in holder_share.items():
        mine = {c.ref: c.amount_fen for c in claims if c.holder_id == holder_id}
        out |= fill(mine, amount)
    return out


Piece = tuple[HolderClaim, FundingSource, int]


def _allocate(
    claims: list[HolderClaim], entitled: dict[str, int], available: dict[FundingSource, int]
) -> list[Piece]:
    """Draw the sources in waterfall order across claims in (holder, ref) order."""
    left = dict(available)
    pieces: list[Piece] = []
    sources = iter(WATERFALL)
    source = next(sources)
    for c in claims:
        need = entitled[c.ref]
        while need > 0:
            while left[source] == 0:
                source = next(sources)
            take = min(need, left[source])
            pieces.append((c, source, take))
            left[source] -= take
            need -= take
    return pieces


def _payout_transfers(command_id: UUID, book: MerchantBook, pieces: list[Piece]) -> list[Transfer]:
    merchant_id = book.merchant.merchant_id
    cash = account_id(AccountKind.CUSTODY_CASH, merchant_id)
    subrogated = account_id(AccountKind.SUBROGATED_LIABILITY, merchant_id)
    receivable = account_id(AccountKind.RECOVERY_RECEIVABLE, merchant_id)
    transfers: list[Transfer] = []
    opened: dict[FundingSource, int] = {}
    for n, (claim, source, amount) in enumerate(pieces):
        third_party = source != FundingSource.CUSTODY_CASH
        code = TransferCode.SUBROGATION if third_party else TransferCode.DEFAULT_PAYOUT
        meta = {"holder": claim.holder_id, "ref": claim.ref, "source": source.value}
        credit = subrogated if third_party else cash
        transfers.append(leg(command_id, f"payout:{n}", claim.account, credit, amount, code, meta))
        if third_party:
            opened[source] = opened.get(source, 0) + amount
    for source, amount in opened.items():
        src = account_id(SOURCE_ACCOUNT[source], _source_owner(book, source))
        transfers.append(
            leg(
                command_id,
                f"claim:{source.value}",
                receivable,
                src,
                amount,
                TransferCode.CLAIM_OPENED,
                {"source": source.value},
            )
        )
    return transfers


def _records(
    cmd: SettleDefault,
    book: MerchantBook,
    claims: list[HolderClaim],
    pieces: list[Piece],
    paid_by_claim: dict[str, int],
    now: datetime,
) -> list[object]:
    m = book.merchant
    records: list[object] = []
    by_source: dict[str, int] = {}
    for _, source, amount in pieces:
        by_source[source.value] = by_source.get(source.value, 0) + amount
    for source in WATERFALL[1:]:
        if by_source.get(source.value):
            records.append(
                RecoveryClaim(
                    f"claim/{cmd.command_id}/{source.value}",
                    m.merchant_id,
                    source,
                    _source_owner(book, source),
                    cmd.counterparty_role,
                    cmd.counterparty_id or m.merchant_id,
                    by_source[source.value],
                    now,
                )
            )
    for c in claims:
        paid = paid_by_claim[c.ref]
        if paid < c.amount_fen:
            records.append(
                OutstandingClaim(
                    f"outstanding/{m.merchant_id}/{c.ref}",
                    m.merchant_id,
                    c.holder_id,
                    c.ref,
                    c.amount_fen,
                    paid,
                )
            )
        inst = book.instrument(c.ref)
        if inst is not None and paid == c.amount_fen:
            records.append(replace(inst, status=InstrumentStatus.SETTLED_IN_DEFAULT))
        refund = book.records.get(c.ref)
        if isinstance(refund, RefundRecord) and paid == c.amount_fen:
            records.append(replace(refund, paid_at=now, paid_from_custody_fen=0))
    records.append(
        SettlementRecord(
            f"settlement/{cmd.command_id}",
            m.merchant_id,
            sum(c.amount_fen for c in claims),
            sum(paid_by_claim.values()),
            by_source,
            now,
        )
    )
    return records


def _source_owner(book: MerchantBook, source: FundingSource) -> str:
    return (
        book.merchant.pool_id
        if source == FundingSource.COMPENSATION_POOL
        else book.merchant.merchant_id
    )
