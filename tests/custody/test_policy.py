from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger.custody.kinds import CreditGrade, IssuerClass, ReleaseMode
from ledger.custody.policies_seed import NATIONAL_BASELINE, seed_book
from ledger.custody.policy import PolicyAmbiguous, PolicyBook, PolicyInvalid, PolicyNotFound

ON = date(2025, 11, 1)


def test_national_baseline_ratio_depends_on_issuer_class() -> None:
    p = seed_book().resolve("CN-GD", "catering", CreditGrade.B, ON)
    assert p.version == "cn-baseline-2016.1"
    assert p.ratio_bps(IssuerClass.SCALE) == 2000
    assert p.ratio_bps(IssuerClass.GROUP) == 3000
    assert p.ratio_bps(IssuerClass.BRAND) == 4000
    assert p.caps.registered_card_max_fen == 500_000 and p.caps.bearer_card_max_fen == 100_000


def test_jurisdiction_beats_national_baseline() -> None:
    p = seed_book().resolve("CN-BJ", "catering", CreditGrade.C, ON)
    assert p.version == "cn-bj-2023.1"
    assert p.custody_ratio_bps == 4000 and p.cooling_off_refund_deadline_days == 5


def test_industry_row_applies_only_to_its_industry() -> None:
    book = seed_book()
    assert book.resolve("CN-SH", "fitness", CreditGrade.B, ON).version == "cn-sh-fitness-2025.1"
    assert book.resolve("CN-SH", "catering", CreditGrade.B, ON).version == "cn-baseline-2016.1"
    assert book.resolve("CN-GD", "tutoring", CreditGrade.A, ON).custody_ratio_bps == 10_000


def test_exact_grade_beats_any_grade_in_jilin() -> None:
    book = seed_book()
    a = book.resolve("CN-JL", "beauty", CreditGrade.A, ON)
    c = book.resolve("CN-JL-CC", "beauty", CreditGrade.C, ON)  # Changchun falls back to Jilin
    assert (a.custody_ratio_bps, a.release_mode) == (2000, ReleaseMode.RATIO_SURPLUS)
    assert (c.custody_ratio_bps, c.release_mode) == (10_000, ReleaseMode.PER_USE)
    assert a.release_delay_days < c.release_delay_days


def test_effective_dates_and_not_found() -> None:
    book = seed_book()
    with pytest.raises(PolicyNotFound):
        book.resolve("CN-BJ", "catering", CreditGrade.A, date(2010, 1, 1))
    assert book.resolve("CN-SH", "fitness", CreditGrade.A, date(2025, 2, 28)).jurisdiction == "CN"


def test_two_equally_specific_rows_are_ambiguous() -> None:
    twin = replace(NATIONAL_BASELINE, version="twin")
    with pytest.raises(PolicyAmbiguous):
        PolicyBook([NATIONAL_BASELINE, twin]).resolve("CN", "x", CreditGrade.A, ON)


def test_versioned_rows_hand_over_at_effective_to() -> None:
    old = replace(NATIONAL_BASELINE, version="v1", effective_to=date(2025, 1, 1))
    new = replace(NATIONAL_BASELINE, version="v2", effective_from=date(2025, 1, 1))
    book = PolicyBook([old, new])
    assert book.resolve("CN", "x", CreditGrade.A, date(2024, 12, 31)).version == "v1"
    assert book.resolve("CN", "x", CreditGrade.A, date(2025, 1, 1)).version == "v2"


def test_invalid_rows_are_rejected() -> None:
    with pytest.raises(PolicyInvalid):
        replace(NATIONAL_BASELINE, custody_ratio_bps=10_001)
    with pytest.raises(PolicyInvalid):
        PolicyBook([NATIONAL_BASELINE, NATIONAL_BASELINE])
