"""Versioned custody policies as data, and the book that picks the one in force.

Every threshold of the domain rules lives here as a row, never in code: numbers differ by city,
industry and credit grade, and they change (domain rules, preamble).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ledger.custody.decision import CustodyError
from ledger.custody.kinds import (
    CreditGrade,
    EligibilityFlag,
    InstrumentKind,
    IssuerClass,
    ReleaseMode,
)

BPS = 10_000
NATIONAL = "CN"


class PolicyNotFound(CustodyError):
    """No policy row is in force for the merchant's jurisdiction, industry and grade."""


class PolicyAmbiguous(CustodyError):
    """Two equally specific rows are in force at once: the table itself is wrong."""


class PolicyInvalid(CustodyError):
    """A policy row breaks its own bounds (ratio above 100%, negative days...)."""


@dataclass(frozen=True, slots=True)
class Caps:
    """Sale caps (R16, R17). None means no cap at this level."""

    registered_card_max_fen: int | None = None
    bearer_card_max_fen: int | None = None
    per_consumer_total_max_fen: int | None = None
    per_kind_max_fen: Mapping[InstrumentKind, int] = field(default_factory=dict)
    term_months_max: int | None = None
    sessions_max: int | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Gates checked at every issue and top-up (R5)."""

    min_months_since_licence: int = 0
    blocked_flags: frozenset[EligibilityFlag] = frozenset()


@dataclass(frozen=True, slots=True)
class CustodyPolicy:
    version: str
    jurisdiction: str  # "CN", "CN-BJ", "CN-JL-SP": a dash-separated hierarchy
    industry: str | None  # None: any industry
    credit_grade: CreditGrade | None  # None: any grade
    effective_from: date
    effective_to: date | None  # exclusive; None: open-ended
    custody_ratio_bps: int
    release_mode: ReleaseMode
    release_delay_days: int = 0
    cooling_off_days: int = 7
    cooling_off_requires_unused: bool = False
    cooling_off_refund_deadline_days: int = 15
    balance_refund_deadline_days: int = 15
    caps: Caps = Caps()
    eligibility: Eligibility = Eligibility()
    redemption_hold_timeout_hours: int = 72
    bearer_validity_days_min: int = 3 * 365
    cash_refund_max_fen: int = 10_000
    issuer_class_ratio_bps: Mapping[IssuerClass, int] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        ratios = [self.custody_ratio_bps, *self.issuer_class_ratio_bps.values()]
        if any(not 0 <= r <= BPS for r in ratios):
            raise PolicyInvalid(f"{self.version}: ratio outside 0..10000 bps: {ratios}")
        days = (
            self.release_delay_days,
            self.cooling_off_days,
            self.cooling_off_refund_deadline_days,
            self.balance_refund_deadline_days,
        )
        if any(d < 0 for d in days) or self.redemption_hold_timeout_hours <= 0:
            raise PolicyInvalid(f"{self.version}: negative period")
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise PolicyInvalid(f"{self.version}: empty validity window")

    def ratio_bps(self, issuer_class: IssuerClass) -> int:
        """The S1 baseline differs per issuer class (R6); local rows usually use one ratio."""
        return self.issuer_class_ratio_bps.get(issuer_class, self.custody_ratio_bps)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


def jurisdiction_chain(jurisdiction: str) -> list[str]:
    """ "CN-JL-SP" -> ["CN-JL-SP", "CN-JL", "CN"]: most specific first."""
    parts = jurisdiction.split("-")
    return ["-".join(parts[:i]) for i in range(len(parts), 0, -1)]


class PolicyBook:
    """Resolves the most specific policy in force at a date.

    Specificity is compared in this order: jurisdiction depth (a city beats its province beats
    the national baseline), then exact industry over any-industry, then exact grade over
    any-grade.
    """

    def __init__(self, policies: Iterable[CustodyPolicy]) -> None:
        self._policies = tuple(policies)
        versions = [p.version for p in self._policies]
        if len(versions) != len(set(versions)):
            raise PolicyInvalid("policy versions must be unique")

    @property
    def policies(self) -> tuple[CustodyPolicy, ...]:
        return self._policies

    def resolve(
        self, jurisdiction: str, industry: str, grade: CreditGrade, on: date
    ) -> CustodyPolicy:
        chain = jurisdiction_chain(jurisdiction)
        ranked: list[tuple[tuple[int, int, int], CustodyPolicy]] = []
        for p in self._policies:
            if p.jurisdiction not in chain or not p.in_force(on):
                continue
            if p.industry not in (None, industry) or p.credit_grade not in (None, grade):
                continue
            depth = -chain.index(p.jurisdiction)
            rank = (depth, int(p.industry is not None), int(p.credit_grade is not None))
            ranked.append((rank, p))
        if not ranked:
            raise PolicyNotFound(
                f"no policy for {jurisdiction}/{industry}/{grade.value} on {on.isoformat()}"
            )
        ranked.sort(key=lambda rp: rp[0], reverse=True)
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            raise PolicyAmbiguous(
                f"{ranked[0][1].version} and {ranked[1][1].version} both apply on {on}"
            )
        return ranked[0][1]
