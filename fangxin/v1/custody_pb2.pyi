from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IssuerClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ISSUER_CLASS_UNSPECIFIED: _ClassVar[IssuerClass]
    ISSUER_CLASS_SCALE: _ClassVar[IssuerClass]
    ISSUER_CLASS_GROUP: _ClassVar[IssuerClass]
    ISSUER_CLASS_BRAND: _ClassVar[IssuerClass]
    ISSUER_CLASS_OTHER: _ClassVar[IssuerClass]

class CreditGrade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_GRADE_UNSPECIFIED: _ClassVar[CreditGrade]
    CREDIT_GRADE_A: _ClassVar[CreditGrade]
    CREDIT_GRADE_B: _ClassVar[CreditGrade]
    CREDIT_GRADE_C: _ClassVar[CreditGrade]
    CREDIT_GRADE_D: _ClassVar[CreditGrade]

class MerchantStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MERCHANT_STATUS_UNSPECIFIED: _ClassVar[MerchantStatus]
    MERCHANT_STATUS_NORMAL: _ClassVar[MerchantStatus]
    MERCHANT_STATUS_WARNING: _ClassVar[MerchantStatus]
    MERCHANT_STATUS_CLOSING: _ClassVar[MerchantStatus]
    MERCHANT_STATUS_DEFAULTED: _ClassVar[MerchantStatus]
    MERCHANT_STATUS_CLOSED: _ClassVar[MerchantStatus]

class EligibilityFlag(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ELIGIBILITY_FLAG_UNSPECIFIED: _ClassVar[EligibilityFlag]
    ELIGIBILITY_FLAG_JUDGMENT_DEFAULTER: _ClassVar[EligibilityFlag]
    ELIGIBILITY_FLAG_LEGAL_REP_JUDGMENT_DEFAULTER: _ClassVar[EligibilityFlag]
    ELIGIBILITY_FLAG_ABNORMAL_OPERATION: _ClassVar[EligibilityFlag]
    ELIGIBILITY_FLAG_SERIOUS_DISHONESTY: _ClassVar[EligibilityFlag]
    ELIGIBILITY_FLAG_DEREGISTERING: _ClassVar[EligibilityFlag]

class InstrumentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUMENT_KIND_UNSPECIFIED: _ClassVar[InstrumentKind]
    INSTRUMENT_KIND_STORED_VALUE: _ClassVar[InstrumentKind]
    INSTRUMENT_KIND_SESSION_PACK: _ClassVar[InstrumentKind]
    INSTRUMENT_KIND_MEMBERSHIP: _ClassVar[InstrumentKind]

class CardStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_STATUS_UNSPECIFIED: _ClassVar[CardStatus]
    CARD_STATUS_ACTIVE: _ClassVar[CardStatus]
    CARD_STATUS_REFUNDED: _ClassVar[CardStatus]
    CARD_STATUS_REPLACED: _ClassVar[CardStatus]
    CARD_STATUS_ASSIGNED_AWAY: _ClassVar[CardStatus]
    CARD_STATUS_SETTLED_IN_DEFAULT: _ClassVar[CardStatus]

class Initiator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INITIATOR_UNSPECIFIED: _ClassVar[Initiator]
    INITIATOR_CONSUMER: _ClassVar[Initiator]
    INITIATOR_MERCHANT: _ClassVar[Initiator]

class RedemptionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REDEMPTION_STATUS_UNSPECIFIED: _ClassVar[RedemptionStatus]
    REDEMPTION_STATUS_RECORDED: _ClassVar[RedemptionStatus]
    REDEMPTION_STATUS_CONFIRMED: _ClassVar[RedemptionStatus]
    REDEMPTION_STATUS_DISPUTED: _ClassVar[RedemptionStatus]
    REDEMPTION_STATUS_EXPIRED: _ClassVar[RedemptionStatus]

class RefundReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUND_REASON_UNSPECIFIED: _ClassVar[RefundReason]
    REFUND_REASON_MERCHANT_FAULT: _ClassVar[RefundReason]
    REFUND_REASON_CONSUMER_REASON: _ClassVar[RefundReason]

class RefundChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUND_CHANNEL_UNSPECIFIED: _ClassVar[RefundChannel]
    REFUND_CHANNEL_BANK_ACCOUNT: _ClassVar[RefundChannel]
    REFUND_CHANNEL_CASH: _ClassVar[RefundChannel]

class RefundKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUND_KIND_UNSPECIFIED: _ClassVar[RefundKind]
    REFUND_KIND_COOLING_OFF: _ClassVar[RefundKind]
    REFUND_KIND_BALANCE: _ClassVar[RefundKind]

class CounterpartyRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COUNTERPARTY_ROLE_UNSPECIFIED: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_MERCHANT: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_LICENCE_LENDER: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_FRANCHISOR: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_FRANCHISEE: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_LANDLORD: _ClassVar[CounterpartyRole]
    COUNTERPARTY_ROLE_LIQUIDATION_OBLIGOR: _ClassVar[CounterpartyRole]

class FundingSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FUNDING_SOURCE_UNSPECIFIED: _ClassVar[FundingSource]
    FUNDING_SOURCE_CUSTODY_CASH: _ClassVar[FundingSource]
    FUNDING_SOURCE_RISK_DEPOSIT: _ClassVar[FundingSource]
    FUNDING_SOURCE_INSURANCE: _ClassVar[FundingSource]
    FUNDING_SOURCE_GUARANTEE: _ClassVar[FundingSource]
    FUNDING_SOURCE_COMPENSATION_POOL: _ClassVar[FundingSource]

class ReleaseMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RELEASE_MODE_UNSPECIFIED: _ClassVar[ReleaseMode]
    RELEASE_MODE_PER_USE: _ClassVar[ReleaseMode]
    RELEASE_MODE_PROGRESS: _ClassVar[ReleaseMode]
    RELEASE_MODE_RATIO_SURPLUS: _ClassVar[ReleaseMode]

class InstructionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUCTION_KIND_UNSPECIFIED: _ClassVar[InstructionKind]
    INSTRUCTION_KIND_RELEASE: _ClassVar[InstructionKind]
    INSTRUCTION_KIND_ADVANCE: _ClassVar[InstructionKind]
    INSTRUCTION_KIND_REFUND_PAID: _ClassVar[InstructionKind]

class InstructionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUCTION_STATUS_UNSPECIFIED: _ClassVar[InstructionStatus]
    INSTRUCTION_STATUS_PENDING: _ClassVar[InstructionStatus]
    INSTRUCTION_STATUS_CONFIRMED: _ClassVar[InstructionStatus]
    INSTRUCTION_STATUS_FAILED: _ClassVar[InstructionStatus]

class EntryPhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTRY_PHASE_UNSPECIFIED: _ClassVar[EntryPhase]
    ENTRY_PHASE_SINGLE: _ClassVar[EntryPhase]
    ENTRY_PHASE_HOLD: _ClassVar[EntryPhase]
    ENTRY_PHASE_POST: _ClassVar[EntryPhase]
    ENTRY_PHASE_VOID: _ClassVar[EntryPhase]
ISSUER_CLASS_UNSPECIFIED: IssuerClass
ISSUER_CLASS_SCALE: IssuerClass
ISSUER_CLASS_GROUP: IssuerClass
ISSUER_CLASS_BRAND: IssuerClass
ISSUER_CLASS_OTHER: IssuerClass
CREDIT_GRADE_UNSPECIFIED: CreditGrade
CREDIT_GRADE_A: CreditGrade
CREDIT_GRADE_B: CreditGrade
CREDIT_GRADE_C: CreditGrade
CREDIT_GRADE_D: CreditGrade
MERCHANT_STATUS_UNSPECIFIED: MerchantStatus
MERCHANT_STATUS_NORMAL: MerchantStatus
MERCHANT_STATUS_WARNING: MerchantStatus
MERCHANT_STATUS_CLOSING: MerchantStatus
MERCHANT_STATUS_DEFAULTED: MerchantStatus
MERCHANT_STATUS_CLOSED: MerchantStatus
ELIGIBILITY_FLAG_UNSPECIFIED: EligibilityFlag
ELIGIBILITY_FLAG_JUDGMENT_DEFAULTER: EligibilityFlag
ELIGIBILITY_FLAG_LEGAL_REP_JUDGMENT_DEFAULTER: EligibilityFlag
ELIGIBILITY_FLAG_ABNORMAL_OPERATION: EligibilityFlag
ELIGIBILITY_FLAG_SERIOUS_DISHONESTY: EligibilityFlag
ELIGIBILITY_FLAG_DEREGISTERING: EligibilityFlag
INSTRUMENT_KIND_UNSPECIFIED: InstrumentKind
INSTRUMENT_KIND_STORED_VALUE: InstrumentKind
INSTRUMENT_KIND_SESSION_PACK: InstrumentKind
INSTRUMENT_KIND_MEMBERSHIP: InstrumentKind
CARD_STATUS_UNSPECIFIED: CardStatus
CARD_STATUS_ACTIVE: CardStatus
CARD_STATUS_REFUNDED: CardStatus
CARD_STATUS_REPLACED: CardStatus
CARD_STATUS_ASSIGNED_AWAY: CardStatus
CARD_STATUS_SETTLED_IN_DEFAULT: CardStatus
INITIATOR_UNSPECIFIED: Initiator
INITIATOR_CONSUMER: Initiator
INITIATOR_MERCHANT: Initiator
REDEMPTION_STATUS_UNSPECIFIED: RedemptionStatus
REDEMPTION_STATUS_RECORDED: RedemptionStatus
REDEMPTION_STATUS_CONFIRMED: RedemptionStatus
REDEMPTION_STATUS_DISPUTED: RedemptionStatus
REDEMPTION_STATUS_EXPIRED: RedemptionStatus
REFUND_REASON_UNSPECIFIED: RefundReason
REFUND_REASON_MERCHANT_FAULT: RefundReason
REFUND_REASON_CONSUMER_REASON: RefundReason
REFUND_CHANNEL_UNSPECIFIED: RefundChannel
REFUND_CHANNEL_BANK_ACCOUNT: RefundChannel
REFUND_CHANNEL_CASH: RefundChannel
REFUND_KIND_UNSPECIFIED: RefundKind
REFUND_KIND_COOLING_OFF: RefundKind
REFUND_KIND_BALANCE: RefundKind
COUNTERPARTY_ROLE_UNSPECIFIED: CounterpartyRole
COUNTERPARTY_ROLE_MERCHANT: CounterpartyRole
COUNTERPARTY_ROLE_LICENCE_LENDER: CounterpartyRole
COUNTERPARTY_ROLE_FRANCHISOR: CounterpartyRole
COUNTERPARTY_ROLE_FRANCHISEE: CounterpartyRole
COUNTERPARTY_ROLE_LANDLORD: CounterpartyRole
COUNTERPARTY_ROLE_LIQUIDATION_OBLIGOR: CounterpartyRole
FUNDING_SOURCE_UNSPECIFIED: FundingSource
FUNDING_SOURCE_CUSTODY_CASH: FundingSource
FUNDING_SOURCE_RISK_DEPOSIT: FundingSource
FUNDING_SOURCE_INSURANCE: FundingSource
FUNDING_SOURCE_GUARANTEE: FundingSource
FUNDING_SOURCE_COMPENSATION_POOL: FundingSource
RELEASE_MODE_UNSPECIFIED: ReleaseMode
RELEASE_MODE_PER_USE: ReleaseMode
RELEASE_MODE_PROGRESS: ReleaseMode
RELEASE_MODE_RATIO_SURPLUS: ReleaseMode
INSTRUCTION_KIND_UNSPECIFIED: InstructionKind
INSTRUCTION_KIND_RELEASE: InstructionKind
INSTRUCTION_KIND_ADVANCE: InstructionKind
INSTRUCTION_KIND_REFUND_PAID: InstructionKind
INSTRUCTION_STATUS_UNSPECIFIED: InstructionStatus
INSTRUCTION_STATUS_PENDING: InstructionStatus
INSTRUCTION_STATUS_CONFIRMED: InstructionStatus
INSTRUCTION_STATUS_FAILED: InstructionStatus
ENTRY_PHASE_UNSPECIFIED: EntryPhase
ENTRY_PHASE_SINGLE: EntryPhase
ENTRY_PHASE_HOLD: EntryPhase
ENTRY_PHASE_POST: EntryPhase
ENTRY_PHASE_VOID: EntryPhase

class CommandResult(_message.Message):
    __slots__ = ("request_id", "accepted", "policy_version", "transfer_ids", "instruction_ids", "replayed")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_IDS_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    accepted: bool
    policy_version: str
    transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    instruction_ids: _containers.RepeatedScalarFieldContainer[str]
    replayed: bool
    def __init__(self, request_id: _Optional[str] = ..., accepted: _Optional[bool] = ..., policy_version: _Optional[str] = ..., transfer_ids: _Optional[_Iterable[str]] = ..., instruction_ids: _Optional[_Iterable[str]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class RuleRefusal(_message.Message):
    __slots__ = ("rule", "message", "figures")
    class FiguresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RULE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    rule: str
    message: str
    figures: _containers.ScalarMap[str, str]
    def __init__(self, rule: _Optional[str] = ..., message: _Optional[str] = ..., figures: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Instruction(_message.Message):
    __slots__ = ("instruction_id", "merchant_id", "kind", "amount_fen", "status", "request_id", "created_at_ns", "resolved_at_ns", "failure_reason", "refund_id")
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    instruction_id: str
    merchant_id: str
    kind: InstructionKind
    amount_fen: int
    status: InstructionStatus
    request_id: str
    created_at_ns: int
    resolved_at_ns: int
    failure_reason: str
    refund_id: str
    def __init__(self, instruction_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., kind: _Optional[_Union[InstructionKind, str]] = ..., amount_fen: _Optional[int] = ..., status: _Optional[_Union[InstructionStatus, str]] = ..., request_id: _Optional[str] = ..., created_at_ns: _Optional[int] = ..., resolved_at_ns: _Optional[int] = ..., failure_reason: _Optional[str] = ..., refund_id: _Optional[str] = ...) -> None: ...

class RecoveryClaim(_message.Message):
    __slots__ = ("claim_id", "source", "source_owner_id", "counterparty_role", "counterparty_id", "amount_fen", "recovered_fen", "open_fen", "opened_at_ns")
    CLAIM_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ROLE_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_FEN_FIELD_NUMBER: _ClassVar[int]
    OPEN_FEN_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    claim_id: str
    source: FundingSource
    source_owner_id: str
    counterparty_role: CounterpartyRole
    counterparty_id: str
    amount_fen: int
    recovered_fen: int
    open_fen: int
    opened_at_ns: int
    def __init__(self, claim_id: _Optional[str] = ..., source: _Optional[_Union[FundingSource, str]] = ..., source_owner_id: _Optional[str] = ..., counterparty_role: _Optional[_Union[CounterpartyRole, str]] = ..., counterparty_id: _Optional[str] = ..., amount_fen: _Optional[int] = ..., recovered_fen: _Optional[int] = ..., open_fen: _Optional[int] = ..., opened_at_ns: _Optional[int] = ...) -> None: ...

class Card(_message.Message):
    __slots__ = ("card_id", "merchant_id", "holder_id", "kind", "registered", "status", "issued_at_ns", "term_starts_on", "term_ends_on", "expires_on", "replaced_by")
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    TERM_STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    TERM_ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_ON_FIELD_NUMBER: _ClassVar[int]
    REPLACED_BY_FIELD_NUMBER: _ClassVar[int]
    card_id: str
    merchant_id: str
    holder_id: str
    kind: InstrumentKind
    registered: bool
    status: CardStatus
    issued_at_ns: int
    term_starts_on: str
    term_ends_on: str
    expires_on: str
    replaced_by: str
    def __init__(self, card_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., holder_id: _Optional[str] = ..., kind: _Optional[_Union[InstrumentKind, str]] = ..., registered: _Optional[bool] = ..., status: _Optional[_Union[CardStatus, str]] = ..., issued_at_ns: _Optional[int] = ..., term_starts_on: _Optional[str] = ..., term_ends_on: _Optional[str] = ..., expires_on: _Optional[str] = ..., replaced_by: _Optional[str] = ...) -> None: ...

class Lot(_message.Message):
    __slots__ = ("lot_id", "paid_fen", "bonus_fen", "list_amount_fen", "face_fen", "face_used_fen", "paid_used_fen", "refunded_fen", "paid_open_fen", "face_open_fen", "sessions", "sessions_used", "sold_at_ns", "list_prices")
    class ListPricesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    BONUS_FEN_FIELD_NUMBER: _ClassVar[int]
    LIST_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    FACE_FEN_FIELD_NUMBER: _ClassVar[int]
    FACE_USED_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_USED_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_OPEN_FEN_FIELD_NUMBER: _ClassVar[int]
    FACE_OPEN_FEN_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_USED_FIELD_NUMBER: _ClassVar[int]
    SOLD_AT_NS_FIELD_NUMBER: _ClassVar[int]
    LIST_PRICES_FIELD_NUMBER: _ClassVar[int]
    lot_id: str
    paid_fen: int
    bonus_fen: int
    list_amount_fen: int
    face_fen: int
    face_used_fen: int
    paid_used_fen: int
    refunded_fen: int
    paid_open_fen: int
    face_open_fen: int
    sessions: int
    sessions_used: int
    sold_at_ns: int
    list_prices: _containers.ScalarMap[str, int]
    def __init__(self, lot_id: _Optional[str] = ..., paid_fen: _Optional[int] = ..., bonus_fen: _Optional[int] = ..., list_amount_fen: _Optional[int] = ..., face_fen: _Optional[int] = ..., face_used_fen: _Optional[int] = ..., paid_used_fen: _Optional[int] = ..., refunded_fen: _Optional[int] = ..., paid_open_fen: _Optional[int] = ..., face_open_fen: _Optional[int] = ..., sessions: _Optional[int] = ..., sessions_used: _Optional[int] = ..., sold_at_ns: _Optional[int] = ..., list_prices: _Optional[_Mapping[str, int]] = ...) -> None: ...

class Redemption(_message.Message):
    __slots__ = ("redemption_id", "card_id", "item", "quantity", "list_value_fen", "face_value_fen", "paid_value_fen", "sessions", "status", "recorded_at_ns", "confirmed_at_ns", "lapses_at_ns")
    REDEMPTION_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LIST_VALUE_FEN_FIELD_NUMBER: _ClassVar[int]
    FACE_VALUE_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_VALUE_FEN_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    LAPSES_AT_NS_FIELD_NUMBER: _ClassVar[int]
    redemption_id: str
    card_id: str
    item: str
    quantity: int
    list_value_fen: int
    face_value_fen: int
    paid_value_fen: int
    sessions: int
    status: RedemptionStatus
    recorded_at_ns: int
    confirmed_at_ns: int
    lapses_at_ns: int
    def __init__(self, redemption_id: _Optional[str] = ..., card_id: _Optional[str] = ..., item: _Optional[str] = ..., quantity: _Optional[int] = ..., list_value_fen: _Optional[int] = ..., face_value_fen: _Optional[int] = ..., paid_value_fen: _Optional[int] = ..., sessions: _Optional[int] = ..., status: _Optional[_Union[RedemptionStatus, str]] = ..., recorded_at_ns: _Optional[int] = ..., confirmed_at_ns: _Optional[int] = ..., lapses_at_ns: _Optional[int] = ...) -> None: ...

class Refund(_message.Message):
    __slots__ = ("refund_id", "card_id", "holder_id", "kind", "reason", "formula", "paid_in_fen", "used_value_fen", "amount_fen", "requested_at_ns", "due_on", "channel", "paid", "paid_at_ns", "paid_from_custody_fen", "paid_by_merchant_fen", "late")
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FORMULA_FIELD_NUMBER: _ClassVar[int]
    PAID_IN_FEN_FIELD_NUMBER: _ClassVar[int]
    USED_VALUE_FEN_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_NS_FIELD_NUMBER: _ClassVar[int]
    PAID_FROM_CUSTODY_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_BY_MERCHANT_FEN_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    card_id: str
    holder_id: str
    kind: RefundKind
    reason: RefundReason
    formula: str
    paid_in_fen: int
    used_value_fen: int
    amount_fen: int
    requested_at_ns: int
    due_on: str
    channel: RefundChannel
    paid: bool
    paid_at_ns: int
    paid_from_custody_fen: int
    paid_by_merchant_fen: int
    late: bool
    def __init__(self, refund_id: _Optional[str] = ..., card_id: _Optional[str] = ..., holder_id: _Optional[str] = ..., kind: _Optional[_Union[RefundKind, str]] = ..., reason: _Optional[_Union[RefundReason, str]] = ..., formula: _Optional[str] = ..., paid_in_fen: _Optional[int] = ..., used_value_fen: _Optional[int] = ..., amount_fen: _Optional[int] = ..., requested_at_ns: _Optional[int] = ..., due_on: _Optional[str] = ..., channel: _Optional[_Union[RefundChannel, str]] = ..., paid: _Optional[bool] = ..., paid_at_ns: _Optional[int] = ..., paid_from_custody_fen: _Optional[int] = ..., paid_by_merchant_fen: _Optional[int] = ..., late: _Optional[bool] = ...) -> None: ...

class CardEntry(_message.Message):
    __slots__ = ("transfer_id", "kind", "amount_fen", "onto_card", "phase", "source", "timestamp_ns")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    ONTO_CARD_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_NS_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    kind: str
    amount_fen: int
    onto_card: bool
    phase: EntryPhase
    source: str
    timestamp_ns: int
    def __init__(self, transfer_id: _Optional[str] = ..., kind: _Optional[str] = ..., amount_fen: _Optional[int] = ..., onto_card: _Optional[bool] = ..., phase: _Optional[_Union[EntryPhase, str]] = ..., source: _Optional[str] = ..., timestamp_ns: _Optional[int] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("request_id", "merchant_id", "command_type", "actor", "accepted", "refusals", "policy_version", "transfer_ids", "decided_at_ns")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    COMMAND_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    REFUSALS_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    merchant_id: str
    command_type: str
    actor: str
    accepted: bool
    refusals: _containers.RepeatedCompositeFieldContainer[RuleRefusal]
    policy_version: str
    transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    decided_at_ns: int
    def __init__(self, request_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., command_type: _Optional[str] = ..., actor: _Optional[str] = ..., accepted: _Optional[bool] = ..., refusals: _Optional[_Iterable[_Union[RuleRefusal, _Mapping]]] = ..., policy_version: _Optional[str] = ..., transfer_ids: _Optional[_Iterable[str]] = ..., decided_at_ns: _Optional[int] = ...) -> None: ...

class RecordSaleRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "card_id", "holder_id", "kind", "registered", "paid_fen", "bonus_fen", "list_amount_fen", "sessions", "list_prices", "term_starts_on", "term_ends_on")
    class ListPricesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    BONUS_FEN_FIELD_NUMBER: _ClassVar[int]
    LIST_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    LIST_PRICES_FIELD_NUMBER: _ClassVar[int]
    TERM_STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    TERM_ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    card_id: str
    holder_id: str
    kind: InstrumentKind
    registered: bool
    paid_fen: int
    bonus_fen: int
    list_amount_fen: int
    sessions: int
    list_prices: _containers.ScalarMap[str, int]
    term_starts_on: str
    term_ends_on: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., card_id: _Optional[str] = ..., holder_id: _Optional[str] = ..., kind: _Optional[_Union[InstrumentKind, str]] = ..., registered: _Optional[bool] = ..., paid_fen: _Optional[int] = ..., bonus_fen: _Optional[int] = ..., list_amount_fen: _Optional[int] = ..., sessions: _Optional[int] = ..., list_prices: _Optional[_Mapping[str, int]] = ..., term_starts_on: _Optional[str] = ..., term_ends_on: _Optional[str] = ...) -> None: ...

class RecordSaleResponse(_message.Message):
    __slots__ = ("result", "lot_id", "card_issued")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ISSUED_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    lot_id: str
    card_issued: bool
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., lot_id: _Optional[str] = ..., card_issued: _Optional[bool] = ...) -> None: ...

class ConfirmInstructionRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "instruction_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    instruction_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., instruction_id: _Optional[str] = ...) -> None: ...

class ConfirmInstructionResponse(_message.Message):
    __slots__ = ("result", "instruction")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    instruction: Instruction
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., instruction: _Optional[_Union[Instruction, _Mapping]] = ...) -> None: ...

class FailInstructionRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "instruction_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    instruction_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., instruction_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class FailInstructionResponse(_message.Message):
    __slots__ = ("result", "instruction")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    instruction: Instruction
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., instruction: _Optional[_Union[Instruction, _Mapping]] = ...) -> None: ...

class RecordRedemptionRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "redemption_id", "card_id", "item", "quantity", "initiated_by")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    redemption_id: str
    card_id: str
    item: str
    quantity: int
    initiated_by: Initiator
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., redemption_id: _Optional[str] = ..., card_id: _Optional[str] = ..., item: _Optional[str] = ..., quantity: _Optional[int] = ..., initiated_by: _Optional[_Union[Initiator, str]] = ...) -> None: ...

class RecordRedemptionResponse(_message.Message):
    __slots__ = ("result", "redemption")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    redemption: Redemption
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., redemption: _Optional[_Union[Redemption, _Mapping]] = ...) -> None: ...

class RequestReleaseRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "amount_fen")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    amount_fen: int
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class RequestReleaseResponse(_message.Message):
    __slots__ = ("result", "instructions")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    instructions: _containers.RepeatedCompositeFieldContainer[Instruction]
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., instructions: _Optional[_Iterable[_Union[Instruction, _Mapping]]] = ...) -> None: ...

class GetMerchantPositionRequest(_message.Message):
    __slots__ = ("merchant_id",)
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    def __init__(self, merchant_id: _Optional[str] = ...) -> None: ...

class GetMerchantPositionResponse(_message.Message):
    __slots__ = ("merchant_id", "status", "credit_grade", "policy_version", "release_mode", "custody_cash_fen", "pending_instructions_fen", "releasable_fen", "binding_rule", "release_figures", "outstanding_fen", "unconfirmed_uses_fen", "required_fen", "earned_fen", "advanced_fen", "refund_payable_fen", "risk_deposit_fen", "insurance_cover_fen", "guarantee_cover_fen", "recovery_receivable_fen", "subrogated_liability_fen", "active_cards", "pending_instructions", "open_claims", "as_of_ns")
    class ReleaseFiguresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREDIT_GRADE_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    RELEASE_MODE_FIELD_NUMBER: _ClassVar[int]
    CUSTODY_CASH_FEN_FIELD_NUMBER: _ClassVar[int]
    PENDING_INSTRUCTIONS_FEN_FIELD_NUMBER: _ClassVar[int]
    RELEASABLE_FEN_FIELD_NUMBER: _ClassVar[int]
    BINDING_RULE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIGURES_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_FEN_FIELD_NUMBER: _ClassVar[int]
    UNCONFIRMED_USES_FEN_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FEN_FIELD_NUMBER: _ClassVar[int]
    EARNED_FEN_FIELD_NUMBER: _ClassVar[int]
    ADVANCED_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUND_PAYABLE_FEN_FIELD_NUMBER: _ClassVar[int]
    RISK_DEPOSIT_FEN_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_COVER_FEN_FIELD_NUMBER: _ClassVar[int]
    GUARANTEE_COVER_FEN_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_RECEIVABLE_FEN_FIELD_NUMBER: _ClassVar[int]
    SUBROGATED_LIABILITY_FEN_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_CARDS_FIELD_NUMBER: _ClassVar[int]
    PENDING_INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    OPEN_CLAIMS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_NS_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    status: MerchantStatus
    credit_grade: CreditGrade
    policy_version: str
    release_mode: ReleaseMode
    custody_cash_fen: int
    pending_instructions_fen: int
    releasable_fen: int
    binding_rule: str
    release_figures: _containers.ScalarMap[str, int]
    outstanding_fen: int
    unconfirmed_uses_fen: int
    required_fen: int
    earned_fen: int
    advanced_fen: int
    refund_payable_fen: int
    risk_deposit_fen: int
    insurance_cover_fen: int
    guarantee_cover_fen: int
    recovery_receivable_fen: int
    subrogated_liability_fen: int
    active_cards: int
    pending_instructions: _containers.RepeatedCompositeFieldContainer[Instruction]
    open_claims: _containers.RepeatedCompositeFieldContainer[RecoveryClaim]
    as_of_ns: int
    def __init__(self, merchant_id: _Optional[str] = ..., status: _Optional[_Union[MerchantStatus, str]] = ..., credit_grade: _Optional[_Union[CreditGrade, str]] = ..., policy_version: _Optional[str] = ..., release_mode: _Optional[_Union[ReleaseMode, str]] = ..., custody_cash_fen: _Optional[int] = ..., pending_instructions_fen: _Optional[int] = ..., releasable_fen: _Optional[int] = ..., binding_rule: _Optional[str] = ..., release_figures: _Optional[_Mapping[str, int]] = ..., outstanding_fen: _Optional[int] = ..., unconfirmed_uses_fen: _Optional[int] = ..., required_fen: _Optional[int] = ..., earned_fen: _Optional[int] = ..., advanced_fen: _Optional[int] = ..., refund_payable_fen: _Optional[int] = ..., risk_deposit_fen: _Optional[int] = ..., insurance_cover_fen: _Optional[int] = ..., guarantee_cover_fen: _Optional[int] = ..., recovery_receivable_fen: _Optional[int] = ..., subrogated_liability_fen: _Optional[int] = ..., active_cards: _Optional[int] = ..., pending_instructions: _Optional[_Iterable[_Union[Instruction, _Mapping]]] = ..., open_claims: _Optional[_Iterable[_Union[RecoveryClaim, _Mapping]]] = ..., as_of_ns: _Optional[int] = ...) -> None: ...

class ListInstructionsRequest(_message.Message):
    __slots__ = ("merchant_id", "status", "page_size", "page_token")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    status: InstructionStatus
    page_size: int
    page_token: str
    def __init__(self, merchant_id: _Optional[str] = ..., status: _Optional[_Union[InstructionStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInstructionsResponse(_message.Message):
    __slots__ = ("instructions", "next_page_token")
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instructions: _containers.RepeatedCompositeFieldContainer[Instruction]
    next_page_token: str
    def __init__(self, instructions: _Optional[_Iterable[_Union[Instruction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConfirmRedemptionRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "redemption_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    redemption_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., redemption_id: _Optional[str] = ...) -> None: ...

class ConfirmRedemptionResponse(_message.Message):
    __slots__ = ("result", "redemption")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    redemption: Redemption
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., redemption: _Optional[_Union[Redemption, _Mapping]] = ...) -> None: ...

class DisputeRedemptionRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "redemption_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    redemption_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., redemption_id: _Optional[str] = ...) -> None: ...

class DisputeRedemptionResponse(_message.Message):
    __slots__ = ("result", "redemption")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REDEMPTION_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    redemption: Redemption
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., redemption: _Optional[_Union[Redemption, _Mapping]] = ...) -> None: ...

class RequestCoolingOffRefundRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "refund_id", "lot_id", "channel")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    LOT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    refund_id: str
    lot_id: str
    channel: RefundChannel
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., lot_id: _Optional[str] = ..., channel: _Optional[_Union[RefundChannel, str]] = ...) -> None: ...

class RequestCoolingOffRefundResponse(_message.Message):
    __slots__ = ("result", "refund")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    refund: Refund
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., refund: _Optional[_Union[Refund, _Mapping]] = ...) -> None: ...

class RequestBalanceRefundRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "refund_id", "card_id", "reason", "service_stopped_on", "channel")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SERVICE_STOPPED_ON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    refund_id: str
    card_id: str
    reason: RefundReason
    service_stopped_on: str
    channel: RefundChannel
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., card_id: _Optional[str] = ..., reason: _Optional[_Union[RefundReason, str]] = ..., service_stopped_on: _Optional[str] = ..., channel: _Optional[_Union[RefundChannel, str]] = ...) -> None: ...

class RequestBalanceRefundResponse(_message.Message):
    __slots__ = ("result", "refund")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    refund: Refund
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., refund: _Optional[_Union[Refund, _Mapping]] = ...) -> None: ...

class ReissueLostCardRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "card_id", "new_card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    card_id: str
    new_card_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., card_id: _Optional[str] = ..., new_card_id: _Optional[str] = ...) -> None: ...

class ReissueLostCardResponse(_message.Message):
    __slots__ = ("result", "new_card", "moved_fen")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    NEW_CARD_FIELD_NUMBER: _ClassVar[int]
    MOVED_FEN_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    new_card: Card
    moved_fen: int
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., new_card: _Optional[_Union[Card, _Mapping]] = ..., moved_fen: _Optional[int] = ...) -> None: ...

class AssignCardRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "card_id", "assignee_id", "face_fen", "new_card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_FEN_FIELD_NUMBER: _ClassVar[int]
    NEW_CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    card_id: str
    assignee_id: str
    face_fen: int
    new_card_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., card_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., face_fen: _Optional[int] = ..., new_card_id: _Optional[str] = ...) -> None: ...

class AssignCardResponse(_message.Message):
    __slots__ = ("result", "card")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    card: Card
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class ReactivateCardRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    card_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class ReactivateCardResponse(_message.Message):
    __slots__ = ("result", "card")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    card: Card
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class GetCardStatementRequest(_message.Message):
    __slots__ = ("merchant_id", "card_id")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    card_id: str
    def __init__(self, merchant_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class GetCardStatementResponse(_message.Message):
    __slots__ = ("card", "balance_fen", "held_fen", "face_open_fen", "sessions_open", "lots", "redemptions", "refunds", "entries")
    CARD_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FEN_FIELD_NUMBER: _ClassVar[int]
    HELD_FEN_FIELD_NUMBER: _ClassVar[int]
    FACE_OPEN_FEN_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_OPEN_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    REDEMPTIONS_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    card: Card
    balance_fen: int
    held_fen: int
    face_open_fen: int
    sessions_open: int
    lots: _containers.RepeatedCompositeFieldContainer[Lot]
    redemptions: _containers.RepeatedCompositeFieldContainer[Redemption]
    refunds: _containers.RepeatedCompositeFieldContainer[Refund]
    entries: _containers.RepeatedCompositeFieldContainer[CardEntry]
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ..., balance_fen: _Optional[int] = ..., held_fen: _Optional[int] = ..., face_open_fen: _Optional[int] = ..., sessions_open: _Optional[int] = ..., lots: _Optional[_Iterable[_Union[Lot, _Mapping]]] = ..., redemptions: _Optional[_Iterable[_Union[Redemption, _Mapping]]] = ..., refunds: _Optional[_Iterable[_Union[Refund, _Mapping]]] = ..., entries: _Optional[_Iterable[_Union[CardEntry, _Mapping]]] = ...) -> None: ...

class OnboardMerchantRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "issuer_class", "industry", "jurisdiction", "credit_grade", "licensed_on", "eligibility_flags", "pool_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUER_CLASS_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    CREDIT_GRADE_FIELD_NUMBER: _ClassVar[int]
    LICENSED_ON_FIELD_NUMBER: _ClassVar[int]
    ELIGIBILITY_FLAGS_FIELD_NUMBER: _ClassVar[int]
    POOL_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    issuer_class: IssuerClass
    industry: str
    jurisdiction: str
    credit_grade: CreditGrade
    licensed_on: str
    eligibility_flags: _containers.RepeatedScalarFieldContainer[EligibilityFlag]
    pool_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., issuer_class: _Optional[_Union[IssuerClass, str]] = ..., industry: _Optional[str] = ..., jurisdiction: _Optional[str] = ..., credit_grade: _Optional[_Union[CreditGrade, str]] = ..., licensed_on: _Optional[str] = ..., eligibility_flags: _Optional[_Iterable[_Union[EligibilityFlag, str]]] = ..., pool_id: _Optional[str] = ...) -> None: ...

class OnboardMerchantResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class ChangeMerchantStatusRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "status", "evidence", "decided_by", "notice_ends_on")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTICE_ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    status: MerchantStatus
    evidence: _containers.RepeatedScalarFieldContainer[str]
    decided_by: str
    notice_ends_on: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., status: _Optional[_Union[MerchantStatus, str]] = ..., evidence: _Optional[_Iterable[str]] = ..., decided_by: _Optional[str] = ..., notice_ends_on: _Optional[str] = ...) -> None: ...

class ChangeMerchantStatusResponse(_message.Message):
    __slots__ = ("result", "previous_status", "status")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    previous_status: MerchantStatus
    status: MerchantStatus
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., previous_status: _Optional[_Union[MerchantStatus, str]] = ..., status: _Optional[_Union[MerchantStatus, str]] = ...) -> None: ...

class SetCreditGradeRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "credit_grade", "evidence", "decided_by")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_GRADE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    credit_grade: CreditGrade
    evidence: _containers.RepeatedScalarFieldContainer[str]
    decided_by: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., credit_grade: _Optional[_Union[CreditGrade, str]] = ..., evidence: _Optional[_Iterable[str]] = ..., decided_by: _Optional[str] = ...) -> None: ...

class SetCreditGradeResponse(_message.Message):
    __slots__ = ("result", "previous_grade")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_GRADE_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    previous_grade: CreditGrade
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., previous_grade: _Optional[_Union[CreditGrade, str]] = ...) -> None: ...

class SettleDefaultRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "counterparty_role", "counterparty_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ROLE_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    counterparty_role: CounterpartyRole
    counterparty_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., counterparty_role: _Optional[_Union[CounterpartyRole, str]] = ..., counterparty_id: _Optional[str] = ...) -> None: ...

class SourcePayout(_message.Message):
    __slots__ = ("source", "amount_fen")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    source: FundingSource
    amount_fen: int
    def __init__(self, source: _Optional[_Union[FundingSource, str]] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class OutstandingClaim(_message.Message):
    __slots__ = ("holder_id", "ref", "claim_fen", "paid_fen")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    ref: str
    claim_fen: int
    paid_fen: int
    def __init__(self, holder_id: _Optional[str] = ..., ref: _Optional[str] = ..., claim_fen: _Optional[int] = ..., paid_fen: _Optional[int] = ...) -> None: ...

class SettleDefaultResponse(_message.Message):
    __slots__ = ("result", "claimed_fen", "paid_fen", "paid_by_source", "claims_opened", "outstanding")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_FEN_FIELD_NUMBER: _ClassVar[int]
    PAID_BY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    CLAIMS_OPENED_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    claimed_fen: int
    paid_fen: int
    paid_by_source: _containers.RepeatedCompositeFieldContainer[SourcePayout]
    claims_opened: _containers.RepeatedCompositeFieldContainer[RecoveryClaim]
    outstanding: _containers.RepeatedCompositeFieldContainer[OutstandingClaim]
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., claimed_fen: _Optional[int] = ..., paid_fen: _Optional[int] = ..., paid_by_source: _Optional[_Iterable[_Union[SourcePayout, _Mapping]]] = ..., claims_opened: _Optional[_Iterable[_Union[RecoveryClaim, _Mapping]]] = ..., outstanding: _Optional[_Iterable[_Union[OutstandingClaim, _Mapping]]] = ...) -> None: ...

class FundCompensationRequest(_message.Message):
    __slots__ = ("request_id", "actor", "source", "owner_id", "amount_fen")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    source: FundingSource
    owner_id: str
    amount_fen: int
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., source: _Optional[_Union[FundingSource, str]] = ..., owner_id: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class FundCompensationResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class FundReturnCoverRequest(_message.Message):
    __slots__ = ("request_id", "actor", "insurer_id", "amount_fen")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    INSURER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    insurer_id: str
    amount_fen: int
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., insurer_id: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class FundReturnCoverResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class RecordRecoveryRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "amount_fen", "counterparty_role", "counterparty_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ROLE_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    amount_fen: int
    counterparty_role: CounterpartyRole
    counterparty_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., amount_fen: _Optional[int] = ..., counterparty_role: _Optional[_Union[CounterpartyRole, str]] = ..., counterparty_id: _Optional[str] = ...) -> None: ...

class RecordRecoveryResponse(_message.Message):
    __slots__ = ("result", "claims")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    claims: _containers.RepeatedCompositeFieldContainer[RecoveryClaim]
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., claims: _Optional[_Iterable[_Union[RecoveryClaim, _Mapping]]] = ...) -> None: ...

class PledgeReturnsRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "window_days", "conditions", "cross_store", "pledged_on", "insurer_id", "store_ids")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    CROSS_STORE_FIELD_NUMBER: _ClassVar[int]
    PLEDGED_ON_FIELD_NUMBER: _ClassVar[int]
    INSURER_ID_FIELD_NUMBER: _ClassVar[int]
    STORE_IDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    window_days: int
    conditions: _containers.RepeatedScalarFieldContainer[str]
    cross_store: bool
    pledged_on: str
    insurer_id: str
    store_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., window_days: _Optional[int] = ..., conditions: _Optional[_Iterable[str]] = ..., cross_store: _Optional[bool] = ..., pledged_on: _Optional[str] = ..., insurer_id: _Optional[str] = ..., store_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class PledgeReturnsResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class ReimburseReturnRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "return_id", "sold_at_ns", "returned_at_ns", "sold_store_id", "returned_store_id", "amount_fen", "conditions_met")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_ID_FIELD_NUMBER: _ClassVar[int]
    SOLD_AT_NS_FIELD_NUMBER: _ClassVar[int]
    RETURNED_AT_NS_FIELD_NUMBER: _ClassVar[int]
    SOLD_STORE_ID_FIELD_NUMBER: _ClassVar[int]
    RETURNED_STORE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_MET_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    return_id: str
    sold_at_ns: int
    returned_at_ns: int
    sold_store_id: str
    returned_store_id: str
    amount_fen: int
    conditions_met: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., return_id: _Optional[str] = ..., sold_at_ns: _Optional[int] = ..., returned_at_ns: _Optional[int] = ..., sold_store_id: _Optional[str] = ..., returned_store_id: _Optional[str] = ..., amount_fen: _Optional[int] = ..., conditions_met: _Optional[_Iterable[str]] = ...) -> None: ...

class ReimburseReturnResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class ListDecisionsRequest(_message.Message):
    __slots__ = ("merchant_id", "page_size", "page_token")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    page_size: int
    page_token: str
    def __init__(self, merchant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDecisionsResponse(_message.Message):
    __slots__ = ("decisions", "next_page_token")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[Decision]
    next_page_token: str
    def __init__(self, decisions: _Optional[_Iterable[_Union[Decision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PayRefundRequest(_message.Message):
    __slots__ = ("request_id", "actor", "merchant_id", "refund_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    actor: str
    merchant_id: str
    refund_id: str
    def __init__(self, request_id: _Optional[str] = ..., actor: _Optional[str] = ..., merchant_id: _Optional[str] = ..., refund_id: _Optional[str] = ...) -> None: ...

class PayRefundResponse(_message.Message):
    __slots__ = ("result", "refund")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    result: CommandResult
    refund: Refund
    def __init__(self, result: _Optional[_Union[CommandResult, _Mapping]] = ..., refund: _Optional[_Union[Refund, _Mapping]] = ...) -> None: ...
