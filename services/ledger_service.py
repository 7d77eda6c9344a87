"""The LedgerService servicer: validate, call the writer or reader, map outcomes in order.

Malformed requests fail as a whole with INVALID_ARGUMENT before anything is submitted. A
well-formed batch always gets OK at the RPC level, with one result code per event: a refused
transfer is data, not an RPC error. Storage that cannot serve the call maps to UNAVAILABLE, which
is safe to retry because every write is idempotent by its client-chosen id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

import grpc

from fangxin.v1 import ledger_pb2, ledger_pb2_grpc
from ledger.model import Account, PendingStatus, Transfer
from ledger.pg.reader import StoreUnavailable
from ledger.pg.writer import WriterUnavailable
from services import convert, errors, pagination
from services.errors import InvalidArgument
from services.ports import LedgerReader, LedgerWriter

_log = logging.getLogger(__name__)
T = TypeVar("T")
Context = grpc.ServicerContext
FilterFields = dict[str, str | int]


@dataclass(frozen=True, slots=True)
class _Page:
    """A validated paginated read: whose, how many, and after which cursor."""

    account_id: UUID
    page_size: int
    after: int


def _validated(context: Context, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except InvalidArgument as exc:
        errors.abort_invalid_argument(context, exc.violations)


def _gather(violations: list[tuple[str, str]], parse: Callable[[], T]) -> T | None:
    """Runs one check, keeping its violations so that all checks of a request are reported."""
    try:
        return parse()
    except InvalidArgument as exc:
        violations.extend(exc.violations)
        return None


def _page(
    account_id: str,
    filter_fields: FilterFields,
    page_size: int,
    page_token: str,
    *,
    timestamp_min: int,
    timestamp_max: int,
    as_of_timestamp: int = 0,
) -> _Page:
    """Validates the parts every paginated account read shares; raises InvalidArgument."""
    violations: list[tuple[str, str]] = []
    parsed_id = _gather(violations, lambda: convert.uuid_from_proto(account_id, "account_id"))
    size = _gather(violations, lambda: pagination.page_size(page_size))
    # The token is bound to the filter fields as sent, so a changed filter cannot reuse it.
    after = _gather(violations, lambda: pagination.decode_page_token(page_token, filter_fields))
    timestamps = {
        "as_of_timestamp": as_of_timestamp,
        "timestamp_min": timestamp_min,
        "timestamp_max": timestamp_max,
    }
    violations.extend((f, "must not be negative") for f, value in timestamps.items() if value < 0)
    if 0 < timestamp_max < timestamp_min:
        violations.append(("timestamp_max", "must not be less than timestamp_min"))
    if violations:
        raise InvalidArgument(violations)
    assert parsed_id is not None and size is not None and after is not None
    return _Page(parsed_id, size, after)


def _assert_results(results: Sequence[tuple[int, int]], count: int) -> None:
    """The writer's contract: one (result, timestamp) per event; a timestamp only on OK (0)."""
    assert len(results) == count, (len(results), count)
    for result, timestamp in results:
        assert (timestamp > 0) == (result == 0), (result, timestamp)


def _assert_ascending(keys: Sequence[int], after: int) -> None:
    previous = after
    for key in keys:
        assert key > previous, (key, previous)
        previous = key


class LedgerServicer(ledger_pb2_grpc.LedgerServiceServicer):
    """fangxin.v1.LedgerService over a writer and a reader (see services.ports)."""

    def __init__(self, writer: LedgerWriter, reader: LedgerReader) -> None:
        self._writer = writer
        self._reader = reader

    # -- writes -----------------------------------------------------------------------------------

    def CreateAccounts(
        self, request: ledger_pb2.CreateAccountsRequest, context: Context
    ) -> ledger_pb2.CreateAccountsResponse:
        accounts = _validated(context, lambda: convert.accounts_from_proto(request.accounts))
        try:
            results = self._writer.submit_accounts(accounts)
        except WriterUnavailable as exc:
            errors.abort_unavailable(context, exc.reason, exc.message)
        _assert_results(results, len(accounts))
        return ledger_pb2.CreateAccountsResponse(
            results=[
                ledger_pb2.CreateAccountResult(
                    index=i, code=convert.account_result_to_proto(result), timestamp=timestamp
                )
                for i, (result, timestamp) in enumerate(results)
            ]
        )

    def CreateTransfers(
        self, request: ledger_pb2.CreateTransfersRequest, context: Context
    ) -> ledger_pb2.CreateTransfersResponse:
        transfers = _validated(context, lambda: convert.transfers_from_proto(request.transfers))
        try:
            results = self._writer.submit_transfers(transfers)
        except WriterUnavailable as exc:
            errors.abort_unavailable(context, exc.reason, exc.message)
        _assert_results(results, len(transfers))
        return ledger_pb2.CreateTransfersResponse(
            results=[
                ledger_pb2.CreateTransferResult(
                    index=i, code=convert.transfer_result_to_proto(result), timestamp=timestamp
                )
                for i, (result, timestamp) in enumerate(results)
            ]
        )

    # -- reads ------------------------------------------------------------------------------------

    def _read(self, context: Context, work: Callable[[], T]) -> T:
        try:
            return work()
        except StoreUnavailable as exc:
            # The driver's message can name hosts and ports: log it, tell the client less.
            _log.warning("read failed: %s", exc.message)
            errors.abort_unavailable(
                context, "STORE_UNAVAILABLE", "the ledger's database is unavailable; retry later"
            )

    def _lookup_accounts(self, context: Context, ids: list[UUID]) -> dict[UUID, Account]:
        # Unique ids for the query; the response repeats an account as often as it was asked for.
        found = self._read(context, lambda: self._reader.lookup_accounts(list(dict.fromkeys(ids))))
        return {account.id: account for account in found}

    def _require_account(self, context: Context, account_id: UUID) -> None:
        if not self._lookup_accounts(context, [account_id]):
            errors.abort_not_found(
                context,
                "ACCOUNT_NOT_FOUND",
                f"account {account_id} does not exist",
                metadata={"account_id": str(account_id)},
            )

    def LookupAccounts(
        self, request: ledger_pb2.LookupAccountsRequest, context: Context
    ) -> ledger_pb2.LookupAccountsResponse:
        ids = _validated(context, lambda: convert.ids_from_proto(request.ids))
        if not ids:
            return ledger_pb2.LookupAccountsResponse()
        by_id = self._lookup_accounts(context, ids)
        return ledger_pb2.LookupAccountsResponse(
            accounts=[convert.account_to_proto(by_id[i]) for i in ids if i in by_id]
        )

    def LookupTransfers(
        self, request: ledger_pb2.LookupTransfersRequest, context: Context
    ) -> ledger_pb2.LookupTransfersResponse:
        ids = _validated(context, lambda: convert.ids_from_proto(request.ids))
        if not ids:
            return ledger_pb2.LookupTransfersResponse()
        unique = list(dict.fromkeys(ids))
        found = self._read(context, lambda: self._reader.lookup_transfers(unique))
        by_id: dict[UUID, tuple[Transfer, PendingStatus]] = {t.id: (t, s) for t, s in found}
        return ledger_pb2.LookupTransfersResponse(
            transfers=[convert.transfer_to_proto(*by_id[i]) for i in ids if i in by_id]
        )

    def GetAccountBalances(
        self, request: ledger_pb2.GetAccountBalancesRequest, context: Context
    ) -> ledger_pb2.GetAccountBalancesResponse:
        filter_fields: FilterFields = {
            "method": "GetAccountBalances",
            "account_id": request.account_id,
            "as_of_timestamp": request.as_of_timestamp,
            "timestamp_min": request.timestamp_min,
            "timestamp_max": request.timestamp_max,
        }
        page = _validated(
            context,
            lambda: _page(
                request.account_id,
                filter_fields,
                request.page_size,
                request.page_token,
                timestamp_min=request.timestamp_min,
                timestamp_max=request.timestamp_max,
                as_of_timestamp=request.as_of_timestamp,
            ),
        )
        # One row more than the page tells whether another page exists without a second query.
        rows = self._read(
            context,
            lambda: self._reader.account_balances(
                page.account_id,
                as_of=request.as_of_timestamp,
                timestamp_min=request.timestamp_min,
                timestamp_max=request.timestamp_max,
                after_version=page.after,
                limit=page.page_size + 1,
            ),
        )
        if request.as_of_timestamp > 0:
            assert len(rows) <= 1, len(rows)
        else:
            _assert_ascending([s.version for s in rows], page.after)
        assert all(s.account_id == page.account_id for s in rows)
        if not rows:
            self._require_account(context, page.account_id)
        next_page_token = ""
        if len(rows) > page.page_size and request.as_of_timestamp == 0:
            rows = rows[: page.page_size]
            next_page_token = pagination.encode_page_token(rows[-1].version, filter_fields)
        return ledger_pb2.GetAccountBalancesResponse(
            balances=[convert.balance_to_proto(s) for s in rows],
            next_page_token=next_page_token,
        )

    def ListAccountTransfers(
        self, request: ledger_pb2.ListAccountTransfersRequest, context: Context
    ) -> ledger_pb2.ListAccountTransfersResponse:
        filter_fields: FilterFields = {
            "method": "ListAccountTransfers",
            "account_id": request.account_id,
            "timestamp_min": request.timestamp_min,
            "timestamp_max": request.timestamp_max,
            "code": request.code,
        }
        page = _validated(
            context,
            lambda: _page(
                request.account_id,
                filter_fields,
                request.page_size,
                request.page_token,
                timestamp_min=request.timestamp_min,
                timestamp_max=request.timestamp_max,
            ),
        )
        rows = self._read(
            context,
            lambda: self._reader.account_transfers(
                page.account_id,
                timestamp_min=request.timestamp_min,
                timestamp_max=request.timestamp_max,
                code=request.code,
                after_timestamp=page.after,
                limit=page.page_size + 1,
            ),
        )
        _assert_ascending([t.timestamp for t, _ in rows], page.after)
        assert all(page.account_id in (t.debit_account_id, t.credit_account_id) for t, _ in rows)
        if not rows:
            self._require_account(context, page.account_id)
        next_page_token = ""
        if len(rows) > page.page_size:
            rows = rows[: page.page_size]
            next_page_token = pagination.encode_page_token(rows[-1][0].timestamp, filter_fields)
        return ledger_pb2.ListAccountTransfersResponse(
            transfers=[convert.transfer_to_proto(t, s) for t, s in rows],
            next_page_token=next_page_token,
        )
