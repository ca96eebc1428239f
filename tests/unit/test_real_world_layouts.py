"""Layouts real invoices use that our generator did not, written by hand in the shape of
layout text: totals tables, dot leaders, labels inside longer text, the vendor named only
in the footer or a sender line, titles before names, permission-only words after labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extract_service.fields import parse_page

TOTALS_TABLE = """\
ACME Distribuciones S.L.                                  FACTURA
Número              Fecha                Cliente
2524505             13/06/2025           00042

Base Imponible      % IVA      Importe IVA      TOTAL
242,27              21         50,88            293,15 Euros
"""

LETTER = """\
Hetzner Online GmbH • Industriestr. 25 • 91710 Gunzenhausen
Usegroup Inh. Jochen Stärk                           Tel.: +49 9831 505-0
Huswertstr. 14
60435 Frankfurt
                                        Liefer- und Rechnungsdatum:    19.01.2016
Rechnungsnummer: R0005532486

Total BASE IMPONIBLE .......     41,18
Total IMPUESTOS ...........       7,82
Importe TOTAL .............      49,00

NETPRESSE
Siège social : 16 rue Mollien - 92100 BOULOGNE - RCS Paris B 530 848 134
"""

SOLD_BY = """\
Amazon Web Services Invoice
Invoice Number:   42183017
Invoice Date:     August 3 , 2014
Total for this invoice       $4.11
All AWS Services are sold by Amazon Web Services, Inc.
"""


def test_a_totals_table_is_read_by_column() -> None:
    fields = parse_page(TOTALS_TABLE).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("242.27"),
        Decimal("50.88"),
        Decimal("293.15"),
    )
    assert fields.invoice_number == "2524505" and fields.invoice_date == dt.date(2025, 6, 13)
    assert fields.currency == "EUR"  # from "Euros"


def test_a_letter_layout_with_the_vendor_in_the_sender_line() -> None:
    parsed = parse_page(LETTER)
    fields = parsed.fields
    assert fields.vendor_name == "Hetzner Online GmbH"
    assert fields.customer_name == "Usegroup Inh. Jochen Stärk"
    assert fields.invoice_date == dt.date(2016, 1, 19)  # a label at the end of longer text
    assert fields.invoice_number == "R0005532486"
    # Dot leaders, and "Total" before the words that say which total it is.
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("41.18"),
        Decimal("7.82"),
        Decimal("49.00"),
    )


def test_a_footer_heading_over_legal_details_names_the_vendor() -> None:
    text = "Client: Alexinux\nFacture n° 2022089083\nDate : 28/11/2022\n" + LETTER.split("\n\n")[-1]
    assert parse_page(text).fields.vendor_name == "NETPRESSE"


def test_sold_by_names_the_vendor_and_total_may_be_followed_by_words() -> None:
    fields = parse_page(SOLD_BY).fields
    assert fields.vendor_name == "Amazon Web Services, Inc."
    assert fields.invoice_date == dt.date(2014, 8, 3)  # "August 3 , 2014"
    assert fields.total == Decimal("4.11") and fields.currency == "USD"


def test_titles_and_salutations_are_not_part_of_a_name() -> None:
    text = "Bill To:\nDott. Arch. Silvia Guzzini\nInvoice No: 7\nTotal: EUR 10.00\n"
    assert parse_page(text).fields.customer_name == "Silvia Guzzini"
