"""The gRPC boundary without a database: conversion, validation, page tokens, enum sync."""

from __future__ import annotations

import base64
import enum
import json
from dataclasses import replace
from uuid import UUID, uuid4

import grpc
import pytest
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from hypothesis import given
from hypothesis import strategies as st

from fangxin.v1 import ledger_pb2
from ledger.model import (
    BATCH_EVENTS_MAX,
    METADATA_ENTRIES_MAX,
    METADATA_KEY_BYTES_MAX,
    METADATA_VALUE_BYTES_MAX,
    TIMEOUT_S_MAX,
    Account,
    AccountFlags,
    BalanceSnapshot,
    CreateAccountResult,
    CreateTransferResult,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from services import convert, errors, pagination
from services.errors import InvalidArgument

A = UUID("3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b")
B = UUID("9a8b7c6d-5e4f-4321-9fed-cba987654321")
HOLD = UUID("0f0e0d0c-0b0a-4908-8706-050403020100")


def violations(exc: pytest.ExceptionInfo[InvalidArgument]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for field, description in exc.value.violations:
        by_field.setdefault(field, []).append(description)
    return by_field


def pb_account(**fields: object) -> ledger_pb2.Account:
    values: dict[str, object] = {"id": str(A), "ledger": 1, "code": 10, "currency": "CNY"}
    values.update(fields)
    return ledger_pb2.Account(**values)  # type: ignore[arg-type]


def pb_transfer(**fields: object) -> ledger_pb2.Transfer:
    values: dict[str, object] = {
        "id": str(uuid4()),
        "debit_account_id": str(A),
        "credit_account_id": str(B),
        "amount": 500,
        "currency": "CNY",
        "code": 1,
    }
    values.update(fields)
    return ledger_pb2.Transfer(**values)  # type: ignore[arg-type]


def post(**fields: object) -> ledger_pb2.Transfer:
    values: dict[str, object] = {
        "debit_account_id": "",
        "credit_account_id": "",
        "currency": "",
        "code": 0,
        "amount": 0,
        "pending_id": str(HOLD),
        "flags": ledger_pb2.TransferFlags(post_pending=True),
    }
    values.update(fields)
    return pb_transfer(**values)


# -- enums and flags stay in sync with the domain, by name --------------------------------------


@pytest.mark.parametrize(
    ("domain", "proto", "prefix"),
    [
        (CreateAccountResult, ledger_pb2.CreateAccountResultCode, "CREATE_ACCOUNT_RESULT_CODE_"),
        (CreateTransferResult, ledger_pb2.CreateTransferResultCode, "CREATE_TRANSFER_RESULT_CODE_"),
        (PendingStatus, ledger_pb2.PendingStatus, "PENDING_STATUS_"),
    ],
)
def test_proto_enum_has_exactly_the_domain_names(
    domain: type[enum.IntEnum], proto: ledger_pb2.PendingStatus, prefix: str
) -> None:
    proto_names = set(proto.keys())  # type: ignore[attr-defined]
    assert proto.Value(f"{prefix}UNSPECIFIED") == 0  # type: ignore[attr-defined]
    assert all(name.startswith(prefix) for name in proto_names)
    unprefixed = {name.removeprefix(prefix) for name in proto_names} - {"UNSPECIFIED"}
    assert unprefixed == {member.name for member in domain}


def test_result_codes_map_by_name() -> None:
    for a in CreateAccountResult:
        account_code = convert.account_result_to_proto(a)
        name = ledger_pb2.CreateAccountResultCode.Name(account_code)
        assert name == f"CREATE_ACCOUNT_RESULT_CODE_{a.name}"
    for t in CreateTransferResult:
        transfer_code = convert.transfer_result_to_proto(t)
        name = ledger_pb2.CreateTransferResultCode.Name(transfer_code)
        assert name == f"CREATE_TRANSFER_RESULT_CODE_{t.name}"
    for s in PendingStatus:
        status = convert.pending_status_to_proto(s)
        assert ledger_pb2.PendingStatus.Name(status) == f"PENDING_STATUS_{s.name}"


@pytest.mark.parametrize(
    ("domain", "message"),
    [(AccountFlags, ledger_pb2.AccountFlags), (TransferFlags, ledger_pb2.TransferFlags)],
)
def test_flag_messages_have_one_bool_per_domain_flag(
    domain: type[enum.IntFlag], message: type[Message]
) -> None:
    fields = {f.name for f in message.DESCRIPTOR.fields}
    assert fields == {flag.name.lower() for flag in domain if flag.name}


@pytest.mark.parametrize("flag", list(AccountFlags))
def test_each_account_flag_round_trips(flag: AccountFlags) -> None:
    account = Account(A, 1, "CNY", 10, flags=int(flag))
    pb = convert.account_to_proto(account)
    assert sum(1 for f in pb.flags.DESCRIPTOR.fields if getattr(pb.flags, f.name)) == 1
    assert convert.accounts_from_proto([pb])[0].flags == int(flag)


# -- accounts -----------------------------------------------------------------------------------


def test_valid_account_converts_and_ignores_output_only_fields() -> None:
    pb = pb_account(
        flags=ledger_pb2.AccountFlags(linked=True, debits_must_not_exceed_credits=True),
        metadata={"merchant": "m-1"},
        credits_posted=1_000,
        version=7,
        timestamp=99,
    )
    [account] = convert.accounts_from_proto([pb])
    assert account == Account(
        A,
        1,
        "CNY",
        10,
        flags=int(AccountFlags.LINKED | AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
        metadata={"merchant": "m-1"},
    )


def test_account_violations_are_all_reported_with_field_paths() -> None:
    good = pb_account()
    bad = ledger_pb2.Account(id="not-a-uuid", ledger=0, code=0, currency="cny")
    with pytest.raises(InvalidArgument) as exc:
        convert.accounts_from_proto([good, bad])
    assert set(violations(exc)) == {
        "accounts[1].id",
        "accounts[1].ledger",
        "accounts[1].code",
        "accounts[1].currency",
    }


def test_account_with_empty_id_is_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.accounts_from_proto([pb_account(id="")])
    assert list(violations(exc)) == ["accounts[0].id"]


def test_account_flag_conflicts_are_left_to_the_engine() -> None:
    # Mutually exclusive account flags are a per-event result code, not a malformed request.
    flags = ledger_pb2.AccountFlags(
        debits_must_not_exceed_credits=True, credits_must_not_exceed_debits=True
    )
    [account] = convert.accounts_from_proto([pb_account(flags=flags)])
    assert account.flags == int(
        AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
    )


@pytest.mark.parametrize(("field", "noun"), [("accounts", "account"), ("transfers", "transfer")])
def test_empty_batch_is_refused(field: str, noun: str) -> None:
    parse = convert.accounts_from_proto if noun == "account" else convert.transfers_from_proto
    with pytest.raises(InvalidArgument) as exc:
        parse([])
    assert list(violations(exc)) == [field]


def test_batch_over_the_limit_is_refused_without_checking_each_event() -> None:
    reqs = [ledger_pb2.Account()] * (BATCH_EVENTS_MAX + 1)
    with pytest.raises(InvalidArgument) as exc:
        convert.accounts_from_proto(reqs)
    assert exc.value.violations == (
        ("accounts", f"has {BATCH_EVENTS_MAX + 1} accounts; at most {BATCH_EVENTS_MAX}"),
    )


def test_batch_at_the_limit_is_accepted() -> None:
    reqs = [pb_transfer(id=str(UUID(int=i + 1))) for i in range(BATCH_EVENTS_MAX)]
    assert len(convert.transfers_from_proto(reqs)) == BATCH_EVENTS_MAX


# -- metadata -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metadata",
    [
        {f"k{i}": "v" for i in range(METADATA_ENTRIES_MAX + 1)},
        {"k" * (METADATA_KEY_BYTES_MAX + 1): "v"},
        {"é" * (METADATA_KEY_BYTES_MAX // 2 + 1): "v"},  # limits are in UTF-8 bytes
        {"k": "v" * (METADATA_VALUE_BYTES_MAX + 1)},
        {"": "v"},
    ],
)
def test_metadata_over_limits_is_refused(metadata: dict[str, str]) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([pb_transfer(metadata=metadata)])
    assert list(violations(exc)) == ["transfers[0].metadata"]


def test_metadata_at_limits_is_accepted() -> None:
    metadata = {
        f"{i:02d}" + "k" * (METADATA_KEY_BYTES_MAX - 2): "v" * METADATA_VALUE_BYTES_MAX
        for i in range(METADATA_ENTRIES_MAX)
    }
    [transfer] = convert.transfers_from_proto([pb_transfer(metadata=metadata)])
    assert transfer.metadata == metadata


# -- transfers ----------------------------------------------------------------------------------


def test_plain_transfer_converts() -> None:
    pb = pb_transfer(id=str(HOLD), flags=ledger_pb2.TransferFlags(linked=True), metadata={"a": "b"})
    [t] = convert.transfers_from_proto([pb])
    assert t == Transfer(
        HOLD, A, B, 500, "CNY", code=1, flags=int(TransferFlags.LINKED), metadata={"a": "b"}
    )
    assert t.pending_id is None


def test_output_only_transfer_fields_are_ignored() -> None:
    pb = pb_transfer(ledger=7, timestamp=123, pending_status=ledger_pb2.PENDING_STATUS_POSTED)
    [t] = convert.transfers_from_proto([pb])
    assert (t.ledger, t.timestamp) == (0, 0)


@pytest.mark.parametrize("kind", ["post_pending", "void_pending"])
def test_post_and_void_may_leave_inherited_fields_empty(kind: str) -> None:
    flags = ledger_pb2.TransferFlags(**{kind: True})
    [t] = convert.transfers_from_proto([post(flags=flags)])
    assert t.debit_account_id == UUID(int=0)
    assert t.credit_account_id == UUID(int=0)
    assert (t.amount, t.currency, t.code) == (0, "", 0)
    assert t.pending_id == HOLD


def test_post_may_name_accounts_and_currency() -> None:
    [t] = convert.transfers_from_proto(
        [post(debit_account_id=str(A), credit_account_id=str(B), currency="CNY", amount=100)]
    )
    assert (t.debit_account_id, t.credit_account_id, t.currency, t.amount) == (A, B, "CNY", 100)


def test_post_still_checks_what_it_does_give() -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([post(debit_account_id="zzz", currency="XXX", amount=-1)])
    assert set(violations(exc)) == {
        "transfers[0].debit_account_id",
        "transfers[0].currency",
        "transfers[0].amount",
    }


@pytest.mark.parametrize("kind", ["post_pending", "void_pending"])
def test_post_and_void_need_a_pending_id(kind: str) -> None:
    flags = ledger_pb2.TransferFlags(**{kind: True})
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([post(flags=flags, pending_id="")])
    assert list(violations(exc)) == ["transfers[0].pending_id"]


def test_zero_pending_id_is_left_to_the_engine() -> None:
    # Well-formed, so it is data: the engine answers PENDING_ID_MUST_NOT_BE_ZERO.
    [t] = convert.transfers_from_proto([post(pending_id=str(UUID(int=0)))])
    assert t.pending_id is None


def test_pending_id_on_a_plain_transfer_is_parsed_for_the_engine() -> None:
    [t] = convert.transfers_from_proto([pb_transfer(pending_id=str(HOLD))])
    assert t.pending_id == HOLD  # the engine answers PENDING_ID_MUST_BE_ZERO


def test_transfer_violations_are_all_reported() -> None:
    bad = ledger_pb2.Transfer(
        id="",
        debit_account_id="",
        credit_account_id="{9a8b7c6d-5e4f-4321-9fed-cba987654321}",
        amount=-5,
        currency="RMB",
        timeout_s=TIMEOUT_S_MAX + 1,
        pending_id="nope",
        flags=ledger_pb2.TransferFlags(pending=True, void_pending=True),
    )
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([pb_transfer(), bad])
    assert set(violations(exc)) == {
        "transfers[1].id",
        "transfers[1].flags",
        "transfers[1].pending_id",
        "transfers[1].amount",
        "transfers[1].currency",
        "transfers[1].timeout_s",
        # void_pending makes debit empty acceptable; the braced credit id is still malformed.
        "transfers[1].credit_account_id",
    }


def test_plain_transfer_needs_both_accounts() -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([pb_transfer(debit_account_id="", credit_account_id="")])
    assert set(violations(exc)) == {
        "transfers[0].debit_account_id",
        "transfers[0].credit_account_id",
    }


@pytest.mark.parametrize("amount", [0, -1, -(2**63)])
def test_plain_amount_must_be_positive(amount: int) -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto([pb_transfer(amount=amount)])
    assert list(violations(exc)) == ["transfers[0].amount"]


def test_timeout_at_the_limit_is_accepted() -> None:
    flags = ledger_pb2.TransferFlags(pending=True)
    [t] = convert.transfers_from_proto([pb_transfer(timeout_s=TIMEOUT_S_MAX, flags=flags)])
    assert t.timeout_s == TIMEOUT_S_MAX
    assert t.flags == int(TransferFlags.PENDING)


def test_violations_are_capped() -> None:
    bad = [ledger_pb2.Transfer()] * 500  # several violations each
    with pytest.raises(InvalidArgument) as exc:
        convert.transfers_from_proto(bad)
    assert len(exc.value.violations) == errors.VIOLATIONS_MAX
    assert exc.value.violations[0][0] == "transfers[0].id"


# -- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3f1e2d4c5b6a47988a7b6c5d4e3f2a1b",
        "{3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b}",
        "urn:uuid:3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b\n",
        " 3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "3f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1g",
        "\uff13f1e2d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",  # a full-width digit 3 is not hex
    ],
)
def test_only_canonical_uuid_text_is_accepted(text: str) -> None:
    assert convert.parse_uuid(text) is None


def test_uppercase_uuid_is_accepted_and_rendered_lowercase() -> None:
    parsed = convert.parse_uuid(str(A).upper())
    assert parsed == A
    assert convert.account_to_proto(Account(A, 1, "CNY", 1)).id == str(A)


def test_lookup_ids_keep_order_and_report_each_bad_one() -> None:
    assert convert.ids_from_proto([str(B), str(A), str(B)]) == [B, A, B]
    with pytest.raises(InvalidArgument) as exc:
        convert.ids_from_proto([str(A), "x", "", str(B)])
    assert list(violations(exc)) == ["ids[1]", "ids[2]"]


def test_lookup_ids_over_the_limit_are_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        convert.ids_from_proto([str(A)] * (convert.LOOKUP_IDS_MAX + 1))
    assert list(violations(exc)) == ["ids"]


def test_uuid_from_proto_names_the_field() -> None:
    assert convert.uuid_from_proto(str(A), "account_id") == A
    with pytest.raises(InvalidArgument) as exc:
        convert.uuid_from_proto("", "account_id")
    assert list(violations(exc)) == ["account_id"]


# -- domain -> protobuf -------------------------------------------------------------------------


def test_account_to_proto_reports_derived_balances() -> None:
    account = Account(
        A,
        3,
        "CNY",
        10,
        flags=int(AccountFlags.CLOSED),
        metadata={"k": "v"},
        debits_pending=30,
        debits_posted=100,
        credits_pending=7,
        credits_posted=1_000,
        version=4,
        timestamp=123,
    )
    pb = convert.account_to_proto(account)
    assert (pb.posted_balance, pb.pending_balance, pb.available_balance) == (900, -23, 870)
    assert (pb.debits_pending, pb.debits_posted, pb.credits_pending, pb.credits_posted) == (
        30,
        100,
        7,
        1_000,
    )
    assert (pb.version, pb.timestamp, pb.ledger, pb.code) == (4, 123, 3, 10)
    assert pb.flags == ledger_pb2.AccountFlags(closed=True)
    assert dict(pb.metadata) == {"k": "v"}


def test_transfer_to_proto_carries_status_and_empty_pending_id() -> None:
    t = Transfer(HOLD, A, B, 5, "CNY", code=2, flags=int(TransferFlags.PENDING), timeout_s=60)
    stored = replace(t, ledger=3, timestamp=77)
    pb = convert.transfer_to_proto(stored, PendingStatus.EXPIRED)
    assert pb.pending_id == ""
    assert pb.pending_status == ledger_pb2.PENDING_STATUS_EXPIRED
    assert (pb.ledger, pb.timestamp, pb.timeout_s) == (3, 77, 60)
    assert pb.flags == ledger_pb2.TransferFlags(pending=True)


def test_balance_to_proto() -> None:
    snapshot = BalanceSnapshot(A, 1, 9, HOLD, 555, 1, 20, 3, 50)
    pb = convert.balance_to_proto(snapshot)
    assert pb == ledger_pb2.AccountBalance(
        account_id=str(A),
        version=9,
        transfer_id=str(HOLD),
        timestamp=555,
        debits_pending=1,
        debits_posted=20,
        credits_pending=3,
        credits_posted=50,
        posted_balance=30,
    )


_uuids = st.uuids().filter(lambda u: u.int != 0)
_plain_transfers = st.builds(
    Transfer,
    id=_uuids,
    debit_account_id=_uuids,
    credit_account_id=_uuids,
    amount=st.integers(1, 2**63 - 1),
    currency=st.sampled_from(["CNY", "USD", "JPY"]),
    code=st.integers(0, 2**32 - 1),
    flags=st.sampled_from([0, 1, 2, 3]),  # none, linked, pending, linked pending
    pending_id=st.none(),
    timeout_s=st.integers(0, TIMEOUT_S_MAX),
    metadata=st.dictionaries(st.text(min_size=1, max_size=16), st.text(max_size=64), max_size=4),
)


@given(_plain_transfers)
def test_transfer_round_trips_through_proto(t: Transfer) -> None:
    pb = convert.transfer_to_proto(t, PendingStatus.NONE)
    wire = ledger_pb2.Transfer.FromString(pb.SerializeToString())
    assert convert.transfers_from_proto([wire]) == [t]


# -- pagination ---------------------------------------------------------------------------------

FILTER: dict[str, str | int] = {"method": "ListAccountTransfers", "account_id": str(A), "code": 0}


def test_page_token_round_trips_and_is_url_safe() -> None:
    token = pagination.encode_page_token(2**63 - 1, FILTER)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert pagination.decode_page_token(token, dict(FILTER)) == 2**63 - 1
    assert pagination.decode_page_token("", FILTER) == 0


def test_page_token_is_bound_to_the_filter() -> None:
    token = pagination.encode_page_token(5, FILTER)
    for changed in ({"code": 7}, {"method": "GetAccountBalances"}, {"account_id": str(B)}):
        with pytest.raises(InvalidArgument) as exc:
            pagination.decode_page_token(token, {**FILTER, **changed})
        assert list(violations(exc)) == ["page_token"]


def _token(body: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "token",
    [
        "!!!!",
        "a",
        "x" * (pagination.PAGE_TOKEN_CHARS_MAX + 1),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _token([1, 2]),
        _token({"v": 2, "c": 1, "f": pagination.fingerprint(FILTER)}),
        _token({"v": True, "c": 1, "f": pagination.fingerprint(FILTER)}),
        _token({"v": 1, "c": True, "f": pagination.fingerprint(FILTER)}),
        _token({"v": 1, "c": -1, "f": pagination.fingerprint(FILTER)}),
        _token({"v": 1, "c": 2**63, "f": pagination.fingerprint(FILTER)}),
        _token({"v": 1, "c": 1.5, "f": pagination.fingerprint(FILTER)}),
        _token({"v": 1, "c": 1, "f": pagination.fingerprint(FILTER), "x": 0}),
        _token({"v": 1, "c": 1}),
    ],
)
def test_garbage_page_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        pagination.decode_page_token(token, FILTER)
    assert list(violations(exc)) == ["page_token"]


@pytest.mark.parametrize(
    ("requested", "effective"),
    [(0, pagination.PAGE_SIZE_DEFAULT), (1, 1), (1000, 1000), (1001, 1000), (2**31 - 1, 1000)],
)
def test_page_size(requested: int, effective: int) -> None:
    assert pagination.page_size(requested) == effective


def test_negative_page_size_is_refused() -> None:
    with pytest.raises(InvalidArgument) as exc:
        pagination.page_size(-1)
    assert list(violations(exc)) == ["page_size"]


# -- rich errors --------------------------------------------------------------------------------


class Aborted(Exception):
    pass


class FakeContext:
    """Records the status a handler aborts with; raises as a real context does."""

    status: grpc.Status | None = None

    def abort_with_status(self, status: grpc.Status) -> None:
        self.status = status
        raise Aborted


def _details(context: FakeContext) -> tuple[status_pb2.Status, list[Message]]:
    assert context.status is not None
    [(key, raw)] = context.status.trailing_metadata
    assert key == "grpc-status-details-bin"
    status = status_pb2.Status.FromString(raw)
    unpacked: list[Message] = []
    for detail in status.details:
        for kind in (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest):
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                unpacked.append(message)
    return status, unpacked


def test_invalid_argument_carries_error_info_and_bad_request() -> None:
    context = FakeContext()
    with pytest.raises(Aborted):
        errors.abort_invalid_argument(context, [("transfers[0].amount", "must be positive")])  # type: ignore[arg-type]
    status, [info, bad_request] = _details(context)
    assert status.code == code_pb2.INVALID_ARGUMENT
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert (info.reason, info.domain) == ("MALFORMED_REQUEST", errors.ERROR_DOMAIN)
    assert isinstance(bad_request, error_details_pb2.BadRequest)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("transfers[0].amount", "must be positive")
    ]


def test_invalid_argument_details_fit_the_trailer_budget() -> None:
    context = FakeContext()
    many = [(f"transfers[{i}].debit_account_id", "x" * 150) for i in range(errors.VIOLATIONS_MAX)]
    with pytest.raises(Aborted):
        errors.abort_invalid_argument(context, many)  # type: ignore[arg-type]
    status, [info, bad_request] = _details(context)
    assert len(status.SerializeToString()) < errors.DETAILS_BYTES_MAX + 512
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert isinstance(bad_request, error_details_pb2.BadRequest)
    reported = len(bad_request.field_violations)
    assert 0 < reported < len(many)
    assert dict(info.metadata) == {
        "violations": str(len(many)),
        "violations_reported": str(reported),
    }


def test_not_found_names_the_resource() -> None:
    context = FakeContext()
    with pytest.raises(Aborted):
        errors.abort_not_found(
            context,  # type: ignore[arg-type]
            "ACCOUNT_NOT_FOUND",
            "no such account",
            metadata={"account_id": str(A)},
        )
    status, [info] = _details(context)
    assert status.code == code_pb2.NOT_FOUND
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert (info.reason, dict(info.metadata)) == ("ACCOUNT_NOT_FOUND", {"account_id": str(A)})


def test_invalid_argument_needs_a_violation() -> None:
    with pytest.raises(AssertionError):
        InvalidArgument([])
