"""Check families: each module holds pure functions that yield findings.

A check receives models (and the catalogue) and yields ``Finding`` objects
that name a key path; it never reads files, prints or exits. The engine
attaches file positions and the configured severity.
"""
