"""Numbers, currencies and dates as invoices print them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extract_service.currency import currency_in, detect_currency
from extract_service.dates import find_date, numeric_order_on_page
from extract_service.fields import date_order_hint
from extract_service.numbers import (
    detect_decimal_mark,
    fraction_digits,
    parse_money,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1,234.56", None, "1234.56"),
        ("1.234,56", None, "1234.56"),
        ("1 234,56", None, "1234.56"),
        ("1\u00a0234,56", None, "1234.56"),
        ("1\u202f234,56", None, "1234.56"),
        ("1'234.56", None, "1234.56"),
        ("1\u2019234.56", None, "1234.56"),
        ("1234,56", None, "1234.56"),
        ("12,345,678.90", None, "12345678.90"),
        ("12.345.678,90", None, "12345678.90"),
        ("12.50", None, "12.50"),
        ("2.25", None, "2.25"),
        ("1,5", None, "1.5"),
        ("42", None, "42"),
        ("-12.50", None, "-12.50"),
        ("1,234", None, "1234"),
        ("1,234", ".", "1234"),
        ("1,234", ",", "1.234"),
        ("1.234", ".", "1.234"),
        ("1.234", ",", "1234"),
        ("1.234", None, "1234"),
        ("1,234,567", None, "1234567"),
    ],
)
def test_numbers_in_every_grouping_convention_are_parsed(
    text: str, mark: str | None, expected: str
) -> None:
    assert parse_number(text, mark) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["14.03.2025", "12-3456789", "SRV-116", "1,23,4", "12,3456.78", "abc", "", "1.2.3,4"]
)
def test_things_that_are_not_numbers_are_rejected(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EUR 1.234,56", "1234.56"),
        ("1.234,56 EUR", "1234.56"),
        ("$12.50", "12.50"),
        ("C$ 1,234.56", "1234.56"),
        ("£1,234.56", "1234.56"),
        ("¥12,500", "12500"),
        ("USD 99", "99"),
        ("-$5.00", "-5.00"),
    ],
)
def test_amounts_with_currency_marks_are_parsed(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


def test_item_code_is_not_read_as_a_negative_amount() -> None:
    assert parse_money("SRV-116") is None
    assert parse_money("EUR-116") is None


def test_printed_decimals_are_counted() -> None:
    assert fraction_digits("EUR 1.234,56") == 2
    assert fraction_digits("12,500") == 0
    assert fraction_digits("1.5") == 1


def test_european_page_has_a_decimal_comma() -> None:
    page = "Widget   3   1.234,56   3.703,68\nVAT (20%)   740,74\nCall 030 1234"
    assert detect_decimal_mark(page) == ","


def test_english_page_has_a_decimal_point() -> None:
    page = "Widget   3   1,234.56   3,703.68\nSales Tax (8.25%)   305.55"
    assert detect_decimal_mark(page) == "."


def test_swiss_and_space_grouped_pages_are_recognised() -> None:
    assert detect_decimal_mark("Total   CHF 1'234.50") == "."
    assert detect_decimal_mark("Total   12 345,50 SEK") == ","


def test_page_without_decimal_evidence_gives_no_mark() -> None:
    page = "Item   2   12,500   25,000\nDate 14.03.2025\nTotal   1,471,360"
    assert detect_decimal_mark(page) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total due EUR 1.234,56", "EUR"),
        ("Amount   $1,234.56", "USD"),
        ("Amount   C$1,234.56", "CAD"),
        ("Amount   CA$1,234.56", "CAD"),
        ("Amount   A$1,234.56", "AUD"),
        ("Amount   £1,234.56", "GBP"),
        ("Amount   ¥12,500", "JPY"),
        ("Price $12.00 ... Total CAD 48.00", "CAD"),
        ("Summa   1 234,56 SEK", "SEK"),
        ("Total   1,234.56", None),
        ("Subtotaal   Eur   319,03", "EUR"),  # a code as some systems print it
        # A bare "$" is the dollar of the one dollar country the page names.
        ("Total $30.00   www.greenacres.co.nz", "NZD"),
        ("Total $30.00   Melbourne, Australia", "AUD"),
        ("Total $30.00   Australia ... all prices are in US dollars", "USD"),
        ("Total $30.00   offices in Canada and Australia", "USD"),
        # ... or by a province or state before its postcode, a city, a domain.
        ("Total $64.53   152 LOUISA ST KITCHENER ON N2H 5M5", "CAD"),
        ("Total $64.53   http://www.kwhydro.on.ca", "CAD"),
        ("Total $30.00   Level 2, 1 Martin Pl, Sydney NSW 2000", "AUD"),
        ("Total $73.75   Ponsonby, Auckland 1011", "NZD"),
        ("Total $30.00   1 Main St, Austin, TX 78701", "USD"),
        ("Total $30.00   Ontario, CA 91761", "USD"),
        ("Total $30.00   Wellington, FL 33414", "USD"),
        ("DISTRIBUIDORA DEL NORTE SA 1234   Santiago, Chile   Total $ 5.000", "CLP"),
        ("Total 100 Australian dollars", "AUD"),
        # ... and the "$" of pesos: the country, or the tax number only it uses.
        ("C.U.I.T.: 20-12345678-3   Total $ 1.234,56", "ARS"),
        ("CUIT Nº: 23-12345678-9   Importe $ 1.234,56", "ARS"),
        ("Buenos Aires, Argentina   Total $ 1.234,56", "ARS"),
        ("Monterrey, N.L., México   Total $ 1,234.56", "MXN"),
        ("Santa Fe, New Mexico   Total $ 1,234.56", "USD"),
        ("Bogotá, Colombia   Total $ 1.234,56", "COP"),
        ("Santiago\nChile\nTotal $ 5.000", "CLP"),
        # ... but not a word that happens to be a country's name or a short code.
        ("Jambon cuit 12,99 $", "USD"),
        ("Hatch green chile   $ 45.00", "USD"),
        ("Colombian Supremo   $ 60.00", "USD"),
        ("Argentina Malbec   $ 15.00", "USD"),
        ("Ref.CL-2231   $ 3.00", "USD"),
        ("Santa Fe, Nuevo México   $ 4.00", "USD"),
    ],
)
def test_currency_is_detected_with_codes_preferred_over_symbols(
    text: str, expected: str | None
) -> None:
    assert detect_currency(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unit price ($)   Amount ($)\nWidget   2   4.00   8.00", "USD"),
        ("Total   12,99 $", "USD"),
        ("Saldo   NZ$-3.00", "NZD"),
        # A scan's misread letters and marks are not dollars.
        ("$s  um    i   $    e;   Material de Jardineria\nRecibí:   3 $", None),
        ("Rex-Rotay GET xerox $) ORISO   Total 72,70", None),
    ],
)
def test_a_dollar_sign_names_the_currency_only_beside_an_amount_or_as_a_unit(
    text: str, expected: str | None
) -> None:
    assert detect_currency(text) == expected


def test_currency_words_inside_other_words_are_ignored() -> None:
    assert detect_currency("EUROPA TRADING   USDA certified") is None
    assert currency_in("CHF") == "CHF"
    assert currency_in("none") is None


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-14",
        "14/03/2025",
        "03/14/2025",
        "14.03.2025",
        "14-03-2025",
        "March 14, 2025",
        "Mar 14, 2025",
        "14 March 2025",
        "14 Mar 2025",
        "14th March 2025",
        "Mar 14 2025",
        "14/03/25",
        "14-Mar-25",
        "14 Mar 25",
    ],
)
def test_dates_in_common_formats_are_read(text: str) -> None:
    found = find_date(text)
    assert found is not None
    assert found.value == dt.date(2025, 3, 14)
    assert not found.ambiguous


def test_ambiguous_slashed_date_follows_the_hint() -> None:
    us = find_date("04/05/2025", "mdy")
    world = find_date("04/05/2025", "dmy")
    assert us is not None and us.value == dt.date(2025, 4, 5) and not us.ambiguous
    assert world is not None and world.value == dt.date(2025, 5, 4) and not world.ambiguous


def test_ambiguous_date_without_a_hint_is_day_first_and_flagged() -> None:
    found = find_date("04/05/2025")
    assert found is not None
    assert found.value == dt.date(2025, 5, 4)
    assert found.ambiguous


def test_a_part_above_twelve_overrides_the_hint() -> None:
    day_first = find_date("13/04/2025", "mdy")
    month_first = find_date("04/13/2025", "dmy")
    assert day_first is not None and day_first.value == dt.date(2025, 4, 13)
    assert month_first is not None and month_first.value == dt.date(2025, 4, 13)


def test_dotted_dates_are_day_first_and_never_ambiguous() -> None:
    found = find_date("04.05.2025", "mdy")
    assert found is not None
    assert found.value == dt.date(2025, 5, 4)
    assert not found.ambiguous


def test_impossible_dates_are_not_dates() -> None:
    assert find_date("31/02/2025") is None
    assert find_date("2025-13-01") is None
    assert find_date("Net 30") is None
    # A two-digit "year" that runs on into a time or an amount is neither.
    assert find_date("3 mar 15:30") is None
    assert find_date("1 jan 15,00 EUR") is None


def test_an_unambiguous_date_settles_the_order_for_the_whole_page() -> None:
    assert numeric_order_on_page("Date 25/03/2025  Due 04/05/2025") == "dmy"
    assert numeric_order_on_page("Date 03/25/2025  Due 04/05/2025") == "mdy"
    assert numeric_order_on_page("Date 04/05/2025") is None
    assert numeric_order_on_page("Date 25/03/2025  Other 03/25/2025") is None


@pytest.mark.parametrize(
    ("text", "currency", "mark", "expected"),
    [
        ("Date 04/05/2025", "USD", ".", "mdy"),
        ("Date 04/05/2025", "GBP", ".", "dmy"),
        ("Date 04/05/2025", None, ",", "dmy"),
        ("Date 04/05/2025", None, ".", None),
        ("Date 04/05/2025  Due 28/05/2025", "USD", ".", "dmy"),
    ],
)
def test_page_hints_decide_the_day_month_order(
    text: str, currency: str | None, mark: str | None, expected: str | None
) -> None:
    assert date_order_hint(text, currency, mark) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31st Januray 2020", dt.date(2020, 1, 31)),
        ("Febuary 3, 2021", dt.date(2021, 2, 3)),
        ("10 Decmeber 2019", dt.date(2019, 12, 10)),
        ("4 Okotber 2022", dt.date(2022, 10, 4)),
        ("15 items 2024, delivered 31st Januray 2020", dt.date(2020, 1, 31)),
    ],
)
def test_a_month_name_misspelt_by_one_letter_is_still_read(text: str, expected: dt.date) -> None:
    found = find_date(text)
    assert found is not None and found.value == expected


@pytest.mark.parametrize("text", ["12 units 2020", "3 juxio 2024", "Total 2 pieces 2020"])
def test_words_that_are_no_month_or_could_be_two_give_no_date(text: str) -> None:
    assert find_date(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,86,760.00", Decimal("186760.00")),
        ("₹ 12,34,56,789.50", Decimal("123456789.50")),
        ("5,72,500/-", Decimal("572500")),
        ("1,234,567.00", Decimal("1234567.00")),
    ],
)
def test_indian_grouping_in_lakhs_and_crores(text: str, value: Decimal) -> None:
    assert parse_money(text) == value


@pytest.mark.parametrize("text", ["1,23,45", "12,3,456.00", "5,72,500/"])
def test_groups_that_are_no_convention_are_no_amount(text: str) -> None:
    assert parse_money(text) is None
