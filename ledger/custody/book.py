"""A merchant's custody book: the snapshot every command reads, and how records update it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from uuid import UUID

from ledger.custody.accounts import AccountKind, account_id, normal_balance
from ledger.custody.instruments import (
    InstrumentStatus,
    Lot,
    Merchant,
    PrepaidInstrument,
    Redemption,
)
from ledger.model import Account


@dataclass(frozen=True, slots=True)
class MerchantBook:
    """Read-only inputs of a command: domain records plus the ledger accounts they own."""

    merchant: Merchant
    instruments: Mapping[str, PrepaidInstrument] = field(default_factory=dict)
    lots: Mapping[str, Lot] = field(default_factory=dict)
    redemptions: Mapping[str, Redemption] = field(default_factory=dict)
    accounts: Mapping[UUID, Account] = field(default_factory=dict)
    records: Mapping[str, object] = field(default_factory=dict)  # refunds, claims, ...

    # -- balances --------------------------------------------------------------------------------

    def balance(self, kind: AccountKind, owner_id: str | None = None) -> int:
        """Available balance on the account's normal side; 0 when the account does not exist."""
        account = self.accounts.get(account_id(kind, owner_id or self.merchant.merchant_id))
        return 0 if account is None else normal_balance(account)

    def card_balance(self, instrument_id: str) -> int:
        return self.balance(AccountKind.CARD_LIABILITY, instrument_id)

    def card_pending_fen(self, instrument_id: str) -> int:
        account = self.accounts.get(account_id(AccountKind.CARD_LIABILITY, instrument_id))
        return 0 if account is None else account.debits_pending

    def outstanding_fen(self) -> int:
        """Posted card liabilities of active instruments: the prepaid balance (inv. 1)."""
        total = 0
        for inst in self.active_instruments():
            account = self.accounts.get(account_id(AccountKind.CARD_LIABILITY, inst.instrument_id))
            if account is not None:
                total += account.credits_posted - account.debits_posted
        return total

    def cover_fen(self) -> int:
        """Insurance and guarantee cover counted towards the custody requirement (R6)."""
        return self.balance(AccountKind.INSURANCE_COVER) + self.balance(AccountKind.GUARANTEE_COVER)

    # -- records ---------------------------------------------------------------------------------

    def active_instruments(self) -> list[PrepaidInstrument]:
        return sorted(
            (i for i in self.instruments.values() if i.status == InstrumentStatus.ACTIVE),
            key=lambda i: i.instrument_id,
        )

    def lots_of(self, instrument_id: str) -> list[Lot]:
        """Oldest first: redemptions draw lots in sale order (FIFO)."""
        lots = [lot for lot in self.lots.values() if lot.instrument_id == instrument_id]
        return sorted(lots, key=lambda lot: (lot.sold_at, lot.lot_id))

    def redemptions_of(self, instrument_id: str) -> list[Redemption]:
        found = [r for r in self.redemptions.values() if r.instrument_id == instrument_id]
        return sorted(found, key=lambda r: (r.recorded_at, r.redemption_id))

    def instrument(self, instrument_id: str) -> PrepaidInstrument | None:
        return self.instruments.get(instrument_id)

    def with_records(self, records: Iterable[object]) -> MerchantBook:
        """Store records by id, newest version winning; what a repository would do."""
        instruments = dict(self.instruments)
        lots = dict(self.lots)
        redemptions = dict(self.redemptions)
        others = dict(self.records)
        merchant = self.merchant
        for rec in records:
            if isinstance(rec, Merchant):
                assert rec.merchant_id == merchant.merchant_id
                merchant = rec
            elif isinstance(rec, PrepaidInstrument):
                instruments[rec.instrument_id] = rec
            elif isinstance(rec, Lot):
                lots[rec.lot_id] = rec
            elif isinstance(rec, Redemption):
                redemptions[rec.redemption_id] = rec
            else:
                key = getattr(rec, "record_id", None)
                assert isinstance(key, str), f"record without id: {rec!r}"
                others[key] = rec
        return replace(
            self,
            merchant=merchant,
            instruments=instruments,
            lots=lots,
            redemptions=redemptions,
            records=others,
        )

    def with_accounts(self, accounts: Mapping[UUID, Account]) -> MerchantBook:
        return replace(self, accounts=accounts)
