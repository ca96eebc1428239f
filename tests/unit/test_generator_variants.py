"""Localised invoices: languages, number, date and currency formats, layouts.

The generator's truth must be what the page shows, so most tests read the text
layer back (pypdf for text, PDFium for where text sits) and look for every truth
value written the way the variant says it is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from invoice_gen import GeneratedInvoice, Variant, generate_invoice
from invoice_gen.fonts import MissingFontError, find_unicode_font
from invoice_gen.formatting import NUMBER_STYLES, format_number, format_quantity
from invoice_gen.languages import LANGUAGES, get_language
from invoice_gen.money import with_currency
from invoice_gen.variant_generator import RenderedVariant, render_variant
from invoice_gen.variants import (
    HEADER_STYLES,
    PARTY_PLACEMENTS,
    TOTALS_STYLES,
    localized_date,
    market_of,
    resolve_variant,
)

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _box(pdf: bytes, text: str, page: int = 0) -> Box:
    """Where `text` first occurs on `page` (case-sensitive)."""
    textpage = pdfium.PdfDocument(pdf)[page].get_textpage()
    found = textpage.search(text, match_case=True).get_next()
    assert found is not None, f"{text!r} is not on page {page + 1}"
    first, count = found
    left, bottom, _, top = textpage.get_charbox(first)
    _, _, right, _ = textpage.get_charbox(first + count - 1)
    return left, bottom, right, top


def _money(generated: GeneratedInvoice, value: Decimal) -> str:
    assert generated.variant is not None and generated.variant.number_format is not None
    return format_number(value, NUMBER_STYLES[generated.variant.number_format], 2)


def _variant(language: str, **fields: str | bool) -> Variant:
    return Variant(language, **fields)  # type: ignore[arg-type]


# -- the classic look is untouched -----------------------------------------------

# Digests of classic invoices made before variants existed: the default output
# must not change, because other tests and the committed demo data rely on it.
CLASSIC_DIGESTS = {
    (0, 1, False): "95f320911b9e3a5ee718dea6cde21fc4e0a9004d17d6f75b278145495c392182",
    (1, 2, False): "396e6f9d154a6f8afe20af267ef5cb920b7f20fa2e4c228aa5399054ddfc6eb8",
    (7, 1, False): "13b512fc870f96f4b68de0f6d9b0914c5cdbb4d6b0f365e30dbadb3c6bd0465b",
    (5, 3, True): "a524ab719573295b52a47e38dcef4567852ec26d81cbfcf775401a33ea1be7f3",
}


@pytest.mark.parametrize(("seed", "pages", "inconsistent"), list(CLASSIC_DIGESTS))
def test_without_a_variant_the_classic_bytes_are_unchanged(
    seed: int, pages: int, inconsistent: bool
) -> None:
    generated = generate_invoice(seed, pages, inconsistent=inconsistent)
    digest = hashlib.sha256(generated.pdf).hexdigest()
    assert digest == CLASSIC_DIGESTS[(seed, pages, inconsistent)]
    assert generated.variant is None and generated.language == "en"


# -- formats, with the expected strings written out --------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("comma_dot", "1,234,567.50"),
        ("dot_comma", "1.234.567,50"),
        ("space_comma", "1\u00a0234\u00a0567,50"),
        ("narrow_space_comma", "1\u202f234\u202f567,50"),
        ("ascii_space_comma", "1 234 567,50"),
        ("apos_dot", "1'234'567.50"),
        ("plain_dot", "1234567.50"),
        ("plain_comma", "1234567,50"),
    ],
)
def test_number_formats(style: str, expected: str) -> None:
    assert format_number(Decimal("1234567.5"), NUMBER_STYLES[style], 2) == expected


@pytest.mark.parametrize(
    ("form", "symbol", "word", "expected"),
    [
        ("symbol_before", "€", None, "€1.234,56"),
        ("symbol_before", "Fr.", None, "Fr. 1.234,56"),
        ("symbol_before_space", "€", None, "€ 1.234,56"),
        ("symbol_after", "€", None, "1.234,56 €"),
        ("code_before", "€", None, "EUR 1.234,56"),
        ("code_after", "€", None, "1.234,56 EUR"),
        ("word", "€", "euros", "1.234,56 euros"),
    ],
)
def test_currency_formats(form: str, symbol: str, word: str | None, expected: str) -> None:
    assert with_currency("1.234,56", form, code="EUR", symbol=symbol, word=word) == expected


@pytest.mark.parametrize(
    ("language", "fmt", "day", "expected"),
    [
        ("en", "dmy_long", dt.date(2024, 3, 12), "12 March 2024"),
        ("en", "mdy_long", dt.date(2024, 3, 12), "March 12, 2024"),
        ("en", "mdy_abbr", dt.date(2024, 3, 12), "Mar 12, 2024"),
        ("de", "dmy_long", dt.date(2024, 3, 3), "3. März 2024"),
        ("de", "dmy_abbr", dt.date(2024, 9, 3), "3. Sept. 2024"),
        ("fr", "dmy_long", dt.date(2024, 3, 12), "12 mars 2024"),
        ("fr", "dmy_long", dt.date(2024, 3, 1), "1er mars 2024"),
        ("fr", "dmy_abbr", dt.date(2024, 2, 5), "5 févr. 2024"),
        ("nl", "dmy_long", dt.date(2024, 3, 12), "12 maart 2024"),
        ("nl", "dmy_abbr", dt.date(2024, 3, 12), "12 mrt. 2024"),
        ("es", "dmy_long", dt.date(2024, 3, 12), "12 de marzo de 2024"),
        ("it", "dmy_long", dt.date(2024, 3, 12), "12 marzo 2024"),
        ("pt", "dmy_long", dt.date(2024, 3, 12), "12 de março de 2024"),
        ("de", "dmy_dot", dt.date(2024, 3, 5), "05.03.2024"),
        ("fr", "dmy_slash", dt.date(2024, 3, 5), "05/03/2024"),
        ("nl", "dmy_dash", dt.date(2024, 3, 5), "05-03-2024"),
        ("en", "mdy_slash", dt.date(2024, 3, 5), "03/05/2024"),
        ("en", "mdy_dash", dt.date(2024, 3, 5), "03-05-2024"),
        ("en", "mdy_dot", dt.date(2024, 3, 5), "03.05.2024"),
        ("pt", "iso", dt.date(2024, 3, 5), "2024-03-05"),
        ("es", "ymd_slash", dt.date(2024, 3, 5), "2024/03/05"),
        ("de", "ymd_dot", dt.date(2024, 3, 5), "2024.03.05"),
    ],
)
def test_date_formats(language: str, fmt: str, day: dt.date, expected: str) -> None:
    assert localized_date(day, fmt, get_language(language)) == expected


def test_month_first_dates_are_only_for_languages_that_write_them() -> None:
    with pytest.raises(ValueError, match="month first"):
        localized_date(dt.date(2024, 3, 5), "mdy_long", get_language("de"))
    with pytest.raises(ValueError, match="month first"):
        generate_invoice(1, 1, variant=_variant("de", date_format="mdy_abbr"))


# -- choosing a variant ------------------------------------------------------------


def test_resolving_fills_every_field_and_is_stable() -> None:
    resolved = resolve_variant(12, Variant("fr"))
    assert all(value is not None for value in resolved.names().values())
    assert market_of(resolved).language == "fr"
    assert resolve_variant(12, resolved) == resolved
    # Passing the resolved variant back reproduces the invoice.
    assert (
        generate_invoice(12, 1, variant=resolved).pdf
        == generate_invoice(12, 1, variant=Variant("fr")).pdf
    )


def test_fixing_one_choice_keeps_the_seeds_other_choices() -> None:
    drawn = resolve_variant(5, Variant("de"))
    other_header = next(style for style in HEADER_STYLES if style != drawn.header)
    fixed = resolve_variant(5, Variant("de", header=other_header))
    assert fixed.header == other_header
    assert fixed.names() | {"header": drawn.header} == drawn.names()


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        (Variant("xx"), "unknown language"),
        (Variant("de", market="fr-FR"), "unknown market"),
        (_variant("en", header="diagonal"), "unknown header style"),
        (_variant("en", number_format="roman"), "unknown number format"),
        (_variant("nl", currency_format="word", market="nl-NL", number_format="dot_comma"), ""),
    ],
)
def test_unknown_choices_are_rejected(variant: Variant, message: str) -> None:
    if not message:  # a valid request, as a control
        generate_invoice(1, 1, variant=variant)
        return
    with pytest.raises(ValueError, match=message):
        generate_invoice(1, 1, variant=variant)


def test_the_seed_draws_every_language_market_and_style() -> None:
    resolved = [
        resolve_variant(seed, Variant(language)) for seed in range(40) for language in LANGUAGES
    ]
    assert {variant.market for variant in resolved} >= {"de-DE", "de-CH", "fr-FR", "en-US", "pt-PT"}
    for field, options in (
        ("header", HEADER_STYLES),
        ("parties", PARTY_PLACEMENTS),
        ("totals", TOTALS_STYLES),
    ):
        assert {getattr(variant, field) for variant in resolved} == set(options), field
    assert len({variant.number_format for variant in resolved}) >= 6
    assert len({variant.date_format for variant in resolved}) >= 9
    assert len({variant.currency_format for variant in resolved}) == 6


# -- the page shows the truth --------------------------------------------------------

PRINT_CASES = [(language, seed) for language in LANGUAGES for seed in (2, 9, 31)]


@pytest.mark.parametrize(("language", "seed"), PRINT_CASES)
def test_every_truth_value_is_printed_as_the_variant_writes_it(language: str, seed: int) -> None:
    generated = generate_invoice(seed, 1 + seed % 2, variant=Variant(language))
    variant, truth = generated.variant, generated.truth
    assert variant is not None and variant.date_format is not None
    text = _text(generated.pdf)
    context = generated.summary
    lang = get_language(language)
    for field in (truth.invoice_number, truth.vendor_name, truth.customer_name):
        assert field is not None and field in text, context
    for day in (truth.invoice_date, truth.due_date):
        if day is not None:
            assert localized_date(day, variant.date_format, lang) in text, context
    style = NUMBER_STYLES[variant.number_format or ""]
    for item, lines in zip(truth.line_items, generated.description_lines, strict=True):
        assert " ".join(lines) == item.description
        assert all(line in text for line in lines), (lines, context)
        assert format_quantity(item.quantity, style) in text, context
        assert _money(generated, item.unit_price) in text, context
        assert _money(generated, item.amount) in text, context
    market = market_of(variant)
    word = lang.currency_word(market.currency) if variant.currency_format == "word" else None
    for value in (truth.subtotal, truth.tax, truth.total):
        assert value is not None
        printed = with_currency(
            _money(generated, value),
            variant.currency_format or "",
            code=market.currency,
            symbol=market.symbol,
            word=word,
        )
        assert printed in text, (printed, context)
    assert truth.currency == market.currency
    assert any(title in text for title in lang.titles), context
    if language != "en":
        assert "Invoice" not in text and "Due Date" not in text, context


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_localised_amounts_add_up_and_dates_are_real(language: str) -> None:
    for seed in range(6):
        truth = generate_invoice(seed, 2, variant=Variant(language)).truth
        for item in truth.line_items:
            exact = (item.quantity * item.unit_price).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            assert item.amount == exact
        assert truth.subtotal == sum(item.amount for item in truth.line_items)
        assert truth.subtotal is not None and truth.tax is not None
        assert truth.total == truth.subtotal + truth.tax
        assert isinstance(truth.invoice_date, dt.date)
        assert truth.due_date is None or truth.due_date > truth.invoice_date


def test_an_inconsistent_localised_invoice_prints_its_wrong_total() -> None:
    generated = generate_invoice(3, 1, variant=Variant("it"), inconsistent=True)
    truth = generated.truth
    assert truth.subtotal is not None and truth.tax is not None and truth.total is not None
    assert truth.total != truth.subtotal + truth.tax
    assert len(truth.warnings) == 1
    assert _money(generated, truth.total) in _text(generated.pdf)


def test_localised_invoices_are_deterministic_and_seeds_differ() -> None:
    first = generate_invoice(21, 2, variant=Variant("nl"))
    again = generate_invoice(21, 2, variant=Variant("nl"))
    assert first.pdf == again.pdf and first.truth == again.truth
    assert len({generate_invoice(seed, 1, variant=Variant("nl")).pdf for seed in range(5)}) == 5


@pytest.mark.parametrize("pages", [1, 3])
def test_a_localised_invoice_has_the_requested_pages(pages: int) -> None:
    generated = generate_invoice(8, pages, variant=Variant("es"))
    assert len(PdfReader(io.BytesIO(generated.pdf)).pages) == pages
    assert generated.truth.page_count == pages


def test_a_narrow_no_break_space_is_drawn_with_a_unicode_font() -> None:
    find_unicode_font()  # installed by `make install` (scripts/install-ocr.sh)
    generated = generate_invoice(4, 1, variant=_variant("fr", number_format="narrow_space_comma"))
    assert generated.truth.total is not None and generated.truth.total >= 1000
    assert "\u202f" in _money(generated, generated.truth.total)
    assert _money(generated, generated.truth.total) in _text(generated.pdf)


def test_a_missing_unicode_font_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("invoice_gen.fonts.FONT_DIRS", ())
    with pytest.raises(MissingFontError, match="fonts-dejavu-core"):
        generate_invoice(4, 1, variant=_variant("fr", number_format="narrow_space_comma"))
    # Formats inside Windows-1252 need no extra font.
    generate_invoice(4, 1, variant=_variant("fr", number_format="space_comma"))


# -- layouts, checked by where text sits ---------------------------------------------


def _render(seed: int, language: str = "en", **fields: str | bool) -> RenderedVariant:
    return render_variant(seed, 1, _variant(language, **fields), inconsistent=False)


@pytest.mark.parametrize("header", ["table", "stacked"])
def test_values_can_sit_below_their_labels(header: str) -> None:
    rendered = _render(6, "de", header=header)
    label = _box(rendered.pdf, rendered.layout.number_label)
    value = _box(rendered.pdf, rendered.content.number)
    assert value[3] < label[1], "the value's top is below the label's bottom"
    assert abs(value[0] - label[0]) < 2, "value and label start at the same x"


def test_labels_can_be_right_aligned_with_values_to_their_right() -> None:
    rendered = _render(6, "fr", header="grid_right")
    number_label = _box(rendered.pdf, rendered.layout.number_label)
    date_label = _box(rendered.pdf, rendered.layout.date_label)
    value = _box(rendered.pdf, rendered.content.number)
    assert number_label[2] < value[0]
    assert abs(number_label[1] - value[1]) < 1, "label and value share a baseline"
    # Right-aligned: labels of different lengths end at the same x (colon or not).
    assert abs(number_label[2] - date_label[2]) < 4
    assert abs(number_label[0] - date_label[0]) > 1 or len(rendered.layout.number_label) == len(
        rendered.layout.date_label
    )


@pytest.mark.parametrize("side", ["left", "right"])
def test_the_vendor_can_head_either_side(side: str) -> None:
    rendered = _render(2, "nl", vendor_side=side, parties="below_left")
    vendor = _box(rendered.pdf, rendered.content.vendor.name)
    title = _box(rendered.pdf, rendered.layout.title)
    middle = pdfium.PdfDocument(rendered.pdf)[0].get_size()[0] / 2
    assert (vendor[2] < middle) == (side == "left")
    assert (title[0] > middle) == (side == "left")


def test_the_customer_can_sit_right_or_in_an_address_window() -> None:
    right = _render(3, "it", parties="below_right", vendor_side="left")
    middle = pdfium.PdfDocument(right.pdf)[0].get_size()[0] / 2
    assert _box(right.pdf, right.content.customer.name)[0] > middle

    window = _render(3, "de", parties="window", header="grid", vendor_side="right")
    customer = _box(window.pdf, window.content.customer.name)
    number = _box(window.pdf, window.content.number)
    vendor = _box(window.pdf, window.content.vendor.name)
    assert customer[0] < middle < number[0], "customer left, invoice data right"
    assert customer[3] < vendor[1], "the window is below the letterhead"
    # The invoice data sits beside the window, not above or below it.
    assert abs(customer[1] - number[1]) < 40


def test_totals_can_be_the_tables_last_rows() -> None:
    # The code before the number, so totals and line amounts end in the same digit column.
    rendered = _render(10, "pt", totals="in_table", currency_format="code_before")
    subtotal = _box(rendered.pdf, rendered.layout.subtotal_label)
    last_item = rendered.content.items[-1]
    style = rendered.layout.number_style
    amount = _box(rendered.pdf, format_number(last_item.amount, style, 2))
    total_text = format_number(rendered.content.total, style, 2)
    total = _box(rendered.pdf, total_text)
    tax = _box(rendered.pdf, rendered.layout.tax_label)
    assert abs(total[2] - amount[2]) < 1, "totals share the amount column's right edge"
    # Inside the table: the subtotal row follows the last item row (a gap of
    # 8 mm baseline to baseline, against 11.5 mm for the block below the table) ...
    assert amount[1] - subtotal[1] < 25
    # ... and its labels are right-aligned against the amount column.
    assert abs(subtotal[2] - tax[2]) < 1 and abs(subtotal[0] - tax[0]) > 5
    assert subtotal[2] < total[0]


@pytest.mark.parametrize(
    ("header", "parties", "totals"),
    list(itertools.product(HEADER_STYLES, PARTY_PLACEMENTS, TOTALS_STYLES)),
)
def test_every_layout_combination_fits_its_pages(header: str, parties: str, totals: str) -> None:
    # Letter pages are the shortest; long descriptions make the tallest tables.
    variant = _variant(
        "en",
        market="en-US",
        header=header,
        parties=parties,
        totals=totals,
        long_descriptions=True,
    )
    generated = generate_invoice(len(header) + len(parties), 2, variant=variant)
    assert generated.truth.total is not None
    assert _money(generated, generated.truth.total) in _text(generated.pdf)


def test_long_descriptions_wrap_over_two_or_three_lines() -> None:
    wrapped = 0
    for seed in range(8):
        generated = generate_invoice(seed, 1, variant=_variant("de", long_descriptions=True))
        lines_of_text = _text(generated.pdf).splitlines()
        for item, lines in zip(
            generated.truth.line_items, generated.description_lines, strict=True
        ):
            assert 1 <= len(lines) <= 3
            if len(lines) > 1:
                wrapped += 1
                # The page never shows the whole description on one line.
                assert not any(item.description in line for line in lines_of_text)
    assert wrapped >= 8
