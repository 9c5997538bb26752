"""ISO 3166-1 alpha-2 country codes from Babel's CLDR territories (§2 destination, §1 users)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

# Territories CLDR names that are not countries: `ZZ` (unknown region), unions and zones (`EU`,
# `EZ`, `UN`), `QO` (outlying Oceania), pseudo-locales (`XA`, `XB`) and the codes ISO keeps
# "exceptionally reserved" for parts of other countries (`AC`, `CP`, `CQ`, `DG`, `EA`, `IC`,
# `TA`). Macro-regions (`001`, `150`) are digits and never match. Kosovo (`XK`) stays: ISO has
# not assigned it, but the EU, banks and card networks use it for a country with buyers in it.
NOT_COUNTRIES = frozenset(
    {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The 249 ISO 3166-1 countries and territories, and XK; upper case, as ISO writes them."""
    return frozenset(
        code
        for code in map(str, Locale("en").territories)
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )
