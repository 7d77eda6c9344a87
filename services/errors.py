"""Rich gRPC errors: a canonical code plus one `google.rpc.ErrorInfo` and, where they fit,
`BadRequest` field violations or a `PreconditionFailure` (the `grpc-status-details-bin` trailer).

Clients branch on the ErrorInfo `reason` (UPPER_SNAKE, stable), never on the message text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NoReturn

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

ERROR_DOMAIN = "fangxin.ledger"
# Validation reports at most this many violations per request.
VIOLATIONS_MAX = 100
# The details travel base64-encoded in a trailer, and some clients refuse trailers over 8 KiB
# by default (grpc-java's max inbound metadata size): keep the encoded details well under that,
# dropping violations beyond the budget; ErrorInfo metadata says how many were dropped.
DETAILS_BYTES_MAX = 4096
DESCRIPTION_CHARS_MAX = 200


class InvalidArgument(Exception):
    """Malformed input: (field path, description) pairs, e.g. ("transfers[3].amount", "...")."""

    def __init__(self, violations: Iterable[tuple[str, str]]) -> None:
        self.violations: tuple[tuple[str, str], ...] = tuple(violations)
        assert self.violations, "an InvalidArgument names at least one violation"
        field, description = self.violations[0]
        super().__init__(f"{field}: {description}")


def _error_info(reason: str, metadata: Mapping[str, str] | None) -> error_details_pb2.ErrorInfo:
    assert reason and reason == reason.upper() and " " not in reason, reason
    return error_details_pb2.ErrorInfo(
        reason=reason, domain=ERROR_DOMAIN, metadata=dict(metadata or {})
    )


def _pack(detail: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(detail)
    return packed


def abort(
    context: grpc.ServicerContext,
    code: int,
    reason: str,
    message: str,
    *,
    metadata: Mapping[str, str] | None = None,
    details: Sequence[Message] = (),
) -> NoReturn:
    """Ends the call with `code` (a `google.rpc.code_pb2` value), an ErrorInfo and `details`."""
    status = status_pb2.Status(
        code=code,
        message=message,
        details=[_pack(_error_info(reason, metadata)), *(_pack(d) for d in details)],
    )
    context.abort_with_status(rpc_status.to_status(status))
    # A real context raises above; a test double that returns would otherwise let the handler
    # carry on with invalid input.
    raise AssertionError("context.abort_with_status returned")


def _bad_request(violations: Sequence[tuple[str, str]]) -> error_details_pb2.BadRequest:
    bad_request = error_details_pb2.BadRequest()
    for field, description in violations:
        violation = bad_request.field_violations.add()
        violation.field = field[:DESCRIPTION_CHARS_MAX]
        violation.description = description[:DESCRIPTION_CHARS_MAX]
        if bad_request.ByteSize() > DETAILS_BYTES_MAX:
            del bad_request.field_violations[-1]
            break
    return bad_request


def abort_invalid_argument(
    context: grpc.ServicerContext,
    violations: Sequence[tuple[str, str]],
    *,
    reason: str = "MALFORMED_REQUEST",
) -> NoReturn:
    """INVALID_ARGUMENT with a BadRequest naming each offending field."""
    assert violations
    bad_request = _bad_request(violations[:VIOLATIONS_MAX])
    reported = len(bad_request.field_violations)
    field, description = violations[0]
    message = f"{field}: {description}"
    if len(violations) > 1:
        message = f"{len(violations)} invalid fields; first: {message}"
    abort(
        context,
        code_pb2.INVALID_ARGUMENT,
        reason,
        message[:DESCRIPTION_CHARS_MAX],
        metadata={"violations": str(len(violations)), "violations_reported": str(reported)},
        details=[bad_request],
    )


def abort_unavailable(
    context: grpc.ServicerContext,
    reason: str,
    message: str,
    *,
    metadata: Mapping[str, str] | None = None,
) -> NoReturn:
    """UNAVAILABLE: the request may be retried as is (writes are idempotent by id)."""
    abort(context, code_pb2.UNAVAILABLE, reason, message, metadata=metadata)


def abort_failed_precondition(
    context: grpc.ServicerContext,
    reason: str,
    message: str,
    violations: Sequence[tuple[str, str, str]] = (),
    *,
    metadata: Mapping[str, str] | None = None,
) -> NoReturn:
    """FAILED_PRECONDITION with (type, subject, description) precondition violations."""
    failure = error_details_pb2.PreconditionFailure()
    for kind, subject, description in violations[:VIOLATIONS_MAX]:
        failure.violations.add(type=kind, subject=subject, description=description)
    details: list[Message] = [failure] if violations else []
    abort(
        context,
        code_pb2.FAILED_PRECONDITION,
        reason,
        message,
        metadata=metadata,
        details=details,
    )


def abort_not_found(
    context: grpc.ServicerContext,
    reason: str,
    message: str,
    *,
    metadata: Mapping[str, str] | None = None,
) -> NoReturn:
    """NOT_FOUND; `metadata` names the missing resource, e.g. {"account_id": "..."}."""
    abort(context, code_pb2.NOT_FOUND, reason, message, metadata=metadata)
