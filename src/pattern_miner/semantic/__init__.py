"""Semantic patterns (Type-4): the same job written independently in several repositories, found and named.

    elements    what code does, found at parse time (APIs, commands, env names, status codes, ...)
    tokens      what one token says: a string literal, an identifier's words, a status code
    imports     the names a file's imports bind, so a call reads as the API it is
    profiles    a unit's profile: its elements, traits and their rarity across the scan
    candidates  units of different repositories that share rare elements, grouped through an index
    judge       Claude says whether a candidate group does one job, and names it (cached, budgeted)
    report      confirmed groups as ``Opportunity`` records of kind ``semantic``
    find        the steps in order: ``find(shards, patterns, judge) -> tuple[Opportunity, ...]``
"""
