"""Layout text cut into rows of segments.

pypdf's layout mode places text at its horizontal position, so separate blocks or
table cells on one line are separated by runs of spaces, while words within one
cell (and digit groups such as "1 234,56") keep single spaces. A segment is a run
of text with no double space inside; its column span lets us ask what is printed
below a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract_service.numbers import normalize_text

_SEGMENT = re.compile(r"\S+(?: \S+)*")
# An amount with its cents, perhaps signed and with a currency symbol: "₹116.54", "-€3,63".
_AMOUNT = r"[-\u2212]?[₹$€£¥]?-?\d{1,3}(?:[.,'\u2019]?\d{3})*[.,]\d{2}[₹$€£¥]?"
# Two or more such amounts one space apart ("TOTAL:  ₹116.54 ₹764.00") are cells a tight
# table set side by side, not one value. ("1 234,56" is one: "1" has no cents.)
_AMOUNTS = re.compile(rf"{_AMOUNT}(?: {_AMOUNT})+")
_ONE_AMOUNT = re.compile(_AMOUNT)


@dataclass(frozen=True)
class Segment:
    """One run of text on one row, with its character columns [start, end)."""

    text: str
    row: int
    col: int
    start: int
    end: int

    def gap_to(self, other: Segment) -> int:
        """Horizontal distance in columns; 0 when the two spans overlap."""
        return max(0, max(self.start, other.start) - min(self.end, other.end))

    def overlap(self, other: Segment) -> int:
        """How many columns the two spans share."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


def page_rows(text: str) -> list[list[Segment]]:
    """Non-empty lines of `text`, each as its segments from left to right."""
    rows: list[list[Segment]] = []
    for line in normalize_text(text).expandtabs().splitlines():
        cells: list[tuple[str, int, int]] = []
        for a, b in (span for m in _SEGMENT.finditer(line) for span in _cells(m)):
            if line[a:b] == ":" and cells:
                # Colons set in a column of their own ("Invoice No.   :  GST/24/008",
                # "Date   :  29-06-2024") end the label to their left.
                text, start, end = cells[-1]
                cells[-1] = (text + ":", start, end)
            else:
                cells.append((line[a:b], a, b))
        if cells:
            row = len(rows)
            rows.append([Segment(t, row, col, a, b) for col, (t, a, b) in enumerate(cells)])
    return rows


def _cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """A run's span, or each amount's when the run is amounts side by side."""
    if not _AMOUNTS.fullmatch(match.group()):
        return [match.span()]
    return [
        (match.start() + m.start(), match.start() + m.end())
        for m in _ONE_AMOUNT.finditer(match.group())
    ]
