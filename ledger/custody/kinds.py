"""Enumerations shared by the custody modules (names from the domain glossary)."""

from __future__ import annotations

import enum


class IssuerClass(enum.Enum):
    """S1 issuer classes (R3); the national baseline ratio depends on them (R6)."""

    SCALE = "scale"
    GROUP = "group"
    BRAND = "brand"
    OTHER = "other"


class CreditGrade(enum.Enum):
    """Credit-graded supervision (R36): A is the whitelist, D the worst."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class InstrumentKind(enum.Enum):
    STORED_VALUE = "stored_value"
    SESSION_PACK = "session_pack"
    MEMBERSHIP = "membership"  # time-based, unlimited use within the term


class ReleaseMode(enum.Enum):
    PER_USE = "per_use"  # only consumer-confirmed redemptions release money (R12)
    PROGRESS = "progress"  # confirmed uses plus time-accrued membership value (R12 tutoring)
    RATIO_SURPLUS = "ratio_surplus"  # cash above ratio x outstanding may go back (R13)


class MerchantStatus(enum.Enum):
    NORMAL = "normal"
    WARNING = "warning"
    CLOSING = "closing"
    DEFAULTED = "defaulted"
    CLOSED = "closed"


class EligibilityFlag(enum.Enum):
    """R5: listings that bar a merchant from issuing or renewing cards."""

    JUDGMENT_DEFAULTER = "judgment_defaulter"
    LEGAL_REP_JUDGMENT_DEFAULTER = "legal_rep_judgment_defaulter"
    ABNORMAL_OPERATION = "abnormal_operation"
    SERIOUS_DISHONESTY = "serious_dishonesty"
    DEREGISTERING = "deregistering"


class RefundReason(enum.Enum):
    """Who caused the refund decides the R20 pricing of value already used."""

    MERCHANT_FAULT = "merchant_fault"
    CONSUMER_REASON = "consumer_reason"


class RefundKind(enum.Enum):
    COOLING_OFF = "cooling_off"  # R18
    BALANCE = "balance"  # R19/R20


class CounterpartyRole(enum.Enum):
    """R4: parties a subrogated claim may run against."""

    MERCHANT = "merchant"
    LICENCE_LENDER = "licence_lender"
    FRANCHISOR = "franchisor"
    FRANCHISEE = "franchisee"
    LANDLORD = "landlord"
    LIQUIDATION_OBLIGOR = "liquidation_obligor"


class FundingSource(enum.Enum):
    """R30 sources of a default payout, in waterfall order."""

    CUSTODY_CASH = "custody_cash"
    RISK_DEPOSIT = "risk_deposit"
    INSURANCE = "insurance"
    GUARANTEE = "guarantee"
    COMPENSATION_POOL = "compensation_pool"
