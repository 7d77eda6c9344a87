"""Deterministic pro-rata sharing of a shortfall (R30).

Every claimant gets the same fraction total/claimed of its claim, rounded down to the fen; the
fen left over go one each to the largest remainders, ties broken by claimant id. So the result
depends only on the figures, never on input order, and sums exactly to the total.
"""

from __future__ import annotations

from collections.abc import Mapping


def share(claims_fen: Mapping[str, int], total_fen: int) -> dict[str, int]:
    claimed = sum(claims_fen.values())
    assert all(c >= 0 for c in claims_fen.values()) and total_fen >= 0
    if total_fen >= claimed:
        return dict(claims_fen)
    shares = {k: c * total_fen // claimed for k, c in claims_fen.items()}
    left = total_fen - sum(shares.values())
    assert 0 <= left < max(1, len(claims_fen))
    by_remainder = sorted(claims_fen, key=lambda k: (-(claims_fen[k] * total_fen % claimed), k))
    for k in by_remainder[:left]:
        shares[k] += 1
    return shares


def fill(amounts_fen: Mapping[str, int], total_fen: int) -> dict[str, int]:
    """Spread a total over amounts in key order, each up to its amount."""
    out: dict[str, int] = {}
    left = total_fen
    for k in sorted(amounts_fen):
        out[k] = min(left, amounts_fen[k])
        left -= out[k]
    assert left == 0, "fill beyond the amounts"
    return out
