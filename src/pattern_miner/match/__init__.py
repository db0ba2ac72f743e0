"""The matching core: file records in, clone groups out. Imports no parser (it reads ``records`` only).

In pipeline order: ``fragments`` (the units compared) → ``pairs`` (the steps of finding pairs:
``candidates`` with ``minhash``, ``bounds``, ``confirm`` with ``similarity`` and ``rarity``, shared by
``parallel`` workers) → ``cluster`` (union-find groups). ``paircodes`` encodes a pair of ids as one int64.
"""
