"""Field extraction from hand-written page texts, in the shape pypdf's layout mode gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from fpdf import FPDF

from extract_service.fields import NO_TEXT_WARNING, parse_page
from extract_service.pdf_text import page_text
from invoice_shared.models import InvoiceFields, LineItem

GRID_PAGE = """\
Northwind Traders Ltd                                         INVOICE
12 Harbour Road
London EC1A 1BB                                               Invoice No.:       INV-2025-0042
VAT No.: GB123456789                                          Invoice Date:      14/03/2025
                                                              Due Date:          13/04/2025

Bill To:
Contoso Ltd
221 Market Street

Description                              Qty        Unit Price          Amount
Consulting services                        3            120.00          360.00
Printer toner, black                      12             45.50          546.00

                                                   Subtotal              906.00
                                                   VAT (20%)             181.20
                                                   Total Due         GBP 1,087.20

Payment terms: Net 30
"""


def _page(text: str) -> tuple[InvoiceFields, list[LineItem], list[str]]:
    parsed = parse_page(text)
    return parsed.fields, parsed.line_items, parsed.warnings


def test_a_label_value_grid_gives_every_header_field() -> None:
    fields, items, warnings = _page(GRID_PAGE)
    assert fields.invoice_number == "INV-2025-0042"
    assert fields.invoice_date == dt.date(2025, 3, 14)
    assert fields.due_date == dt.date(2025, 4, 13)
    assert fields.vendor_name == "Northwind Traders Ltd"
    assert fields.customer_name == "Contoso Ltd"
    assert fields.currency == "GBP"
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("906.00"),
        Decimal("181.20"),
        Decimal("1087.20"),
    )
    assert items == [
        LineItem(
            description="Consulting services",
            quantity=Decimal(3),
            unit_price=Decimal("120.00"),
            amount=Decimal("360.00"),
        ),
        LineItem(
            description="Printer toner, black",
            quantity=Decimal(12),
            unit_price=Decimal("45.50"),
            amount=Decimal("546.00"),
        ),
    ]
    assert warnings == []


def test_header_table_values_are_read_from_the_row_below_the_labels() -> None:
    text = """\
                                                     Blue Harbor Logistics LLC
INVOICE                                                      400 Commerce Drive

Customer
Initech LLC

Invoice #            Date                 Due                  Currency
A-10293              2025-03-14           2025-04-13           USD

Description                    Qty      Price      Amount
Freight handling                 2      75.00      150.00
"""
    fields, items, _ = _page(text)
    assert fields.invoice_number == "A-10293"
    assert fields.invoice_date == dt.date(2025, 3, 14)
    assert fields.due_date == dt.date(2025, 4, 13)
    assert fields.currency == "USD"
    assert fields.customer_name == "Initech LLC"
    assert fields.vendor_name == "Blue Harbor Logistics LLC"
    assert len(items) == 1


@pytest.mark.parametrize("label", ["Invoice No.", "Invoice #", "Invoice Number", "Inv. No."])
def test_invoice_number_label_synonyms_are_recognised(label: str) -> None:
    fields, _, _ = _page(f"Acme Widgets Ltd\n{label}: F2025/118\n")
    assert fields.invoice_number == "F2025/118"


@pytest.mark.parametrize("label", ["Invoice Date", "Date", "Issue Date", "Date of issue"])
def test_invoice_date_label_synonyms_are_recognised(label: str) -> None:
    fields, _, _ = _page(f"Acme Widgets Ltd\n{label}:     14 Mar 2025\nDue:   1 April 2025\n")
    assert fields.invoice_date == dt.date(2025, 3, 14)
    assert fields.due_date == dt.date(2025, 4, 1)


@pytest.mark.parametrize("label", ["Due Date", "Payment Due", "Due"])
def test_due_date_label_synonyms_are_recognised(label: str) -> None:
    fields, _, _ = _page(f"Date:   March 14, 2025\n{label}    April 13, 2025\n")
    assert fields.due_date == dt.date(2025, 4, 13)
    assert fields.invoice_date == dt.date(2025, 3, 14)


@pytest.mark.parametrize("label", ["Bill To", "Billed To", "Customer", "Invoice To"])
def test_customer_is_the_line_after_a_bill_to_label(label: str) -> None:
    text = (
        "Acme Widgets Ltd\n\n"
        f"{label}:                          Ship To:\n"
        "Fabrikam Inc.                         Receiving Dock 3\n"
    )
    fields, _, _ = _page(text)
    assert fields.customer_name == "Fabrikam Inc."


def test_customer_may_follow_the_label_on_the_same_line() -> None:
    fields, _, _ = _page("Acme Widgets Ltd\nBill To: Fabrikam Inc.\n")
    assert fields.customer_name == "Fabrikam Inc."


def test_customer_number_is_not_taken_for_the_customer() -> None:
    fields, _, _ = _page("Acme Widgets Ltd\nCustomer No.: C-1042\nBill To:\nFabrikam Inc.\n")
    assert fields.customer_name == "Fabrikam Inc."


@pytest.mark.parametrize("label", ["From", "Vendor", "Supplier", "Seller"])
def test_vendor_is_taken_from_a_vendor_label(label: str) -> None:
    text = f"INVOICE\n{label}:                       Bill To:\nKeller & Sohn          Contoso Ltd\n"
    fields, _, _ = _page(text)
    assert fields.vendor_name == "Keller & Sohn"
    assert fields.customer_name == "Contoso Ltd"


def test_vendor_is_the_first_company_like_line_at_the_top() -> None:
    text = """\
TAX INVOICE                                        Bluebird Design Studio
Page 1 of 2                                               12 Elm Street
Invoice No.: 2025-0042                                  Springfield 62704

Bill To:
Contoso Ltd
"""
    fields, _, _ = _page(text)
    assert fields.vendor_name == "Bluebird Design Studio"
    assert fields.invoice_number == "2025-0042"


def test_a_company_suffix_is_preferred_when_choosing_the_vendor() -> None:
    fields, _, _ = _page("Accounts Receivable\nRedwood Analytics Corp.\nBill To: Contoso Ltd\n")
    assert fields.vendor_name == "Redwood Analytics Corp."


@pytest.mark.parametrize(
    ("subtotal_label", "tax_label", "total_label"),
    [
        ("Subtotal", "Tax", "Total"),
        ("Sub-total", "VAT (20%)", "Total Due"),
        ("Net Total", "Sales Tax (8.25%)", "Amount Due"),
        ("Subtotal:", "GST (10%):", "Grand Total:"),
        ("Total excl. VAT", "VAT 20%", "Total incl. VAT"),
    ],
)
def test_totals_label_synonyms_are_recognised(
    subtotal_label: str, tax_label: str, total_label: str
) -> None:
    text = (
        f"{subtotal_label}            100.00\n"
        f"{tax_label}            8.25\n"
        f"{total_label}           USD 108.25\n"
    )
    fields, _, _ = _page(text)
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("100.00"),
        Decimal("8.25"),
        Decimal("108.25"),
    )


def test_tax_rate_in_the_label_is_not_read_as_the_amount() -> None:
    fields, _, _ = _page("Sales Tax (8.25%)          82.50\n")
    assert fields.tax == Decimal("82.50")


def test_vat_registration_number_is_not_read_as_tax() -> None:
    fields, _, _ = _page("Acme GmbH\nVAT No.: DE 123 456 789\nTax ID: 12-3456789\n")
    assert fields.tax is None


def test_european_number_format_is_parsed() -> None:
    text = """\
Description               Qty      Unit Price        Amount
Office chair, ergonomic     3        1.234,50      3.703,50
Consulting services       2,5          120,00        300,00
                                   Subtotal        4.003,50
                                   VAT (19%)         760,67
                                   Total         4.764,17 EUR
"""
    fields, items, _ = _page(text)
    assert [(item.quantity, item.unit_price, item.amount) for item in items] == [
        (Decimal(3), Decimal("1234.50"), Decimal("3703.50")),
        (Decimal("2.5"), Decimal("120.00"), Decimal("300.00")),
    ]
    assert fields.total == Decimal("4764.17")
    assert fields.currency == "EUR"


def test_space_grouped_numbers_are_parsed() -> None:
    text = (
        "Description          Qty      Unit Price        Amount\n"
        "Cloud hosting plan     6        1 250,00      7 500,00\n"
        "Total                                     9 375,00 SEK\n"
    )
    fields, items, _ = _page(text)
    assert items[0].amount == Decimal("7500.00")
    assert fields.total == Decimal("9375.00")


def test_swiss_apostrophe_grouping_is_parsed() -> None:
    text = (
        "Description          Qty      Unit Price        Amount (CHF)\n"
        "Hydraulic hose         4        1'250.00          5'000.00\n"
    )
    fields, items, _ = _page(text)
    assert items[0].amount == Decimal("5000.00")
    assert fields.currency == "CHF"


def test_yen_amounts_without_decimals_are_parsed() -> None:
    text = (
        "Item       Description           Quantity      Price        Total\n"
        "SRV-116    Network installation      2.5      10,550       26,375\n"
        "HW-5602    Docking station             8      40,680      325,440\n"
        "                                  Total            JPY 351,815\n"
    )
    fields, items, _ = _page(text)
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (Decimal("2.5"), Decimal(10550), Decimal(26375)),
        (Decimal(8), Decimal(40680), Decimal(325440)),
    ]
    assert fields.total == Decimal(351815)
    assert fields.currency == "JPY"


def test_item_code_column_is_not_part_of_the_description() -> None:
    text = (
        "SKU         Product               Unit Cost     Units      Amount\n"
        "ELE-6869    Cable ties (pack)          5.33        50      266.50\n"
    )
    _, items, _ = _page(text)
    assert items[0].description == "Cable ties (pack)"


def test_quantity_first_tables_are_read() -> None:
    text = (
        "Qty     Description                 Unit Price        Amount\n"
        "1.5     Code review                     120.00        180.00\n"
        "12      Steel bracket M8                  1.99         23.88\n"
    )
    _, items, _ = _page(text)
    assert [(i.description, i.quantity, i.unit_price) for i in items] == [
        ("Code review", Decimal("1.5"), Decimal("120.00")),
        ("Steel bracket M8", Decimal(12), Decimal("1.99")),
    ]


def test_price_before_quantity_follows_the_heading_order() -> None:
    text = (
        "Description              Unit Price        Qty       Line Total\n"
        "Training session              2.50         40           100.00\n"
    )
    _, items, _ = _page(text)
    assert (items[0].quantity, items[0].unit_price) == (Decimal(40), Decimal("2.50"))


def test_currency_symbols_on_line_amounts_are_ignored() -> None:
    text = (
        "Description        Qty     Unit Price      Amount\n"
        "Laptop stand         2        $37.23      $74.46\n"
        "Total                                    $74.46\n"
    )
    fields, items, _ = _page(text)
    assert items[0].unit_price == Decimal("37.23")
    assert fields.currency == "USD"


def test_prefixed_dollar_symbols_name_their_own_currency() -> None:
    fields, _, _ = _page("Total Due           C$1,234.56\n")
    assert fields.currency == "CAD"
    assert fields.total == Decimal("1234.56")


def test_continuation_page_yields_the_number_and_line_items_only() -> None:
    text = """\
Invoice INV-2025-0042 (continued)                                  Page 2 of 3

Description                      Qty        Unit Price          Amount
Brought forward                                                 906.00
Wireless keyboard                  6             60.99          365.94

Continued on next page
"""
    fields, items, warnings = _page(text)
    assert fields.invoice_number == "INV-2025-0042"
    assert fields.vendor_name is None
    assert fields.customer_name is None
    assert fields.total is None
    assert [item.description for item in items] == ["Wireless keyboard"]
    assert warnings == []


@pytest.mark.parametrize(
    "headline",
    ["Continuation of invoice SI-011462", "Invoice # SI-011462 - continued"],
)
def test_continuation_headlines_name_the_invoice(headline: str) -> None:
    fields, _, _ = _page(f"{headline}\n\nDescription   Qty   Price   Amount\n")
    assert fields.invoice_number == "SI-011462"


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_page_without_text_gives_empty_fields_and_a_warning(text: str) -> None:
    parsed = parse_page(text)
    assert parsed.fields.model_dump(exclude_none=True) == {}
    assert parsed.line_items == []
    assert parsed.warnings == [NO_TEXT_WARNING]


def test_ambiguous_date_without_any_hint_is_read_day_first_with_a_warning() -> None:
    fields, _, warnings = _page("Acme Widgets Ltd\nDate:    04/05/2025\n")
    assert fields.invoice_date == dt.date(2025, 5, 4)
    assert len(warnings) == 1
    assert "04/05/2025" in warnings[0]


def test_us_dollar_invoice_reads_slashed_dates_month_first() -> None:
    fields, _, warnings = _page("Date:    04/05/2025\nTotal   USD 10.00\n")
    assert fields.invoice_date == dt.date(2025, 4, 5)
    assert warnings == []


def test_row_whose_numbers_do_not_multiply_out_is_skipped_with_a_warning() -> None:
    text = (
        "Description        Qty     Unit Price      Amount\n"
        "Laptop stand         2         37.23       99.99\n"
        "Wireless mouse       1         20.00       20.00\n"
    )
    _, items, warnings = _page(text)
    assert [item.description for item in items] == ["Wireless mouse"]
    assert len(warnings) == 1
    assert "Laptop stand" in warnings[0]


def test_a_page_becomes_the_page_extraction_contract() -> None:
    extraction = parse_page(GRID_PAGE).to_extraction("INV-1", 2)
    assert extraction.invoice_id == "INV-1"
    assert extraction.page_number == 2
    assert extraction.invoice_number == "INV-2025-0042"
    assert len(extraction.line_items) == 2


def test_page_text_keeps_table_cells_apart() -> None:
    pdf = FPDF(unit="mm")
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for x, text in ((15, "Consulting services"), (110, "3"), (140, "120.00"), (170, "360.00")):
        pdf.text(x, 40, text)
    text = page_text(bytes(pdf.output()))
    _, items, _ = _page("Description   Qty   Unit Price   Amount\n" + text)
    assert items == [
        LineItem(
            description="Consulting services",
            quantity=Decimal(3),
            unit_price=Decimal("120.00"),
            amount=Decimal("360.00"),
        )
    ]


def test_page_text_of_a_page_without_text_is_empty() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)
    assert page_text(bytes(pdf.output())).strip() == ""
    assert parse_page(page_text(bytes(pdf.output()))).warnings == [NO_TEXT_WARNING]


def test_colons_set_in_a_column_of_their_own_end_their_labels() -> None:
    page = parse_page(
        "Bill To :                                   Invoice No.       :  KT/24/117\n"
        " Harbourside Traders Pvt Ltd                Dated             :  17-08-2024\n"
        "                                            Due Date          :  16-09-2024\n"
    )
    assert page.fields.invoice_number == "KT/24/117"
    assert page.fields.invoice_date == dt.date(2024, 8, 17)
    assert page.fields.due_date == dt.date(2024, 9, 16)
