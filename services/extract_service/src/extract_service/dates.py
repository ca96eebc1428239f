"""Dates in the shapes invoices use, with a stated rule for day/month ambiguity.

Recognised: 2025-03-14 (and 2025/03/14, 2025.03.14), 14/03/2025, 03/14/2025, 14-03-2025, 14.03.2025,
March 14, 2025, Mar 14 2025, 14 March 2025, 14-Mar-2025, and month names in German,
French, Dutch, Spanish, Italian and Portuguese (3. März 2025, 14 mars 2025,
14 de marzo de 2025 ...); two-digit years too (14/03/25, 14-Mar-25).

A numeric date a/b/yyyy is resolved by, in order:
1. the numbers themselves: a part above 12 can only be the day;
2. dotted dates (14.03.2025) are day-first, as everywhere that writes them;
3. the caller's page-level hint (see `fields.date_order_hint`);
4. otherwise day-first, flagged as ambiguous so the caller can warn.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from extract_service.labels import fold

DateOrder = Literal["dmy", "mdy"]

# Month names and abbreviations in English, German, French, Dutch, Spanish, Italian and
# Portuguese, without accents (text is folded before matching: see labels.fold).
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janvier", "janv", "januari", "enero", "ene", "gennaio",
        "gen", "janeiro", "jaenner", "janner"),
    2: ("february", "feb", "februar", "fevrier", "fevr", "fev", "februari", "febrero",
        "febbraio", "fevereiro"),
    3: ("march", "mar", "marz", "maerz", "mars", "maart", "mrt", "marzo", "marco"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mei", "mayo", "maggio", "mag", "maio"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "set",
        "settembre", "setembro"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott",
         "outubro", "out"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre",
         "dezembro"),
}  # fmt: skip
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|e|eme|o|º|°)?"
_YEAR = r"(?P<year>\d{4})"
# "14 March 2025", "3. März 2025", "12 de marzo de 2024", "12-Mar-2024", "1er avril 2024".
_GLUE = r"(?:\s*[-/]\s*|\.?\s+(?:de\s+)?)"
_YEAR_GLUE = r"(?:\s*[-/]\s*|,?\s+(?:de\s+|del\s+)?)"

# Year first: 2025-03-14, and as some countries print it, 2025/03/14 or 2025.03.14.
_ISO = re.compile(
    r"(?<![\d.,/])(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\d.,/])"
)
_NUMERIC = re.compile(
    r"(?<![\d.,])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d])"
)
# With a month name, a two-digit year is still a date ("29-Nov-19", "28 Jan 15"), unless
# it runs on into a time or an amount ("3 mar 15:30", "1 jan 15,00").
_SHORT_OR_LONG_YEAR = r"(?P<year>\d{4}|\d{2}(?![.,:]\d))"
_DAY_MONTH = re.compile(
    rf"(?<!\w){_DAY}{_GLUE}{_MONTH}(?![a-z]){_YEAR_GLUE}{_SHORT_OR_LONG_YEAR}(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(rf"(?<![a-z]){_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}(?!\d)", re.IGNORECASE)
# A month name misspelt by one letter ("31st Januray 2020", OCR's "Septernber"): read
# only with a four-digit year, and only when no date is spelt right.
_WORD = r"(?P<word>[a-z]{5,10})"
_FUZZY = (
    re.compile(rf"(?<!\w){_DAY}{_GLUE}{_WORD}\.?{_YEAR_GLUE}{_YEAR}(?!\d)"),
    re.compile(rf"(?<![a-z]){_WORD}\s+{_DAY}\s*,?\s+{_YEAR}(?!\d)"),
)
_FULL_NAMES = {name: number for name, number in _MONTHS.items() if len(name) >= 5}


def _one_slip(a: str, b: str) -> bool:
    """Whether `a` is `b` with one letter changed, added, dropped, or two swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _misspelt_month(word: str) -> int | None:
    months = {number for name, number in _FULL_NAMES.items() if _one_slip(word, name)}
    return months.pop() if len(months) == 1 else None


@dataclass(frozen=True)
class FoundDate:
    """A date read from text; `ambiguous` when day and month could be swapped."""

    value: dt.date
    text: str
    ambiguous: bool


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int:
    year = int(text)
    # Two-digit years on invoices are this century's.
    return year + 2000 if year < 100 else year


def _numeric(match: re.Match[str], hint: DateOrder | None) -> FoundDate | None:
    a, b, year = int(match["a"]), int(match["b"]), _year(match["year"])
    ambiguous = False
    if a > 12 >= b:
        order: DateOrder = "dmy"
    elif b > 12 >= a:
        order = "mdy"
    elif match["sep"] == ".":
        order = "dmy"
    elif a == b:
        order = "dmy"  # 05/05/2025 reads the same either way
    elif hint is not None:
        order = hint
    else:
        order, ambiguous = "dmy", True
    day, month = (a, b) if order == "dmy" else (b, a)
    value = _make(year, month, day)
    return FoundDate(value, match.group(), ambiguous) if value else None


def find_date(text: str, hint: DateOrder | None = None) -> FoundDate | None:
    """The first date in `text`, resolving day/month order with `hint` if needed."""
    found: list[tuple[int, FoundDate]] = []
    if match := _ISO.search(text):
        value = _make(int(match["year"]), int(match["a"]), int(match["b"]))
        if value:
            found.append((match.start(), FoundDate(value, match.group(), False)))
    if (match := _NUMERIC.search(text)) and (numeric := _numeric(match, hint)):
        found.append((match.start(), numeric))
    folded = fold(text)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        if match := pattern.search(folded):
            month = _MONTHS[match["month"]]
            value = _make(_year(match["year"]), month, int(match["day"]))
            if value:
                found.append((match.start(), FoundDate(value, match.group(), False)))
    if not found:
        for pattern in _FUZZY:  # the first candidate that is a month, not merely the first
            for match in pattern.finditer(folded):
                slip = _misspelt_month(match["word"])
                value = _make(int(match["year"]), slip, int(match["day"])) if slip else None
                if value:
                    found.append((match.start(), FoundDate(value, match.group(), False)))
                    break
    return min(found, key=lambda pair: pair[0])[1] if found else None


def numeric_order_on_page(text: str) -> DateOrder | None:
    """The order the page's slashed or dashed dates settle among themselves.

    One date such as 25/03/2025 shows the page writes day-first, so 04/05/2025 on
    the same page is the 4th of May. Conflicting evidence gives no answer.
    """
    orders: set[Literal["dmy", "mdy"]] = set()
    for match in _NUMERIC.finditer(text):
        if match["sep"] == ".":
            continue
        a, b = int(match["a"]), int(match["b"])
        if a > 12 >= b:
            orders.add("dmy")
        elif b > 12 >= a:
            orders.add("mdy")
    return orders.pop() if len(orders) == 1 else None
