"""Prepaid-card custody: the pure domain layer on top of the double-entry core.

Every command is a pure function `(book, command, policy, now) -> Decision`: either a typed
refusal naming the rule (R-numbers of docs/shared domain-rules.md) and its figures, or the core
transfers to post plus the domain records to store. No I/O happens here.
"""
