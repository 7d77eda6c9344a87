"""The README's grpcurl walk-through, run as written (JSON bodies through protobuf's JSON
mapping, as grpcurl does) against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
from google.protobuf import json_format

from fangxin.v1 import ledger_pb2 as pb
from fangxin.v1 import ledger_pb2_grpc
from tests.support import OK, running_server

README = Path(__file__).resolve().parent.parent / "README.md"
CALL = re.compile(
    r"grpcurl -plaintext -d '(?P<body>[^']*)' \\?\s*127\.0\.0\.1:50051 "
    r"fangxin\.v1\.LedgerService/(?P<method>\w+)"
)


def test_readme_ledger_walk_through(database_url: str) -> None:
    calls = [(m["method"], m["body"]) for m in CALL.finditer(README.read_text())]
    assert [c[0] for c in calls] == [
        "CreateAccounts", "CreateTransfers", "LookupAccounts", "GetAccountBalances",
        "ListAccountTransfers",
    ]  # fmt: skip
    with (
        running_server(database_url) as server,
        grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel,
    ):
        stub = ledger_pb2_grpc.LedgerServiceStub(channel)  # type: ignore[no-untyped-call]
        replies = {}
        for method, body in calls:
            request = json_format.Parse(body, getattr(pb, f"{method}Request")())
            replies[method] = getattr(stub, method)(request)
    assert all(
        r.code == pb.CREATE_ACCOUNT_RESULT_CODE_OK for r in replies["CreateAccounts"].results
    )
    assert [r.code for r in replies["CreateTransfers"].results] == [OK, OK, OK]
    (card,) = replies["LookupAccounts"].accounts
    # 1,000.00 in; 300.00 held, of which 120.00 posted and the rest released.
    assert (card.credits_posted, card.debits_posted, card.debits_pending) == (100_000, 12_000, 0)
    assert len(replies["GetAccountBalances"].balances) == 3
    assert len(replies["ListAccountTransfers"].transfers) == 3
