"""Golden vectors for ledger.encoding version 1.

The literals below were computed once from the implementation and pasted here. They pin the
byte layout of the audit chain forever: if one of these tests fails, the change broke every
stored hash chain. Do not update the literals; add a new encoding version instead.
"""

from __future__ import annotations

import dataclasses
from uuid import UUID

import pytest

from ledger.encoding import (
    ENCODING_VERSION,
    GENESIS_HASH,
    chain_hash,
    encode_metadata,
    encode_transfer,
    uuid_or_none,
)
from ledger.model import Transfer, TransferFlags

HOLD_ID = UUID("0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c9d0f")
PAYER = UUID("66666666-7777-4888-9999-aaaaaaaaaaaa")
PAYEE = UUID("bbbbbbbb-cccc-4ddd-8eee-ffffffffffff")

SINGLE = Transfer(
    id=UUID("0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c9d0e"),
    debit_account_id=UUID("11111111-2222-4333-8444-555555555555"),
    credit_account_id=PAYER,
    amount=123_456,
    currency="CNY",
    code=100,
    flags=0,
    ledger=1,
    timestamp=1_700_000_000_000_000_001,
)
HOLD = Transfer(
    id=HOLD_ID,
    debit_account_id=PAYER,
    credit_account_id=PAYEE,
    amount=9_900,
    currency="CNY",
    code=200,
    flags=int(TransferFlags.PENDING | TransferFlags.LINKED),
    timeout_s=3_600,
    # Deliberately not in byte order: the encoding sorts keys by their UTF-8 bytes.
    metadata={"商户": "杭州西湖店", "order": "A-1", "é": "ü", "Z": ""},
    ledger=1,
    timestamp=1_700_000_000_000_000_002,
)
POST = Transfer(
    id=UUID("0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c9d10"),
    debit_account_id=PAYER,
    credit_account_id=PAYEE,
    amount=4_000,
    currency="CNY",
    code=200,
    flags=int(TransferFlags.POST_PENDING),
    pending_id=HOLD_ID,
    ledger=1,
    timestamp=1_700_000_003_600_000_000,
)

SINGLE_HEX = (
    "01"  # version
    "0190f5c27b1e7c3a9d4e5f6a7b8c9d0e"  # id
    "11111111222243338444555555555555"  # debit account
    "66666666777748889999aaaaaaaaaaaa"  # credit account
    "00000000000000000000000000000000"  # pending id: none
    "000000000001e240"  # amount
    "00000001"  # ledger
    "00000064"  # code
    "0000"  # flags
    "00000000"  # timeout_s
    "17979cfe362a0001"  # timestamp
    "434e59"  # currency
    "0000"  # metadata entries
)
HOLD_HEX = (
    "01"  # version
    "0190f5c27b1e7c3a9d4e5f6a7b8c9d0f"  # id
    "66666666777748889999aaaaaaaaaaaa"  # debit account
    "bbbbbbbbcccc4ddd8eeeffffffffffff"  # credit account
    "00000000000000000000000000000000"  # pending id: none
    "00000000000026ac"  # amount
    "00000001"  # ledger
    "000000c8"  # code
    "0003"  # flags: linked | pending
    "00000e10"  # timeout_s
    "17979cfe362a0002"  # timestamp
    "434e59"  # currency
    "0004"  # metadata entries, then (len, key, len, value) sorted by key bytes:
    "00015a0000"  # "Z": ""
    "00056f726465720003412d31"  # "order": "A-1"
    "0002c3a90002c3bc"  # "é": "ü"
    "0006e59586e688b7000fe69dade5b79ee8a5bfe6b996e5ba97"  # "商户": "杭州西湖店"
)
POST_HEX = (
    "01"  # version
    "0190f5c27b1e7c3a9d4e5f6a7b8c9d10"  # id
    "66666666777748889999aaaaaaaaaaaa"  # debit account
    "bbbbbbbbcccc4ddd8eeeffffffffffff"  # credit account
    "0190f5c27b1e7c3a9d4e5f6a7b8c9d0f"  # pending id
    "0000000000000fa0"  # amount
    "00000001"  # ledger
    "000000c8"  # code
    "0004"  # flags: post_pending
    "00000000"  # timeout_s
    "17979cff0cbda400"  # timestamp
    "434e59"  # currency
    "0000"  # metadata entries
)
CHAIN_HEX = [
    "6e47c469734e89d20a654fc0fe1fbdec7592c754fa0f96e7a4a8a9846407ff90",
    "feb859aa189d7c0cd25532cd93f24adc80639dcf61cbc1b80ef33f922bf6918f",
    "9b99e0e8f389d9ff5f06395d652554d5669ed447455ac87f1ce979a89e5c0d9b",
]


@pytest.mark.parametrize(
    ("transfer", "expected"),
    [(SINGLE, SINGLE_HEX), (HOLD, HOLD_HEX), (POST, POST_HEX)],
    ids=["single", "hold-with-metadata", "post"],
)
def test_golden_encoding(transfer: Transfer, expected: str) -> None:
    assert encode_transfer(transfer).hex() == expected


def test_golden_chain() -> None:
    previous = GENESIS_HASH
    hashes = []
    for transfer in (SINGLE, HOLD, POST):
        previous = chain_hash(previous, transfer)
        hashes.append(previous.hex())
    assert hashes == CHAIN_HEX


def test_version_and_sizes() -> None:
    assert ENCODING_VERSION == 1
    assert len(GENESIS_HASH) == 32 and not any(GENESIS_HASH)
    assert encode_transfer(SINGLE)[0] == 1
    assert len(encode_transfer(SINGLE)) == 100  # fixed part only
    assert len(encode_transfer(HOLD)) == 100 + len(encode_metadata(HOLD.metadata))
    assert len(chain_hash(GENESIS_HASH, SINGLE)) == 32


def test_metadata_order_does_not_matter() -> None:
    shuffled = dict(reversed(list(HOLD.metadata.items())))
    assert list(shuffled) != list(HOLD.metadata)
    assert encode_transfer(dataclasses.replace(HOLD, metadata=shuffled)).hex() == HOLD_HEX


def test_zero_pending_id_encodes_as_none() -> None:
    zero = dataclasses.replace(SINGLE, pending_id=UUID(int=0))
    assert encode_transfer(zero) == encode_transfer(SINGLE)
    assert uuid_or_none(bytes(16)) is None
    assert uuid_or_none(HOLD_ID.bytes) == HOLD_ID


# One changed value per field of Transfer, each as small a change as the field allows.
VARIATIONS: dict[str, list[object]] = {
    "id": [UUID(int=HOLD_ID.int ^ 1)],
    "debit_account_id": [UUID(int=PAYER.int ^ 1)],
    "credit_account_id": [UUID(int=PAYEE.int ^ (1 << 127))],
    "amount": [9_901, 0],
    "currency": ["CNH", "USD"],
    "code": [201, 0],
    "flags": [int(TransferFlags.PENDING), int(TransferFlags.PENDING | TransferFlags.VOID_PENDING)],
    "pending_id": [HOLD_ID, UUID(int=1)],
    "timeout_s": [3_601, 0],
    "metadata": [
        {},
        {**HOLD.metadata, "Z": "z"},  # a value
        {**HOLD.metadata, "order": "A-2"},
        {k if k != "Z" else "Y": v for k, v in HOLD.metadata.items()},  # a key
        {k: v for k, v in HOLD.metadata.items() if k != "Z"},  # an empty entry dropped
        {**HOLD.metadata, "extra": ""},
        {**{k: v for k, v in HOLD.metadata.items() if k != "order"}, "orde": "rA-1"},
    ],
    "ledger": [2, 0],
    "timestamp": [HOLD.timestamp + 1, HOLD.timestamp - 1],
}


def test_every_field_is_varied() -> None:
    assert set(VARIATIONS) == {f.name for f in dataclasses.fields(Transfer)}


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, values in VARIATIONS.items() for value in values],
    ids=[f"{name}-{i}" for name, values in VARIATIONS.items() for i in range(len(values))],
)
def test_changing_one_field_changes_the_encoding(name: str, value: object) -> None:
    changed = dataclasses.replace(HOLD, **{name: value})  # type: ignore[arg-type]
    assert getattr(changed, name) != getattr(HOLD, name)
    assert encode_transfer(changed) != encode_transfer(HOLD)
    assert chain_hash(GENESIS_HASH, changed) != chain_hash(GENESIS_HASH, HOLD)


def test_all_variations_encode_differently() -> None:
    encodings = {encode_transfer(HOLD)}
    count = 1
    for name, values in VARIATIONS.items():
        for value in values:
            encodings.add(encode_transfer(dataclasses.replace(HOLD, **{name: value})))  # type: ignore[arg-type]
            count += 1
    assert len(encodings) == count


def test_the_chain_depends_on_the_previous_hash() -> None:
    assert chain_hash(GENESIS_HASH, SINGLE) != chain_hash(b"\x01" + bytes(31), SINGLE)
    assert chain_hash(bytes.fromhex(CHAIN_HEX[0]), HOLD).hex() == CHAIN_HEX[1]
