"""Line-item rows as real tables print them: units, discounts, VAT columns after the amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract_service.fields import parse_page
from extract_service.line_items import heading_roles, parse_item_row


def _item(cells: list[str], mark: str | None = ",") -> tuple[str, Decimal, Decimal, Decimal]:
    item = parse_item_row(cells, None, mark)
    assert item is not None, cells
    return item.description, item.quantity, item.unit_price, item.amount


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # A VAT rate and the VAT amount printed after the line's amount.
        (
            ["BenQ RL2455HM Monitor", "1", "€ 156,20", "€ 156,20", "21%", "€ 32,80"],
            ("BenQ RL2455HM Monitor", "1", "156.20", "156.20"),
        ),
        # A discount percentage between price and amount: 2 x 108,80 less 50%.
        (
            ["001124", "MH CLASICA BARRIL 30L", "2", "108,8", "50", "21", "108,80"],
            ("MH CLASICA BARRIL 30L", "2", "108.8", "108.80"),
        ),
        # Quantities with their units, the VAT rate between price and quantity.
        (
            ["E103184", "Onderhoudsset CA6707/10", "49,99", "21 %", "1 PCS", "49,99"],
            ("Onderhoudsset CA6707/10", "1", "49.99", "49.99"),
        ),
        # The quantity glued to its unit and to the price in one cell.
        (
            ["82228600", "TOVAGLIOLO 24X24 DRINK", "120confezione€ 2,500", "€ 300,00", "22"],
            ("TOVAGLIOLO 24X24 DRINK", "120", "2.500", "300.00"),
        ),
    ],
)
def test_real_table_rows(cells: list[str], expected: tuple[str, str, str, str]) -> None:
    description, quantity, price, amount = _item(cells)
    assert (description, quantity, price, amount) == (
        expected[0],
        Decimal(expected[1]),
        Decimal(expected[2]),
        Decimal(expected[3]),
    )


def test_a_position_number_before_a_word_is_not_a_quantity_with_a_unit() -> None:
    assert _item(["1 Superdrachen", "2", "20,00", "40,00"]) == (
        "1 Superdrachen",
        Decimal(2),
        Decimal("20.00"),
        Decimal("40.00"),
    )


def test_rows_that_do_not_multiply_out_are_not_items() -> None:
    assert parse_item_row(["Leds", "5", "0,90", "45,00"], None, ",") is None
    # A tax summary row: rate, base, tax, total.
    assert parse_item_row(["21 %", "41,31", "8,68", "49,99"], None, ",") is None


def test_a_unit_price_rounded_to_the_cent_multiplies_out_within_its_rounding() -> None:
    # 6 x 1,91 is 11,46: the net price was 1,913..., printed to the cent.
    assert _item(["Mangues Côte d'Ivoire 125 g", "6", "1,91", "11,48"])[3] == Decimal("11.48")
    # Ten units at a price rounded to the cent: 5 cents of rounding at most, not 7.
    assert parse_item_row(["Beurre 250g", "10", "2,62", "26,28"], None, ",") is None
    assert parse_item_row(["Vis M4", "1000", "0,02", "24,00"], None, ",") is None


def test_a_price_printed_before_its_tax_code_is_a_column_of_its_own() -> None:
    cells = ["[CONS_0001] Whiteboard Pen", "15.00 Units", "100.00 TVA 20%", "1,500.00 €"]
    item = parse_item_row(cells, ("desc", "qty", "other", "amount"), ".")
    assert item is not None
    assert (item.quantity, item.unit_price, item.amount) == (
        Decimal("15.00"),
        Decimal("100.00"),
        Decimal("1500.00"),
    )
    assert item.description == "[CONS_0001] Whiteboard Pen"  # the tax code is no part of it
    # A percentage in the description is not a tax code.
    fee = parse_item_row(["Commission 5%", "1", "100.00", "100.00"], None, ".")
    assert fee is not None and fee.description == "Commission 5%"


def test_a_line_given_free_or_not_taken_is_an_item_of_zero() -> None:
    free = parse_item_row(["Kostenlose Zugabe", "1", "0,00", "0,00"], None, ",")
    assert free is not None
    assert (free.quantity, free.unit_price, free.amount) == (Decimal(1), Decimal(0), Decimal(0))
    not_taken = parse_item_row(
        ["Justificatif Papier", "0", "3,50", "0,00"], ("desc", "qty", "price", "amount"), ","
    )
    assert not_taken is not None
    assert (not_taken.quantity, not_taken.unit_price) == (Decimal(0), Decimal("3.50"))
    # Rows of nothing but zeros, or a zero rate, are not items.
    assert parse_item_row(["Port", "0", "0,00", "0,00"], None, ",") is None
    assert parse_item_row(["TVA", "0 %", "0,00", "0,00"], None, ",") is None


def test_a_quantity_printed_one_space_before_its_description() -> None:
    cells = ["1055 05/05/22", "2 Formation Deep Learning", "750.00", "1500.00"]
    item = parse_item_row(cells, None, ".")
    assert item is not None
    assert (item.quantity, item.unit_price, item.amount) == (2, Decimal("750.00"), 1500)
    # A description that starts with a number keeps it when the row multiplies out as is.
    kept = parse_item_row(["3 Sobres salsa", "1", "2.50", "2.50"], None, ".")
    assert kept is not None and kept.description == "3 Sobres salsa"
    # "5.5 kW" is part of a description, not a count printed with fixed decimals.
    assert parse_item_row(["5.5 kW Motor", "1", "5.50"], None, ".") is None
    # A quantity with decimals, before a price with four: the count is the quantity.
    repair = parse_item_row(["1.00 Reparación caja", "2500.0000", "2500.00"], None, ".")
    assert repair is not None
    assert (repair.description, repair.quantity, repair.unit_price) == (
        "Reparación caja",
        Decimal("1.00"),
        Decimal("2500.0000"),
    )


def test_a_total_price_heading_is_the_amount_column() -> None:
    assert heading_roles(["Descrizione", "Quant.", "Prezzo Totale"]) == ("desc", "qty", "amount")
    assert heading_roles(["Description", "Qty", "Total Price"]) == ("desc", "qty", "amount")


# Charges one to a line, no table heading, above the line that sums them.
_CHARGES = """\
Fattura N. 11                                   del 10/04/2022
Secondo Acconto

Onorario                                                750,00
Cassa di Previdenza (4%)                                  30,00
Imponibile Iva                                          780,00
IVA 22%                                                 171,60
Totale fattura                                          951,60
"""


def test_charges_above_the_line_that_sums_them_are_the_line_items() -> None:
    parsed = parse_page(_CHARGES)
    items = [
        (item.description, item.quantity, item.unit_price, item.amount)
        for item in parsed.line_items
    ]
    # Only the amounts are printed: quantity and unit price stay unknown, not made up.
    assert items == [
        ("Onorario", None, None, Decimal("750.00")),
        ("Cassa di Previdenza (4%)", None, None, Decimal("30.00")),
    ]
    assert parsed.fields.subtotal == Decimal("780.00")


def test_charges_that_do_not_add_up_or_stand_alone_are_not_line_items() -> None:
    # 750 + 20 is not the 780 below them: some other list of figures.
    assert parse_page(_CHARGES.replace("30,00", "20,00")).line_items == []
    # One line above its sum ("Grundpreise 50,37 / Summe 50,37") says nothing new.
    single = "Grundpreise       50,37 €\nSumme Betrag      50,37 €\n+19 % USt.  9,57 €\n"
    assert parse_page(single).line_items == []
    # A statement's balance and payment are not charges.
    statement = (
        "Previous balance         50.00\nPayment received        -50.00\n"
        "Current charges         120.00\nAmount due              120.00\n"
    )
    assert parse_page(statement).line_items == []
    # The totals block is not a list of charges: subtotal and tax above the total.
    totals = "Subtotal      100.00\nVAT 20%        20.00\nTotal         120.00\n"
    assert parse_page(totals).line_items == []


def test_charges_above_a_sum_printed_with_its_label_in_one_cell() -> None:
    page = (
        "Overzicht\n"
        "        Wat                      Prijs (euro)\n"
        "        Les 1 op 15 januari 2019  140.48\n"
        "        Les 2 op 29 januari 2019  140.48\n"
        "        Materiaal                281.71\n"
        "Totaal: 562.67\n"
    )
    amounts = [item.amount for item in parse_page(page).line_items]
    assert amounts == [Decimal("140.48"), Decimal("140.48"), Decimal("281.71")]


SHOP_TABLE = """\
Descrizione                              Quant.   P. Unitario   IVA %   P. Unitario   Prezzo Totale
                                                  (IVA esclusa)         (IVA inclusa) (IVA inclusa)
Irrigatore Orale Power Flosser 3000       1        € 55,66      20%     € 66,79       € 66,79
ASIN: B0CD9Y92WB
Costi di spedizione                                € 3,02               € 3,63        € 3,63
Promozioni                                         -€ 15,49             -€ 18,59      -€ 18,59
                                  Totale fattura                                      € 51,83
                                                      IVA %      Prezzo Totale     Subtotale IVA
                                                      20%        € 43,19           € 8,64
"""


def test_unpriced_rows_of_the_items_table_are_lines_when_they_make_the_sum() -> None:
    items = parse_page(SHOP_TABLE).line_items
    assert [(item.description, item.quantity, item.amount) for item in items] == [
        ("Irrigatore Orale Power Flosser 3000", Decimal("1"), Decimal("66.79")),
        ("Costi di spedizione", None, Decimal("3.63")),
        ("Promozioni", None, Decimal("-18.59")),
    ]
    # Rows that do not make the sum are left out: the priced line stands alone.
    other = SHOP_TABLE.replace("€ 51,83", "€ 66,79")
    assert [item.amount for item in parse_page(other).line_items] == [Decimal("66.79")]
