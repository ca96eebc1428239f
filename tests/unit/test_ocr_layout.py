"""OCR words become layout text that the field parser reads like pypdf's layout mode."""

from __future__ import annotations

from decimal import Decimal

from extract_service.fields import parse_page
from extract_service.ocr import parse_tsv
from extract_service.ocr_layout import Word, layout_text
from extract_service.segments import page_rows

CHAR = 20  # pixels per character column in the drawn pages below
PITCH = 60  # pixels per text line

PAGE = """\
Northwind Traders Ltd                                INVOICE
12 Harbour Road                                      Invoice No.:    INV-2025-0042
London EC1A 1BB                                      Invoice Date:   14/03/2025

Bill To:
Contoso Ltd

Description                          Qty     Unit Price       Amount
Consulting services                    3         120.00       360.00
Printer toner, black                  12          45.50       546.00

                                          Subtotal            906.00
                                          VAT (20%)           181.20
                                          Total Due       GBP 1,087.20
"""


def drawn(text: str, line_of_phrase: bool = False) -> list[Word]:
    """Words as an engine would box them on a page printed from `text`: every
    character CHAR pixels wide, ink a little narrower than the advance."""
    words = []
    for row, line in enumerate(text.splitlines()):
        block = 0
        for col, char in enumerate(line):
            if char != " " and (col == 0 or line[col - 1] == " "):
                if col >= 2 and line[col - 2 : col] == "  ":
                    block += 1
                token = line[col:].split(" ", 1)[0]
                # Either one engine line per visual line, or one per phrase (as when
                # the engine sees side-by-side blocks).
                key = (row, block) if line_of_phrase else (row,)
                words.append(Word(token, col * CHAR, row * PITCH, len(token) * CHAR - 4, 30, key))
    return words


def test_a_drawn_page_comes_back_as_the_segments_it_was_drawn_from() -> None:
    drawn_rows = page_rows(PAGE)
    for line_of_phrase in (False, True):
        text = layout_text(drawn(PAGE, line_of_phrase))
        assert len(text.splitlines()) == len(PAGE.splitlines())  # blank lines kept
        rows = page_rows(text)
        assert [[s.text for s in row] for row in rows] == [
            [s.text for s in row] for row in drawn_rows
        ]
        # Columns may be rescaled (the character width is estimated from ink), but
        # text that started in one column still does, and order is kept.
        starts = {
            (a.start, b.start)
            for drawn_row, row in zip(drawn_rows, rows, strict=True)
            for a, b in zip(drawn_row, row, strict=True)
        }
        by_drawn = dict(starts)
        assert len(by_drawn) == len(starts)
        assert sorted(by_drawn.values()) == [by_drawn[start] for start in sorted(by_drawn)]


def test_words_of_a_phrase_are_single_spaced_and_columns_set_apart() -> None:
    words = [
        Word("Unit", 0, 0, 76, 30),
        Word("Price", 100, 0, 96, 30),  # a word space: 24 px
        Word("Amount", 400, 0, 116, 30),  # a column gap: 204 px
    ]
    assert [s.text for s in page_rows(layout_text(words))[0]] == ["Unit Price", "Amount"]


def test_a_value_printed_under_its_label_shares_its_columns() -> None:
    text = layout_text(drawn("Invoice Date      Due Date\n14/03/2025        13/04/2025"))
    labels, values = page_rows(text)
    assert [s.start for s in labels] == [s.start for s in values]


def test_side_by_side_lines_become_one_row_in_left_to_right_order() -> None:
    # The engine gives the right-hand block first and as separate lines.
    words = [
        Word("Date:", 1000, 5, 100, 30, (2, 1, 1)),
        Word("From:", 0, 0, 100, 30, (1, 1, 1)),
        Word("14/03/2025", 1300, 5, 200, 30, (2, 1, 1)),
    ]
    assert layout_text(words).split() == ["From:", "Date:", "14/03/2025"]
    assert len(layout_text(words).splitlines()) == 1


def test_a_large_title_beside_small_text_shares_its_row() -> None:
    words = [Word("From:", 0, 0, 90, 27, (1,)), Word("INVOICE", 1300, 3, 250, 55, (2,))]
    assert len(layout_text(words).strip().splitlines()) == 1


def test_stacked_lines_in_one_column_stay_apart_even_when_tight() -> None:
    words = [Word("Rosewood", 0, 0, 160, 30, (1,)), Word("Retail", 0, 18, 120, 30, (2,))]
    assert layout_text(words).split("\n")[:2] == ["Rosewood", "Retail"]


def test_vertical_space_becomes_blank_lines() -> None:
    words = drawn("a\nb\nc\n\n\nd")
    assert layout_text(words) == "a\nb\nc\n\n\nd\n"


def test_no_words_is_no_text() -> None:
    assert layout_text([]) == ""
    assert layout_text([Word("  ", 0, 0, 10, 10)]) == ""


def test_the_parser_reads_fields_from_drawn_words() -> None:
    parsed = parse_page(layout_text(drawn(PAGE, line_of_phrase=True)))
    assert parsed.fields.invoice_number == "INV-2025-0042"
    assert parsed.fields.customer_name == "Contoso Ltd"
    assert parsed.fields.total == Decimal("1087.20")
    assert [item.amount for item in parsed.line_items] == [Decimal("360.00"), Decimal("546.00")]


def test_tesseract_tsv_gives_words_with_boxes_and_lines() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\t"
    header += "left\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
        "4\t1\t2\t1\t3\t0\t190\t320\t600\t30\t-1\t",
        "5\t1\t2\t1\t3\t1\t191\t321\t126\t28\t96.5\tInvoice",
        "5\t1\t2\t1\t3\t2\t332\t321\t138\t28\t95.1\tNumber",
        "5\t1\t2\t1\t3\t3\t500\t321\t10\t28\t10.0\t ",
    ]
    assert parse_tsv("\n".join([header, *rows])) == [
        Word("Invoice", 191, 321, 126, 28, (2, 1, 3)),
        Word("Number", 332, 321, 138, 28, (2, 1, 3)),
    ]
