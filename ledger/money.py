"""Money is an integer count of minor units (fen) in an ISO 4217 currency."""

from __future__ import annotations

import re

# int64 is the storage type of every amount and balance column.
AMOUNT_MAX = 2**63 - 1

# Active ISO 4217 codes with their minor-unit exponent. The ledger stores minor units only; the
# table refuses unknown codes, and the exponent is what a client needs to render an amount.
CURRENCY_EXPONENT: dict[str, int] = {
    "AED": 2,
    "ARS": 2,
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "COP": 2,
    "CZK": 2,
    "DKK": 2,
    "EGP": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "KZT": 2,
    "MNT": 2,
    "MOP": 2,
    "MXN": 2,
    "MYR": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PHP": 2,
    "PKR": 2,
    "PLN": 2,
    "QAR": 2,
    "RUB": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "THB": 2,
    "TND": 3,
    "TRY": 2,
    "TWD": 2,
    "UAH": 2,
    "USD": 2,
    "VND": 0,
    "ZAR": 2,
}

_CODE = re.compile(r"[A-Z]{3}")


def is_currency(code: str) -> bool:
    return bool(_CODE.fullmatch(code)) and code in CURRENCY_EXPONENT

