"""Merging page extractions into one invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aggregate_service.merge import aggregate, total_mismatch_warning
from invoice_gen import total_mismatch_warning as generator_total_mismatch_warning
from invoice_shared.models import LineItem, PageExtraction

ID = "INV-TEST-1"


def _item(description: str, quantity: str, price: str) -> LineItem:
    amount = (Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01"))
    return LineItem(
        description=description,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        amount=amount,
    )


def _page(number: int, **fields: Any) -> PageExtraction:
    return PageExtraction(invoice_id=fields.pop("invoice_id", ID), page_number=number, **fields)


HEADER = {
    "invoice_number": "INV-2025-0042",
    "invoice_date": dt.date(2025, 3, 14),
    "due_date": dt.date(2025, 4, 13),
    "vendor_name": "Northwind Traders Ltd",
    "customer_name": "Contoso Ltd",
    "currency": "GBP",
}


def _consistent_invoice() -> list[PageExtraction]:
    first = [_item("Consulting services", "3", "120.00"), _item("Toner", "12", "45.50")]
    last = [_item("Wireless keyboard", "6", "60.99")]
    return [
        _page(1, **HEADER, line_items=first),
        _page(
            2,
            invoice_number="INV-2025-0042",
            currency="GBP",
            line_items=last,
            subtotal=Decimal("1271.94"),
            tax=Decimal("254.39"),
            total=Decimal("1526.33"),
        ),
    ]


def test_consistent_invoice_merges_without_warnings() -> None:
    result = aggregate(ID, _consistent_invoice())
    assert result.warnings == []
    assert result.invoice_id == ID
    assert result.page_count == 2
    assert result.invoice_number == "INV-2025-0042"
    assert result.vendor_name == "Northwind Traders Ltd"
    assert result.total == Decimal("1526.33")
    assert [item.description for item in result.line_items] == [
        "Consulting services",
        "Toner",
        "Wireless keyboard",
    ]


def test_pages_are_merged_in_page_number_order() -> None:
    result = aggregate(ID, list(reversed(_consistent_invoice())))
    assert [item.description for item in result.line_items][-1] == "Wireless keyboard"
    assert result.warnings == []


def test_header_fields_take_the_value_most_pages_agree_on() -> None:
    pages = [
        _page(1, invoice_number="INV-1"),
        _page(2, invoice_number="INV-7"),
        _page(3, invoice_number="INV-7"),
    ]
    result = aggregate(ID, pages)
    assert result.invoice_number == "INV-7"
    assert (
        'Pages disagree on the invoice number: "INV-1" on page 1; '
        '"INV-7" on pages 2 and 3. Using "INV-7".'
    ) in result.warnings


def test_the_first_page_wins_a_tie() -> None:
    pages = [
        _page(1, invoice_date=dt.date(2025, 5, 4)),
        _page(2, invoice_date=dt.date(2025, 4, 5)),
    ]
    result = aggregate(ID, pages)
    assert result.invoice_date == dt.date(2025, 5, 4)
    assert (
        "Pages disagree on the invoice date: 2025-05-04 on page 1; 2025-04-05 on page 2. "
        "Using 2025-05-04."
    ) in result.warnings


def test_pages_that_do_not_show_a_field_do_not_count_against_it() -> None:
    pages = [_page(1, vendor_name="Acme Ltd"), _page(2), _page(3)]
    result = aggregate(ID, pages)
    assert result.vendor_name == "Acme Ltd"
    assert not any("disagree" in warning for warning in result.warnings)


def test_totals_come_from_the_last_page_that_has_them() -> None:
    pages = [
        _page(1, subtotal=Decimal("10.00"), total=Decimal("12.00")),
        _page(2, subtotal=Decimal("30.00"), tax=Decimal("6.00"), total=Decimal("36.00")),
        _page(3),
    ]
    result = aggregate(ID, pages)
    assert (result.subtotal, result.tax, result.total) == (
        Decimal("30.00"),
        Decimal("6.00"),
        Decimal("36.00"),
    )


def _totals(subtotal: str, tax: str, total: str) -> dict[str, Decimal]:
    return {"subtotal": Decimal(subtotal), "tax": Decimal(tax), "total": Decimal(total)}


def test_subtotal_and_tax_come_from_the_page_that_adds_up_when_the_last_shows_none() -> None:
    pages = [
        _page(1, **_totals("10.83", "2.17", "12.99")),  # the summary (13.00: a cent off)
        _page(2, **_totals("12.72", "1.27", "94.88")),  # a page of worked examples
        _page(3, total=Decimal("12.99")),
    ]
    result = aggregate(ID, pages)
    assert (result.subtotal, result.tax, result.total) == (
        Decimal("10.83"),
        Decimal("2.17"),
        Decimal("12.99"),
    )


def test_a_last_page_that_shows_its_own_figures_keeps_them_and_its_warning() -> None:
    pages = [
        _page(1, **_totals("100.00", "19.00", "119.00")),
        _page(2, **_totals("200.00", "38.00", "119.00")),
    ]
    result = aggregate(ID, pages)
    assert (result.subtotal, result.tax) == (Decimal("200.00"), Decimal("38.00"))
    assert total_mismatch_warning(Decimal("200.00"), Decimal("38.00"), Decimal("119.00")) in (
        result.warnings
    )


def test_a_copy_of_a_page_counts_once_and_is_named() -> None:
    items = [_item("Mano de obra", "1", "86942.15")]
    figures = _totals("86942.15", "18257.85", "105200.00")
    original, copy, third = (_page(n, line_items=items, **figures) for n in (1, 2, 3))
    result = aggregate(ID, [original, copy, third])
    assert result.line_items == items
    assert [w for w in result.warnings if "(a copy)" in w] == [
        "Page 2 repeats the line items and totals of page 1 (a copy): they are counted once.",
        "Page 3 repeats the line items and totals of page 1 (a copy): they are counted once.",
    ]
    assert not any("add up" in w for w in result.warnings)


def test_what_is_not_a_copy() -> None:
    items = [_item("Monthly fee", "1", "100.00")]
    figures = _totals("100.00", "0.00", "100.00")
    # The same page extracted twice is a numbering problem, not a copy.
    twice = aggregate(ID, [_page(1, line_items=items, **figures)] * 2)
    assert len(twice.line_items) == 2 and not any("(a copy)" in w for w in twice.warnings)
    # Pages that each list the same line, the totals only on the last: not copies.
    monthly = [
        _page(1, line_items=items),
        _page(2, line_items=items),
        _page(3, **_totals("200.00", "0.00", "200.00")),
    ]
    assert len(aggregate(ID, monthly).line_items) == 2
    # Line items from an embedded e-invoice are the whole document's already.
    xml = {"line_items": "embedded_xml"}
    pages = [
        _page(1, line_items=items, source=xml, **figures),
        _page(2, line_items=items, **figures),
    ]
    assert not any("(a copy)" in w for w in aggregate(ID, pages).warnings)


def test_line_items_that_do_not_add_up_to_the_subtotal_are_flagged() -> None:
    pages = _consistent_invoice()
    pages[1] = pages[1].model_copy(update={"subtotal": Decimal("1200.00")})
    result = aggregate(ID, pages)
    assert "Line items add up to 1271.94, but the subtotal is 1200.00." in result.warnings


def test_a_cent_per_line_of_rounding_is_tolerated() -> None:
    pages = _consistent_invoice()
    pages[1] = pages[1].model_copy(
        update={"subtotal": Decimal("1271.96"), "total": Decimal("1526.35")}
    )
    assert aggregate(ID, pages).warnings == []


def test_total_that_is_not_subtotal_plus_tax_is_flagged() -> None:
    pages = _consistent_invoice()
    pages[1] = pages[1].model_copy(update={"total": Decimal("1530.00")})
    result = aggregate(ID, pages)
    assert result.total == Decimal("1530.00")
    assert result.warnings == [
        "Subtotal 1271.94 plus tax 254.39 is 1526.33, but the invoice total is 1530.00."
    ]


def test_total_without_tax_must_equal_the_subtotal() -> None:
    pages = [_page(1, **HEADER, subtotal=Decimal("100.00"), total=Decimal("120.00"))]
    result = aggregate(ID, pages)
    assert result.warnings == [
        "Subtotal 100.00 differs from the invoice total 120.00 and no page shows a tax amount."
    ]


def test_without_a_subtotal_the_line_items_are_checked_against_the_total() -> None:
    items = [_item("Toner", "2", "10.00")]
    pages = [_page(1, **HEADER, line_items=items, tax=Decimal("2.00"), total=Decimal("30.00"))]
    result = aggregate(ID, pages)
    assert result.warnings == [
        "Line items plus tax add up to 22.00, but the invoice total is 30.00."
    ]


def test_missing_required_fields_are_named() -> None:
    result = aggregate(ID, [_page(1, customer_name="Contoso Ltd")])
    assert result.warnings == [
        "No page shows the invoice number.",
        "No page shows the invoice date.",
        "No page shows the vendor name.",
        "No page shows the currency.",
        "No page shows the total.",
    ]


def test_page_warnings_are_prefixed_with_the_page_number() -> None:
    pages = _consistent_invoice()
    pages[1] = pages[1].model_copy(update={"warnings": ["The date '04/05/2025' is ambiguous."]})
    result = aggregate(ID, pages)
    assert result.warnings == ["Page 2: The date '04/05/2025' is ambiguous."]


def test_missing_and_repeated_pages_are_flagged() -> None:
    pages = [_page(1), _page(3), _page(3), _page(5)]
    warnings = aggregate(ID, pages).warnings
    assert "Page 3 was extracted more than once." in warnings
    assert "No extraction for pages 2 and 4; the invoice may be incomplete." in warnings
    assert aggregate(ID, pages).page_count == 4


def test_a_page_of_another_invoice_is_flagged() -> None:
    pages = [*_consistent_invoice(), _page(3, invoice_id="OTHER-9")]
    warnings = aggregate(ID, pages).warnings
    assert "Page 3 belongs to invoice 'OTHER-9', not 'INV-TEST-1'." in warnings


def test_an_invoice_needs_at_least_one_page() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        aggregate(ID, [])


def test_generator_and_aggregation_word_a_wrong_total_the_same_way() -> None:
    args = (Decimal("1271.94"), Decimal("254.39"), Decimal("1530.00"))
    assert generator_total_mismatch_warning(*args) == total_mismatch_warning(*args)


def test_the_embedded_e_invoice_wins_and_its_contradictions_are_reported() -> None:
    first, last = _consistent_invoice()
    xml_items = [*first.line_items, *last.line_items]
    structured = first.model_copy(
        update={
            "total": Decimal("1626.33"),
            "line_items": xml_items,
            "source": {"total": "embedded_xml", "line_items": "embedded_xml"},
            "confidence": {"total": 0.99},
        }
    )
    invoice = aggregate(ID, [structured, last])
    assert invoice.total == Decimal("1626.33")  # the XML's, not the last page's text
    assert invoice.line_items == xml_items  # the XML's whole list, not pages' again
    assert invoice.source["total"] == "embedded_xml"
    assert any(
        'e-invoice says total "1626.33" but page 2 shows "1526.33"' in w for w in invoice.warnings
    ), invoice.warnings


def test_a_party_named_in_full_and_in_short_on_other_pages_is_one_vote_for_the_full_name() -> None:
    """Page 1 names the vendor with its legal form; four continuation pages name it in
    passing. They are one party, not five votes against one."""
    pages = [_page(1, vendor_name="Enel Energia S.p.A.")]
    pages += [_page(n, vendor_name="Enel") for n in range(2, 6)]
    result = aggregate(ID, pages)
    assert result.vendor_name == "Enel Energia S.p.A."
    assert not any("vendor name" in warning for warning in result.warnings)
    # Every page backs the name, so it is as sure as its surest page.
    sure = [_page(1, vendor_name="Enel Energia S.p.A.", confidence={"vendor_name": 0.75})]
    sure += [_page(n, vendor_name="Enel", confidence={"vendor_name": 0.65}) for n in (2, 3)]
    assert aggregate(ID, sure).confidence["vendor_name"] == 0.75
    # Different names still vote page by page, the earliest winning a tie.
    split = [_page(1, vendor_name="Gandi SAS"), _page(2, vendor_name="APE 6311Z - SAS")]
    assert aggregate(ID, split).vendor_name == "Gandi SAS"
    most = [_page(1, vendor_name="Foo GmbH"), *(_page(n, vendor_name="Bar AG") for n in (2, 3))]
    assert aggregate(ID, most).vendor_name == "Bar AG"
    # Two letters are too few to say two names are one party.
    short = [_page(n, vendor_name=name) for n, name in enumerate(["SA", "SA", "SAP SE"], 1)]
    short += [_page(n, vendor_name="Other AG") for n in (4, 5)]
    assert aggregate(ID, short).vendor_name == "SA"


def test_detail_pages_summing_the_net_do_not_replace_the_summary_s_totals() -> None:
    """A telecom bill: the summary on page 1, the detail on page 2 summing the net."""
    summary = _page(1, subtotal=Decimal("50.37"), tax=Decimal("9.57"), total=Decimal("59.94"))
    detail = _page(2, subtotal=Decimal("50.37"), total=Decimal("50.37"))
    result = aggregate(ID, [summary, detail])
    assert (result.subtotal, result.tax, result.total) == (
        Decimal("50.37"),
        Decimal("9.57"),
        Decimal("59.94"),
    )
    # A last page whose lone total is not the summary's net closes the invoice.
    later = _page(2, total=Decimal("70.00"))
    assert aggregate(ID, [summary, later]).total == Decimal("70.00")
