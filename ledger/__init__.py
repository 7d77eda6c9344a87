"""Fangxin's ledger core: double-entry accounts and transfers, free of I/O."""
