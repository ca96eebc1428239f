"""OCR words as layout text: the shape `pdf_text.page_text` gives, so one parser reads both.

Layout text has one line per visual line and keeps horizontal position in character
columns; a phrase's words are single-spaced and separate blocks or table cells are
set apart by runs of spaces (see `segments`). An OCR engine gives words with pixel
boxes instead, grouped into lines per text block, so blocks that sit side by side
come out as separate lines. Here they are merged back into visual rows, words are
joined into phrases by the width of the gaps between them, and each phrase is
placed at the column its left edge falls in on a grid of the page's typical
character width.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# A gap wider than this many word heights is between two cells, not two words. An
# ordinary space is about half the height of the capitals around it, a gap between
# columns several.
_PHRASE_GAP = 0.9
# Lines that overlap vertically by this fraction of the shorter one's height are on
# the same visual row (a large title beside small text shares its band).
_SAME_ROW = 0.5


@dataclass(frozen=True)
class Word:
    """One recognised word and its box in pixels; `line` names the engine's line."""

    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, ...] = ()

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass
class _Row:
    """Words on one visual row, and the vertical band they cover."""

    words: list[Word]

    @property
    def top(self) -> int:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> int:
        return max(word.top + word.height for word in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    def can_take(self, line: _Row) -> bool:
        """Whether `line` shares this row's band and none of its columns."""
        overlap = min(self.bottom, line.bottom) - max(self.top, line.top)
        shorter = min(self.bottom - self.top, line.bottom - line.top)
        if overlap < _SAME_ROW * shorter:
            return False
        left, right = min(w.left for w in line.words), max(w.right for w in line.words)
        return all(word.right <= left or word.left >= right for word in self.words)


def layout_text(words: Sequence[Word]) -> str:
    """The words as layout text: rows top to bottom, phrases at their columns."""
    words = [word for word in words if word.text.strip() and word.width > 0]
    if not words:
        return ""
    char_width = _char_width(words)
    margin = min(word.left for word in words)
    rows = _rows(words)
    pitch = _row_pitch(rows)
    lines: list[str] = []
    for index, row in enumerate(rows):
        if index and pitch:
            # Blank lines for vertical space, as layout mode keeps it.
            gap_rows = round((row.middle - rows[index - 1].middle) / pitch) - 1
            lines += [""] * max(0, gap_rows)
        lines.append(_row_text(row.words, char_width, margin))
    return "\n".join(lines) + "\n"


def _char_width(words: Sequence[Word]) -> float:
    """The page's typical character advance in pixels, from the words' own boxes.

    Ink boxes lack the side bearings, so this comes out slightly small: text then
    takes fewer columns than its place on the grid allows, and never pushes the next
    phrase out of its column.
    """
    widths = [word.width / len(word.text) for word in words if len(word.text.strip()) >= 2]
    return statistics.median(widths or [word.width / len(word.text) for word in words])


def _rows(words: Sequence[Word]) -> list[_Row]:
    """Visual rows top to bottom: the engine's lines, merged when side by side."""
    by_line: dict[tuple[int, ...], list[Word]] = {}
    for order, word in enumerate(words):
        # Words without an engine line each start as their own line.
        by_line.setdefault(word.line or (-1, order), []).append(word)
    lines = sorted((_Row(members) for members in by_line.values()), key=lambda row: row.top)
    rows: list[_Row] = []
    for line in lines:
        # Only recent rows can still overlap: lines arrive top first.
        row = next((row for row in reversed(rows[-4:]) if row.can_take(line)), None)
        if row is None:
            rows.append(line)
        else:
            row.words += line.words
    rows.sort(key=lambda row: row.middle)
    return rows


def _row_pitch(rows: Sequence[_Row]) -> float:
    """The usual distance between consecutive rows: one line of layout text."""
    steps = [after.middle - before.middle for before, after in itertools.pairwise(rows)]
    return statistics.median(steps) if steps else 0.0


def _phrases(words: Sequence[Word]) -> list[list[Word]]:
    """A row's words left to right, grouped where the gaps are word spaces."""
    phrases: list[list[Word]] = []
    for word in sorted(words, key=lambda word: word.left):
        if phrases:
            previous = phrases[-1][-1]
            gap = word.left - previous.right
            if gap <= _PHRASE_GAP * max(word.height, previous.height):
                phrases[-1].append(word)
                continue
        phrases.append([word])
    return phrases


def _row_text(words: Sequence[Word], char_width: float, margin: int) -> str:
    text = ""
    for phrase in _phrases(words):
        column = round((phrase[0].left - margin) / char_width)
        if text:
            # Never closer than two spaces to the previous phrase: they stay apart.
            column = max(column, len(text) + 2)
        text = text.ljust(column) + " ".join(word.text.strip() for word in phrase)
    return text
