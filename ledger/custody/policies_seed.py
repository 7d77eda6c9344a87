"""Seed policy rows (data only). R numbers refer to the shared domain rules; [E]/[M] marks how
sure the source is, as there. Design values that no source fixes are marked "design"."""

from __future__ import annotations

from datetime import date

from ledger.custody.kinds import (
    CreditGrade,
    EligibilityFlag,
    InstrumentKind,
    IssuerClass,
    ReleaseMode,
)
from ledger.custody.policy import Caps, CustodyPolicy, Eligibility, PolicyBook

CNY = 100  # fen per yuan

NATIONAL_BASELINE = CustodyPolicy(
    version="cn-baseline-2016.1",
    jurisdiction="CN",
    industry=None,
    credit_grade=None,
    effective_from=date(2016, 8, 18),  # S1 as revised in 2016 [M date]
    effective_to=None,
    # R6: scale >= 20%, group >= 30%, brand >= 40%; "other" issuers get the brand ratio (design).
    custody_ratio_bps=4000,
    issuer_class_ratio_bps={
        IssuerClass.SCALE: 2000,
        IssuerClass.GROUP: 3000,
        IssuerClass.BRAND: 4000,
    },
    release_mode=ReleaseMode.RATIO_SURPLUS,  # R13
    cooling_off_days=7,  # R18, S3 art.14
    cooling_off_refund_deadline_days=15,  # R19 default when nothing was agreed
    balance_refund_deadline_days=15,
    caps=Caps(registered_card_max_fen=5_000 * CNY, bearer_card_max_fen=1_000 * CNY),  # R16
    redemption_hold_timeout_hours=72,  # design: an unconfirmed use lapses after 3 days
    bearer_validity_days_min=3 * 365,  # R16: bearer cards valid >= 3 years
    cash_refund_max_fen=100 * CNY,  # R22
    source="S1 arts.21-28, S2, S3 art.14",
)

BEIJING = CustodyPolicy(
    version="cn-bj-2023.1",
    jurisdiction="CN-BJ",
    industry=None,
    credit_grade=None,
    effective_from=date(2023, 1, 1),  # S6 [E]; S5 in force 2022-06-01
    effective_to=None,
    custody_ratio_bps=4000,  # R8: >= 40% of last quarter-end balance
    release_mode=ReleaseMode.RATIO_SURPLUS,
    cooling_off_days=7,
    cooling_off_requires_unused=True,  # R18 Beijing: nothing redeemed
    cooling_off_refund_deadline_days=5,  # R18 Beijing: full refund within 5 days
    balance_refund_deadline_days=15,  # R19 Beijing S5 art.17
    caps=Caps(registered_card_max_fen=5_000 * CNY, bearer_card_max_fen=1_000 * CNY),
    eligibility=Eligibility(
        blocked_flags=frozenset(
            {  # R5, S5 art.11
                EligibilityFlag.JUDGMENT_DEFAULTER,
                EligibilityFlag.LEGAL_REP_JUDGMENT_DEFAULTER,
                EligibilityFlag.ABNORMAL_OPERATION,
                EligibilityFlag.DEREGISTERING,
                EligibilityFlag.SERIOUS_DISHONESTY,
            }
        )
    ),
    source="S5 arts.11,16,17; S6",
)

SHANGHAI_FITNESS = CustodyPolicy(
    version="cn-sh-fitness-2025.1",
    jurisdiction="CN-SH",
    industry="fitness",
    credit_grade=None,
    effective_from=date(2025, 3, 1),  # S10 in force 2025-03-01
    effective_to=None,
    custody_ratio_bps=4000,  # R9 general warning tier (2019 rules) [E]
    release_mode=ReleaseMode.RATIO_SURPLUS,
    cooling_off_days=7,  # S10 model contract "seven-day cooling-off"
    caps=Caps(
        # R17, S10 art.8: the sector rule sets its own per-consumer limits.
        per_kind_max_fen={
            InstrumentKind.MEMBERSHIP: 5_000 * CNY,
            InstrumentKind.SESSION_PACK: 20_000 * CNY,
            InstrumentKind.STORED_VALUE: 5_000 * CNY,
        },
        per_consumer_total_max_fen=20_000 * CNY,
        term_months_max=24,
        sessions_max=60,
    ),
    source="S10 art.8; S9 art.11",
)

TUTORING = CustodyPolicy(
    version="cn-tutoring-2021.1",
    jurisdiction="CN",
    industry="tutoring",
    credit_grade=None,
    effective_from=date(2021, 10, 1),  # S12 [E, M date]
    effective_to=None,
    custody_ratio_bps=10_000,  # R10: everything goes to the supervised account
    release_mode=ReleaseMode.PER_USE,  # R12: one lesson at a time
    caps=Caps(term_months_max=3, sessions_max=60),  # R17 tutoring
    source="S12",
)


def _jilin(grade: CreditGrade, ratio_bps: int, mode: ReleaseMode, delay_days: int) -> CustodyPolicy:
    # R36: Jilin's A-level whitelist implies grade-dependent parameters. The seed plan gives no
    # figures, so every number here is a design value awaiting the implementing rules [M].
    return CustodyPolicy(
        version=f"cn-jl-2025.1-{grade.value.lower()}",
        jurisdiction="CN-JL",
        industry=None,
        credit_grade=grade,
        effective_from=date(2025, 1, 1),
        effective_to=None,
        custody_ratio_bps=ratio_bps,
        release_mode=mode,
        release_delay_days=delay_days,
        caps=Caps(registered_card_max_fen=5_000 * CNY, bearer_card_max_fen=1_000 * CNY),
        source="Jilin 2025-2027 plan (seed document); R36",
    )


JILIN = (
    _jilin(CreditGrade.A, 2000, ReleaseMode.RATIO_SURPLUS, 0),  # whitelist: low ratio, fast
    _jilin(CreditGrade.B, 4000, ReleaseMode.RATIO_SURPLUS, 3),
    _jilin(CreditGrade.C, 10_000, ReleaseMode.PER_USE, 3),  # poor grades: per confirmed use
    _jilin(CreditGrade.D, 10_000, ReleaseMode.PER_USE, 7),
)

SIPING = CustodyPolicy(
    version="cn-jl-sp-2025.1",
    jurisdiction="CN-JL-SP",
    industry=None,
    credit_grade=None,
    effective_from=date(2025, 10, 1),  # S14 is a draft: keep its gate ready, dates to confirm
    effective_to=None,
    # A city row outranks the graded Jilin rows; until Siping publishes figures it takes the
    # cautious grade-C terms (design).
    custody_ratio_bps=10_000,
    release_mode=ReleaseMode.PER_USE,
    caps=Caps(registered_card_max_fen=5_000 * CNY, bearer_card_max_fen=1_000 * CNY),
    eligibility=Eligibility(
        min_months_since_licence=6,  # R5, S14 art.6
        blocked_flags=frozenset(
            {EligibilityFlag.JUDGMENT_DEFAULTER, EligibilityFlag.ABNORMAL_OPERATION}
        ),
    ),
    source="S14 art.6 (draft)",
)

SEED_POLICIES: tuple[CustodyPolicy, ...] = (
    NATIONAL_BASELINE,
    BEIJING,
    SHANGHAI_FITNESS,
    TUTORING,
    *JILIN,
    SIPING,
)


def seed_book() -> PolicyBook:
    return PolicyBook(SEED_POLICIES)
