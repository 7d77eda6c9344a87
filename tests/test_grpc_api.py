"""The API over a real server and database: the walk-through, bad input, reads and pagination."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import grpc
import psycopg
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from fangxin.v1 import ledger_pb2 as pb
from fangxin.v1 import ledger_pb2_grpc
from ledger.pg.database import libpq_url
from services.server import Running
from tests.support import OK, check_invariants, ledger_stub, new_accounts, running_server, transfer

Stub = ledger_pb2_grpc.LedgerServiceStub


@pytest.fixture
def server(database_url: str) -> Iterator[Running]:
    with running_server(database_url) as running:
        yield running


@pytest.fixture
def stub(server: Running) -> Iterator[Stub]:
    with ledger_stub(server.port) as s:
        yield s


def _journal_size(database_url: str) -> tuple[int, int]:
    with psycopg.connect(libpq_url(database_url)) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM transfers), (SELECT count(*) FROM accounts)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _violations(err: grpc.RpcError) -> tuple[str, list[str]]:
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    reason, fields = "", []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields = [v.field for v in bad.field_violations]
    return reason, fields


def test_walk_through_two_accounts_money_and_balances(stub: Stub, database_url: str) -> None:
    bank, card = new_accounts(stub, 1)[0], new_accounts(stub, 1, limit=True)[0]
    reply = stub.CreateTransfers(pb.CreateTransfersRequest(transfers=[
        transfer(bank, card, 100_000, code=1),
        hold := transfer(card, bank, 30_000, code=2, flags=pb.TransferFlags(pending=True),
                         timeout_s=60),
        pb.Transfer(id=str(uuid.uuid4()), pending_id=hold.id, amount=12_000,
                    flags=pb.TransferFlags(post_pending=True)),
    ]))  # fmt: skip
    assert [r.code for r in reply.results] == [OK] * 3
    stamps = [r.timestamp for r in reply.results]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    (account,) = stub.LookupAccounts(pb.LookupAccountsRequest(ids=[card])).accounts
    assert (account.credits_posted, account.debits_posted, account.debits_pending) == (
        100_000, 12_000, 0)  # fmt: skip
    assert account.available_balance == 88_000
    (looked,) = stub.LookupTransfers(pb.LookupTransfersRequest(ids=[hold.id])).transfers
    assert looked.pending_status == pb.PENDING_STATUS_POSTED
    history = stub.GetAccountBalances(pb.GetAccountBalancesRequest(account_id=card)).balances
    assert [b.version for b in history] == [1, 2, 3]
    assert [b.debits_pending for b in history] == [0, 30_000, 0]
    before_post = stub.GetAccountBalances(
        pb.GetAccountBalancesRequest(account_id=card, as_of_timestamp=stamps[1])
    ).balances
    assert [(b.version, b.posted_balance) for b in before_post] == [(2, 100_000)]
    check_invariants(database_url)


def test_statement_pages_and_filters(stub: Stub) -> None:
    a, b = new_accounts(stub, 2)
    sent = [transfer(a, b, i + 1, code=1 + i % 2) for i in range(25)]
    stub.CreateTransfers(pb.CreateTransfersRequest(transfers=sent))
    seen, token = [], ""
    while True:
        page = stub.ListAccountTransfers(
            pb.ListAccountTransfersRequest(account_id=b, page_size=10, page_token=token)
        )
        seen += [t.id for t in page.transfers]
        token = page.next_page_token
        if not token:
            break
    assert seen == [t.id for t in sent]
    odd = stub.ListAccountTransfers(pb.ListAccountTransfersRequest(account_id=a, code=2))
    assert [t.amount for t in odd.transfers] == list(range(2, 26, 2))
    with pytest.raises(grpc.RpcError) as err:
        stub.ListAccountTransfers(pb.ListAccountTransfersRequest(account_id=a, code=1,
                                                                 page_token=page.next_page_token
                                                                 or "garbage"))  # fmt: skip
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as err:
        stub.ListAccountTransfers(pb.ListAccountTransfersRequest(account_id=str(uuid.uuid4())))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


BAD_TRANSFERS = [
    ("negative amount", {"amount": -5}, "transfers[0].amount"),
    ("zero amount", {"amount": 0}, "transfers[0].amount"),
    ("malformed id", {"id": "not-a-uuid"}, "transfers[0].id"),
    ("malformed debit", {"debit_account_id": "1234"}, "transfers[0].debit_account_id"),
    ("unknown currency", {"currency": "XYZ"}, "transfers[0].currency"),
    ("lowercase currency", {"currency": "cny"}, "transfers[0].currency"),
]


@pytest.mark.parametrize(
    ("case", "change", "field"), BAD_TRANSFERS, ids=[c[0] for c in BAD_TRANSFERS]
)
def test_malformed_transfer_is_rejected_and_changes_nothing(
    stub: Stub, database_url: str, case: str, change: dict[str, object], field: str
) -> None:
    a, b = new_accounts(stub, 2)
    good = transfer(a, b, 10)
    bad = transfer(a, b, 10)
    for key, value in change.items():
        setattr(bad, key, value)
    before = _journal_size(database_url)
    with pytest.raises(grpc.RpcError) as err:
        stub.CreateTransfers(pb.CreateTransfersRequest(transfers=[good, bad]))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    reason, fields = _violations(err.value)
    assert reason and field.replace("[0]", "[1]") in fields, (case, fields)
    assert _journal_size(database_url) == before


def test_oversize_and_empty_batches(stub: Stub, database_url: str) -> None:
    a, b = new_accounts(stub, 2)
    before = _journal_size(database_url)
    for transfers in ([transfer(a, b, 1) for _ in range(8191)], []):
        with pytest.raises(grpc.RpcError) as err:
            stub.CreateTransfers(pb.CreateTransfersRequest(transfers=transfers))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "transfers" in _violations(err.value)[1]
    assert _journal_size(database_url) == before


def test_int64_overflow_is_refused_by_the_wire_and_by_the_ledger(stub: Stub) -> None:
    a, b, c = new_accounts(stub, 3)
    with pytest.raises(ValueError):
        transfer(a, b, 2**63)  # does not fit the int64 field: no request can carry it
    big = 2**63 - 1
    first = stub.CreateTransfers(pb.CreateTransfersRequest(transfers=[transfer(a, b, big)]))
    assert first.results[0].code == OK
    again = stub.CreateTransfers(pb.CreateTransfersRequest(transfers=[transfer(c, b, 1)]))
    assert again.results[0].code == pb.CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS_POSTED


def test_semantic_failures_are_per_event_results(stub: Stub, database_url: str) -> None:
    (a, b), (usd,) = new_accounts(stub, 2), new_accounts(stub, 1, currency="USD")
    limited = new_accounts(stub, 1, limit=True)[0]
    events = [
        transfer(str(uuid.uuid4()), b, 5),
        transfer(a, str(uuid.uuid4()), 5),
        transfer(a, usd, 5),
        transfer(a, b, 5, currency="USD"),
        transfer(limited, b, 1),
        transfer(a, a, 5),
        transfer(a, b, 5),
    ]
    before = _journal_size(database_url)
    codes = [r.code for r in stub.CreateTransfers(
        pb.CreateTransfersRequest(transfers=events)).results]  # fmt: skip
    assert codes == [
        pb.CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_NOT_FOUND,
        pb.CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_NOT_FOUND,
        pb.CREATE_TRANSFER_RESULT_CODE_CURRENCY_MISMATCH,
        pb.CREATE_TRANSFER_RESULT_CODE_CURRENCY_MISMATCH,
        pb.CREATE_TRANSFER_RESULT_CODE_EXCEEDS_CREDITS,
        pb.CREATE_TRANSFER_RESULT_CODE_ACCOUNTS_MUST_BE_DIFFERENT,
        OK,
    ]
    assert _journal_size(database_url) == (before[0] + 1, before[1])


def test_malformed_accounts_and_lookups(stub: Stub, database_url: str) -> None:
    before = _journal_size(database_url)
    bad = [
        pb.Account(id="nope", ledger=1, currency="CNY", code=1),
        pb.Account(id=str(uuid.uuid4()), ledger=0, currency="CNY", code=1),
        pb.Account(id=str(uuid.uuid4()), ledger=1, currency="", code=1),
        pb.Account(id=str(uuid.uuid4()), ledger=1, currency="CNY", code=0),
    ]
    with pytest.raises(grpc.RpcError) as err:
        stub.CreateAccounts(pb.CreateAccountsRequest(accounts=bad))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    _, fields = _violations(err.value)
    for f in ("accounts[0].id", "accounts[1].ledger", "accounts[2].currency", "accounts[3].code"):
        assert f in fields
    with pytest.raises(grpc.RpcError) as err:
        stub.LookupAccounts(pb.LookupAccountsRequest(ids=["zzz"]))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _journal_size(database_url) == before


def test_health_and_reflection(server: Running) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        reply = health.Check(health_pb2.HealthCheckRequest(service="fangxin.v1.LedgerService"))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        refl = reflection_pb2_grpc.ServerReflectionStub(channel)
        answers = refl.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = {s.name for a in answers for s in a.list_services_response.service}
    assert "fangxin.v1.LedgerService" in names


def test_a_second_server_refuses_writes_with_unavailable(
    server: Running, database_url: str
) -> None:
    with running_server(database_url) as second, ledger_stub(second.port) as other:
        with pytest.raises(grpc.RpcError) as err:
            other.CreateTransfers(pb.CreateTransfersRequest(
                transfers=[transfer(str(uuid.uuid4()), str(uuid.uuid4()), 1)]))  # fmt: skip
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "another Fangxin writer" in (err.value.details() or "")
        assert _violations(err.value)[0] == "WRITER_STANDBY"
