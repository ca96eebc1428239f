"""The languages a generated invoice can be written in, by ISO 639-1 code."""

from __future__ import annotations

from invoice_gen.languages.base import ROLES, Language
from invoice_gen.languages.de import GERMAN
from invoice_gen.languages.en import ENGLISH
from invoice_gen.languages.es import SPANISH
from invoice_gen.languages.fr import FRENCH
from invoice_gen.languages.it import ITALIAN
from invoice_gen.languages.nl import DUTCH
from invoice_gen.languages.pt import PORTUGUESE

LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (ENGLISH, GERMAN, FRENCH, DUTCH, SPANISH, ITALIAN, PORTUGUESE)
}


def get_language(code: str) -> Language:
    """The language with ISO 639-1 `code`; ValueError naming the known ones otherwise."""
    try:
        return LANGUAGES[code]
    except KeyError:
        raise ValueError(f"unknown language {code!r}; known: {', '.join(LANGUAGES)}") from None


__all__ = ["LANGUAGES", "ROLES", "Language", "get_language"]
