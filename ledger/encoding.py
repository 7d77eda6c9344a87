"""Canonical byte encoding of a journal entry and the SHA-256 chain over it.

Serialized protobuf is not canonical, so the audit chain hashes this encoding instead. The
layout is versioned; version 1 is pinned by golden vectors in tests/test_encoding.py and must
never change. A new layout gets a new version byte.

Version 1, all integers big-endian:
  u8 version | 16B id | 16B debit | 16B credit | 16B pending_id (zeros if none)
  | u64 amount | u32 ledger | u32 code | u16 flags | u32 timeout_s | u64 timestamp_ns
  | 3B currency (ASCII) | u16 n | n x (u16 len, key UTF-8, u16 len, value UTF-8), keys sorted
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

from ledger.model import Metadata, Transfer

ENCODING_VERSION = 1
GENESIS_HASH = bytes(32)
_ZERO_ID = bytes(16)
_FIXED = struct.Struct(">B16s16s16s16sQIIHIQ3sH")
_LEN = struct.Struct(">H")


def encode_metadata(metadata: Metadata) -> bytes:
    parts: list[bytes] = []
    for key in sorted(metadata, key=lambda k: k.encode()):
        key_bytes, value_bytes = key.encode(), metadata[key].encode()
        parts += (_LEN.pack(len(key_bytes)), key_bytes, _LEN.pack(len(value_bytes)), value_bytes)
    return b"".join(parts)


def encode_transfer(transfer: Transfer) -> bytes:
    pending = transfer.pending_id.bytes if transfer.pending_id is not None else _ZERO_ID
    head = _FIXED.pack(
        ENCODING_VERSION,
        transfer.id.bytes,
        transfer.debit_account_id.bytes,
        transfer.credit_account_id.bytes,
        pending,
        transfer.amount,
        transfer.ledger,
        transfer.code,
        transfer.flags,
        transfer.timeout_s,
        transfer.timestamp,
        transfer.currency.encode("ascii"),
        len(transfer.metadata),
    )
    if not transfer.metadata:
        return head
    return head + encode_metadata(transfer.metadata)


def chain_hash(previous_hash: bytes, transfer: Transfer) -> bytes:
    assert len(previous_hash) == 32
    return hashlib.sha256(previous_hash + encode_transfer(transfer)).digest()


def uuid_or_none(raw: bytes) -> UUID | None:
    return None if raw == _ZERO_ID else UUID(bytes=raw)
