"""Semantic patterns (Type-4): the same job written independently in several repositories, found and named.

    elements    what code does, found at parse time (APIs, commands, env names, status codes, ...)
    profiles    a unit's profile: its elements, traits and their rarity across the scan
    candidates  units of different repositories that share rare elements, grouped through an index
    judge       Claude says whether a candidate group does one job, and names it (cached, budgeted)
    report      confirmed groups as ``Opportunity`` records of kind ``semantic``
    find        the steps in order: ``find(shards, patterns, judge) -> tuple[Opportunity, ...]``
"""
