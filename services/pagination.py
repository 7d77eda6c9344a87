"""Opaque page tokens and page sizes for List-style methods (AIP-158).

A token is url-safe base64 (unpadded) of compact JSON {"v": 1, "c": cursor, "f": fingerprint}.
The cursor is the last key returned (a version or a timestamp); the fingerprint is a SHA-256
prefix of the request's filter fields, so a token cannot silently be replayed against another
filter (which would skip or repeat rows). Tokens are not signed: forging a cursor only lets a
client start a listing it may read anyway at another point.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping

from services.errors import InvalidArgument

PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1000
PAGE_TOKEN_CHARS_MAX = 256
TOKEN_VERSION = 1
_CURSOR_MAX = 2**63 - 1  # cursors are int64 versions or timestamps
_FINGERPRINT_HEX_CHARS = 16
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]*")

FilterFields = Mapping[str, str | int]


def page_size(requested: int) -> int:
    """The effective page size: 0 means the default; larger than the maximum is clamped."""
    if requested < 0:
        raise InvalidArgument([("page_size", "must not be negative")])
    if requested == 0:
        return PAGE_SIZE_DEFAULT
    # AIP-158: values above the maximum are coerced, not refused.
    return min(requested, PAGE_SIZE_MAX)


def fingerprint(filter_fields: FilterFields) -> str:
    """A short digest of the filter fields; include the method name among them."""
    canonical = json.dumps(dict(filter_fields), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:_FINGERPRINT_HEX_CHARS]


def encode_page_token(cursor: int, filter_fields: FilterFields) -> str:
    assert 0 <= cursor <= _CURSOR_MAX, cursor
    body = {"v": TOKEN_VERSION, "c": cursor, "f": fingerprint(filter_fields)}
    raw = json.dumps(body, separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert len(token) <= PAGE_TOKEN_CHARS_MAX
    return token


def decode_page_token(token: str, filter_fields: FilterFields) -> int:
    """The cursor carried by `token`, or 0 for an empty token (the first page)."""
    if not token:
        return 0
    body = _parse(token)
    if body.get("f") != fingerprint(filter_fields):
        raise InvalidArgument([("page_token", "was issued for a request with other filter fields")])
    cursor = body["c"]
    assert isinstance(cursor, int)
    return cursor


def _parse(token: str) -> dict[str, object]:
    invalid = InvalidArgument([("page_token", "is not a page token issued by this service")])
    if len(token) > PAGE_TOKEN_CHARS_MAX or not _TOKEN_CHARS.fullmatch(token):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSONDecodeError included
        raise invalid from None
    if not isinstance(body, dict) or set(body) != {"v", "c", "f"}:
        raise invalid
    version, cursor = body["v"], body["c"]
    # `type(...) is int` because bool is an int subclass and JSON `true` == 1.
    if type(version) is not int or version != TOKEN_VERSION or type(cursor) is not int:
        raise invalid
    if not 0 <= cursor <= _CURSOR_MAX or not isinstance(body["f"], str):
        raise invalid
    return body
