from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PendingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PENDING_STATUS_UNSPECIFIED: _ClassVar[PendingStatus]
    PENDING_STATUS_NONE: _ClassVar[PendingStatus]
    PENDING_STATUS_PENDING: _ClassVar[PendingStatus]
    PENDING_STATUS_POSTED: _ClassVar[PendingStatus]
    PENDING_STATUS_VOIDED: _ClassVar[PendingStatus]
    PENDING_STATUS_EXPIRED: _ClassVar[PendingStatus]

class CreateAccountResultCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREATE_ACCOUNT_RESULT_CODE_UNSPECIFIED: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_OK: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_LINKED_EVENT_FAILED: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_LINKED_EVENT_CHAIN_OPEN: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_ID_MUST_NOT_BE_ZERO: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_FLAGS_ARE_MUTUALLY_EXCLUSIVE: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_LEDGER_MUST_NOT_BE_ZERO: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_CODE_MUST_NOT_BE_ZERO: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_CURRENCY_INVALID: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_METADATA_INVALID: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_FLAGS: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_LEDGER: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_CURRENCY: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_CODE: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_METADATA: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_EXISTS: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_LEDGER_TOO_LARGE: _ClassVar[CreateAccountResultCode]
    CREATE_ACCOUNT_RESULT_CODE_CODE_TOO_LARGE: _ClassVar[CreateAccountResultCode]

class CreateTransferResultCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREATE_TRANSFER_RESULT_CODE_UNSPECIFIED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OK: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_LINKED_EVENT_FAILED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_LINKED_EVENT_CHAIN_OPEN: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_ID_MUST_NOT_BE_ZERO: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_FLAGS_ARE_MUTUALLY_EXCLUSIVE: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_ACCOUNTS_MUST_BE_DIFFERENT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_BE_ZERO: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_NOT_BE_ZERO: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_BE_DIFFERENT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_TIMEOUT_RESERVED_FOR_PENDING_TRANSFER: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_TIMEOUT_TOO_LARGE: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_AMOUNT_MUST_BE_POSITIVE: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_AMOUNT_TOO_LARGE: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CURRENCY_INVALID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_METADATA_INVALID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_FLAGS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_PENDING_ID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_TIMEOUT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_AMOUNT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CURRENCY: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CODE: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_METADATA: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXISTS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_NOT_FOUND: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_NOT_FOUND: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CURRENCY_MISMATCH: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_NOT_FOUND: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_NOT_PENDING: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXCEEDS_PENDING_TRANSFER_AMOUNT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_ALREADY_POSTED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_ALREADY_VOIDED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_EXPIRED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_CLOSED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_CLOSED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS_PENDING: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS_PENDING: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS_POSTED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS_POSTED: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXCEEDS_CREDITS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_EXCEEDS_DEBITS: _ClassVar[CreateTransferResultCode]
    CREATE_TRANSFER_RESULT_CODE_CODE_TOO_LARGE: _ClassVar[CreateTransferResultCode]
PENDING_STATUS_UNSPECIFIED: PendingStatus
PENDING_STATUS_NONE: PendingStatus
PENDING_STATUS_PENDING: PendingStatus
PENDING_STATUS_POSTED: PendingStatus
PENDING_STATUS_VOIDED: PendingStatus
PENDING_STATUS_EXPIRED: PendingStatus
CREATE_ACCOUNT_RESULT_CODE_UNSPECIFIED: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_OK: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_LINKED_EVENT_FAILED: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_LINKED_EVENT_CHAIN_OPEN: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_ID_MUST_NOT_BE_ZERO: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_FLAGS_ARE_MUTUALLY_EXCLUSIVE: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_LEDGER_MUST_NOT_BE_ZERO: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_CODE_MUST_NOT_BE_ZERO: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_CURRENCY_INVALID: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_METADATA_INVALID: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_FLAGS: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_LEDGER: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_CURRENCY: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_CODE: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS_WITH_DIFFERENT_METADATA: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_EXISTS: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_LEDGER_TOO_LARGE: CreateAccountResultCode
CREATE_ACCOUNT_RESULT_CODE_CODE_TOO_LARGE: CreateAccountResultCode
CREATE_TRANSFER_RESULT_CODE_UNSPECIFIED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OK: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_LINKED_EVENT_FAILED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_LINKED_EVENT_CHAIN_OPEN: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_ID_MUST_NOT_BE_ZERO: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_FLAGS_ARE_MUTUALLY_EXCLUSIVE: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_ACCOUNTS_MUST_BE_DIFFERENT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_BE_ZERO: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_NOT_BE_ZERO: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_ID_MUST_BE_DIFFERENT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_TIMEOUT_RESERVED_FOR_PENDING_TRANSFER: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_TIMEOUT_TOO_LARGE: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_AMOUNT_MUST_BE_POSITIVE: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_AMOUNT_TOO_LARGE: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CURRENCY_INVALID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_METADATA_INVALID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_FLAGS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_PENDING_ID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_TIMEOUT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_AMOUNT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CURRENCY: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_CODE: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS_WITH_DIFFERENT_METADATA: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXISTS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_NOT_FOUND: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_NOT_FOUND: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CURRENCY_MISMATCH: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_NOT_FOUND: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_NOT_PENDING: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXCEEDS_PENDING_TRANSFER_AMOUNT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_ALREADY_POSTED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_ALREADY_VOIDED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_PENDING_TRANSFER_EXPIRED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_DEBIT_ACCOUNT_CLOSED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CREDIT_ACCOUNT_CLOSED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS_PENDING: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS_PENDING: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS_POSTED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS_POSTED: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_DEBITS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_OVERFLOWS_CREDITS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXCEEDS_CREDITS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_EXCEEDS_DEBITS: CreateTransferResultCode
CREATE_TRANSFER_RESULT_CODE_CODE_TOO_LARGE: CreateTransferResultCode

class AccountFlags(_message.Message):
    __slots__ = ("linked", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits", "closed")
    LINKED_FIELD_NUMBER: _ClassVar[int]
    DEBITS_MUST_NOT_EXCEED_CREDITS_FIELD_NUMBER: _ClassVar[int]
    CREDITS_MUST_NOT_EXCEED_DEBITS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    linked: bool
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    closed: bool
    def __init__(self, linked: _Optional[bool] = ..., debits_must_not_exceed_credits: _Optional[bool] = ..., credits_must_not_exceed_debits: _Optional[bool] = ..., closed: _Optional[bool] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("id", "ledger", "currency", "code", "flags", "metadata", "debits_pending", "debits_posted", "credits_pending", "credits_posted", "posted_balance", "pending_balance", "available_balance", "version", "timestamp")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    LEDGER_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DEBITS_PENDING_FIELD_NUMBER: _ClassVar[int]
    DEBITS_POSTED_FIELD_NUMBER: _ClassVar[int]
    CREDITS_PENDING_FIELD_NUMBER: _ClassVar[int]
    CREDITS_POSTED_FIELD_NUMBER: _ClassVar[int]
    POSTED_BALANCE_FIELD_NUMBER: _ClassVar[int]
    PENDING_BALANCE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BALANCE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    id: str
    ledger: int
    currency: str
    code: int
    flags: AccountFlags
    metadata: _containers.ScalarMap[str, str]
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    posted_balance: int
    pending_balance: int
    available_balance: int
    version: int
    timestamp: int
    def __init__(self, id: _Optional[str] = ..., ledger: _Optional[int] = ..., currency: _Optional[str] = ..., code: _Optional[int] = ..., flags: _Optional[_Union[AccountFlags, _Mapping]] = ..., metadata: _Optional[_Mapping[str, str]] = ..., debits_pending: _Optional[int] = ..., debits_posted: _Optional[int] = ..., credits_pending: _Optional[int] = ..., credits_posted: _Optional[int] = ..., posted_balance: _Optional[int] = ..., pending_balance: _Optional[int] = ..., available_balance: _Optional[int] = ..., version: _Optional[int] = ..., timestamp: _Optional[int] = ...) -> None: ...

class TransferFlags(_message.Message):
    __slots__ = ("linked", "pending", "post_pending", "void_pending")
    LINKED_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    POST_PENDING_FIELD_NUMBER: _ClassVar[int]
    VOID_PENDING_FIELD_NUMBER: _ClassVar[int]
    linked: bool
    pending: bool
    post_pending: bool
    void_pending: bool
    def __init__(self, linked: _Optional[bool] = ..., pending: _Optional[bool] = ..., post_pending: _Optional[bool] = ..., void_pending: _Optional[bool] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "flags", "pending_id", "timeout_s", "metadata", "ledger", "timestamp", "pending_status")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    DEBIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    PENDING_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    LEDGER_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    PENDING_STATUS_FIELD_NUMBER: _ClassVar[int]
    id: str
    debit_account_id: str
    credit_account_id: str
    amount: int
    currency: str
    code: int
    flags: TransferFlags
    pending_id: str
    timeout_s: int
    metadata: _containers.ScalarMap[str, str]
    ledger: int
    timestamp: int
    pending_status: PendingStatus
    def __init__(self, id: _Optional[str] = ..., debit_account_id: _Optional[str] = ..., credit_account_id: _Optional[str] = ..., amount: _Optional[int] = ..., currency: _Optional[str] = ..., code: _Optional[int] = ..., flags: _Optional[_Union[TransferFlags, _Mapping]] = ..., pending_id: _Optional[str] = ..., timeout_s: _Optional[int] = ..., metadata: _Optional[_Mapping[str, str]] = ..., ledger: _Optional[int] = ..., timestamp: _Optional[int] = ..., pending_status: _Optional[_Union[PendingStatus, str]] = ...) -> None: ...

class CreateAccountsRequest(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ...) -> None: ...

class CreateAccountResult(_message.Message):
    __slots__ = ("index", "code", "timestamp")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    index: int
    code: CreateAccountResultCode
    timestamp: int
    def __init__(self, index: _Optional[int] = ..., code: _Optional[_Union[CreateAccountResultCode, str]] = ..., timestamp: _Optional[int] = ...) -> None: ...

class CreateAccountsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[CreateAccountResult]
    def __init__(self, results: _Optional[_Iterable[_Union[CreateAccountResult, _Mapping]]] = ...) -> None: ...

class CreateTransfersRequest(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[Transfer]
    def __init__(self, transfers: _Optional[_Iterable[_Union[Transfer, _Mapping]]] = ...) -> None: ...

class CreateTransferResult(_message.Message):
    __slots__ = ("index", "code", "timestamp")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    index: int
    code: CreateTransferResultCode
    timestamp: int
    def __init__(self, index: _Optional[int] = ..., code: _Optional[_Union[CreateTransferResultCode, str]] = ..., timestamp: _Optional[int] = ...) -> None: ...

class CreateTransfersResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[CreateTransferResult]
    def __init__(self, results: _Optional[_Iterable[_Union[CreateTransferResult, _Mapping]]] = ...) -> None: ...

class LookupAccountsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class LookupAccountsResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ...) -> None: ...

class LookupTransfersRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class LookupTransfersResponse(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[Transfer]
    def __init__(self, transfers: _Optional[_Iterable[_Union[Transfer, _Mapping]]] = ...) -> None: ...

class AccountBalance(_message.Message):
    __slots__ = ("account_id", "version", "transfer_id", "timestamp", "debits_pending", "debits_posted", "credits_pending", "credits_posted", "posted_balance")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    DEBITS_PENDING_FIELD_NUMBER: _ClassVar[int]
    DEBITS_POSTED_FIELD_NUMBER: _ClassVar[int]
    CREDITS_PENDING_FIELD_NUMBER: _ClassVar[int]
    CREDITS_POSTED_FIELD_NUMBER: _ClassVar[int]
    POSTED_BALANCE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    version: int
    transfer_id: str
    timestamp: int
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    posted_balance: int
    def __init__(self, account_id: _Optional[str] = ..., version: _Optional[int] = ..., transfer_id: _Optional[str] = ..., timestamp: _Optional[int] = ..., debits_pending: _Optional[int] = ..., debits_posted: _Optional[int] = ..., credits_pending: _Optional[int] = ..., credits_posted: _Optional[int] = ..., posted_balance: _Optional[int] = ...) -> None: ...

class GetAccountBalancesRequest(_message.Message):
    __slots__ = ("account_id", "as_of_timestamp", "timestamp_min", "timestamp_max", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MIN_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MAX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    as_of_timestamp: int
    timestamp_min: int
    timestamp_max: int
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., as_of_timestamp: _Optional[int] = ..., timestamp_min: _Optional[int] = ..., timestamp_max: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetAccountBalancesResponse(_message.Message):
    __slots__ = ("balances", "next_page_token")
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[AccountBalance]
    next_page_token: str
    def __init__(self, balances: _Optional[_Iterable[_Union[AccountBalance, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAccountTransfersRequest(_message.Message):
    __slots__ = ("account_id", "timestamp_min", "timestamp_max", "code", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MIN_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MAX_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    timestamp_min: int
    timestamp_max: int
    code: int
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., timestamp_min: _Optional[int] = ..., timestamp_max: _Optional[int] = ..., code: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccountTransfersResponse(_message.Message):
    __slots__ = ("transfers", "next_page_token")
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[Transfer]
    next_page_token: str
    def __init__(self, transfers: _Optional[_Iterable[_Union[Transfer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
