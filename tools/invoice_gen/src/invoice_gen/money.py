"""How a currency is attached to an amount: symbol, ISO code or word, before or after."""

from __future__ import annotations

CURRENCY_FORMATS = (
    "symbol_before",  # €1,234.56 ($, £ and € directly before the number)
    "symbol_before_space",  # € 1.234,56
    "symbol_after",  # 1.234,56 €
    "code_before",  # EUR 1.234,56
    "code_after",  # 1.234,56 EUR
    "word",  # 1.234,56 euros
)

# Forms short enough to repeat on every line-item price.
LINE_CURRENCY_FORMATS = frozenset({"symbol_before", "symbol_before_space", "symbol_after"})


def with_currency(amount: str, form: str, *, code: str, symbol: str, word: str | None) -> str:
    """`amount` (already formatted) with the currency written in `form`."""
    match form:
        case "symbol_before":
            # An abbreviation such as "Fr." reads as a word and needs its space.
            gap = " " if symbol[-1] == "." else ""
            return f"{symbol}{gap}{amount}"
        case "symbol_before_space":
            return f"{symbol} {amount}"
        case "symbol_after":
            return f"{amount} {symbol}"
        case "code_before":
            return f"{code} {amount}"
        case "code_after":
            return f"{amount} {code}"
        case "word":
            if word is None:
                raise ValueError(f"no word for {code}")
            return f"{amount} {word}"
    raise ValueError(f"unknown currency format {form!r}; known: {', '.join(CURRENCY_FORMATS)}")
