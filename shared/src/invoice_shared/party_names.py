"""When two printings of a party's name are one party (pure): a page's letterhead and an
e-invoice's data, or one page and another of the same invoice."""

from __future__ import annotations

import unicodedata

# A name this short ("SA", "AG") begins too many others to say they are one party.
MIN_PARTY_LETTERS = 3


def name_key(value: str) -> str:
    """A name's letters and digits, without case, accents, punctuation or spacing."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def same_party(a: str, b: str) -> bool:
    """Whether one name begins with the other ("Acme", "Acme GmbH"), beyond an initial."""
    short, long = sorted((name_key(a), name_key(b)), key=len)
    return short == long or (len(short) >= MIN_PARTY_LETTERS and long.startswith(short))
