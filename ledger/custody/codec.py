"""JSON forms of custody records and commands (pydantic), for storage and hashing."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from ledger.custody import dispatch
from ledger.custody.instruments import Lot, Merchant, PrepaidInstrument, Redemption
from ledger.custody.merchant_status import StatusChange
from ledger.custody.refunds import RefundRecord
from ledger.custody.release import ReleaseRecord
from ledger.custody.returns import ReturnReimbursement
from ledger.custody.settlement import OutstandingClaim, RecoveryClaim, SettlementRecord

RECORD_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Merchant, PrepaidInstrument, Lot, Redemption, RefundRecord, ReleaseRecord, StatusChange,
        RecoveryClaim, OutstandingClaim, SettlementRecord, ReturnReimbursement,
        dispatch.Instruction, dispatch.PledgeRecord, dispatch.GradeChange, dispatch.Alert,
    )
}  # fmt: skip


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(cls: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def record_key(record: object) -> tuple[str, str]:
    """(type name, id) under which the newest version of a record is kept."""
    name = type(record).__name__
    assert name in RECORD_TYPES, f"unregistered record type {name}"
    if isinstance(record, Merchant):
        return name, record.merchant_id
    if isinstance(record, PrepaidInstrument):
        return name, record.instrument_id
    if isinstance(record, Lot):
        return name, record.lot_id
    if isinstance(record, Redemption):
        return name, record.redemption_id
    return name, str(getattr(record, "record_id"))  # noqa: B009 - every other record has one


def dump(value: object) -> Any:
    return _adapter(type(value)).dump_python(value, mode="json")


def load_record(type_name: str, body: Any) -> object:
    return _adapter(RECORD_TYPES[type_name]).validate_python(body)


def load_record_as(cls: type, body: Any) -> Any:
    return _adapter(cls).validate_python(body)


def canonical(value: Any) -> Any:
    """Plain data with sets sorted, so equal values always serialise to the same bytes (a
    frozenset's iteration order changes from one process to the next)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | int | bool | None):
        return value
    return str(value)  # dates, datetimes, UUIDs


def command_hash(envelope: dispatch.Envelope) -> bytes:
    """Fingerprint of what was asked, to tell a retry from a different command reusing an id."""
    body = json.dumps(
        [envelope.merchant_id, type(envelope.command).__name__, canonical(envelope.command)],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256(body.encode()).digest()
