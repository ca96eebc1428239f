"""Layouts real invoices use that our generator did not, written by hand in the shape of
layout text: totals tables, dot leaders, labels inside longer text, the vendor named only
in the footer or a sender line, titles before names, permission-only words after labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extract_service.fields import _could_be_vendor, parse_page
from extract_service.segments import page_rows

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


BREAKDOWN = """\
Ferreteria Norte S.L.                                     FACTURA
Número 2500377            Fecha 08/07/2025

Base Imponible      %       IVA                 TOTAL
        210,12     10     21,01
         15,65     21      3,29               250,07 Euros
"""

BREAKDOWN_WITH_SUM_ROW = """\
Fattura n. 73 del 14/11/2022
Aliquota      Imponibile    Imposta        Totale              Imponibile     15.500,00 €
10%          10.800,00 €  1.080,00 €   11.880,00 €                Imposta      2.114,00 €
22%           4.700,00 €  1.034,00 €   5.734,00 €                  Totale     17.614,00 €
              15.500,00 €  2.114,00 €   17.614,00 €
"""


def test_a_tax_breakdown_by_rate_adds_up_to_the_subtotal_and_tax() -> None:
    fields = parse_page(BREAKDOWN).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("225.77"),
        Decimal("24.30"),
        Decimal("250.07"),
    )


def test_of_two_sums_that_add_up_the_whole_invoice_wins_over_one_rate() -> None:
    parsed = parse_page(BREAKDOWN_WITH_SUM_ROW)
    fields = parsed.fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("15500.00"),
        Decimal("2114.00"),
        Decimal("17614.00"),
    )
    assert fields.invoice_number == "73" and fields.invoice_date == dt.date(2022, 11, 14)
    assert parsed.confidence["total"] > 0.9


def test_the_issue_date_after_the_number_it_belongs_to() -> None:
    cases = {
        "Fattura nr.   1521      del   31/12/2024": ("1521", dt.date(2024, 12, 31)),
        "Rechnung Nr. 2024-117 vom 03.02.2024": ("2024-117", dt.date(2024, 2, 3)),
        "Facture n° F-88 du 12 mars 2024": ("F-88", dt.date(2024, 3, 12)),
        "Fattura N. 11\ndel 10/04/2022": ("11", dt.date(2022, 4, 10)),
    }
    for text, (number, date) in cases.items():
        fields = parse_page(f"Example Trading S.r.l.\n{text}\nTotale   € 10,00\n").fields
        assert (fields.invoice_number, fields.invoice_date) == (number, date), text
    # A date elsewhere on the number's line, without "of", is not the issue date.
    unrelated = parse_page("Invoice No. 42     Printed 03/04/2024\nTotal  10.00\n").fields
    assert unrelated.invoice_number == "42" and unrelated.invoice_date is None


def test_italian_abbreviated_totals_and_a_salutation_alone() -> None:
    text = """\
Gold Pack S.r.l.
Spett.le                                       Fattura nr. 97/25 del 30/01/2025
Herr
Karl Weber
                                          Tot. imponibile     € 66,69
                                          Tot. Iva            € 14,67
Scadenze:    28/02/2025
                                          Tot. documento      € 81,36
"""
    fields = parse_page(text).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("66.69"),
        Decimal("14.67"),
        Decimal("81.36"),
    )
    assert fields.due_date == dt.date(2025, 2, 28)
    assert fields.customer_name == "Karl Weber"


ADDRESS_BLOCKS = """\
Akretion France
27 rue Henri Rolland
69100 Villeurbanne
France
                                                              Cabinet CACtus
                                                              42 rue de l'audit
                                                              69100 Villeurbanne
Invoice VT/2022/0001
Description                                       Quantity      Unit Price          Amount
Whiteboard Pen                                    15.00         100.00            1,500.00
"""


def test_the_other_postal_address_at_the_top_is_the_customer() -> None:
    fields = parse_page(ADDRESS_BLOCKS).fields
    assert fields.vendor_name == "Akretion France"
    assert fields.customer_name == "Cabinet CACtus"


def test_address_blocks_name_a_customer_only_when_one_other_is_left() -> None:
    third = """\
                                  Lieferung an
                                  Lager Nord
                                  12 rue du Port
                                  69100 Villeurbanne
"""
    lines = ADDRESS_BLOCKS.splitlines(keepends=True)
    text = "".join(lines[:8]) + third + "".join(lines[8:])
    fields = parse_page(text).fields
    assert fields.vendor_name == "Akretion France"
    assert fields.customer_name is None  # two candidates: unknown stays unknown
    assert parse_page("27 rue Henri Rolland\n").fields.vendor_name is None


def test_names_lose_tax_numbers_and_titles_and_addresses_are_no_names() -> None:
    fields = parse_page("Cliente: Excel Consulting, Lda. NIF: 500084580\nTotal: 10,00 EUR\n").fields
    assert fields.customer_name == "Excel Consulting, Lda."
    text = """\
                                        Spett.le Sig. Mattia Iacazio
                                            Via delle Fiocine, n.°45,
Fattura N. 11 del 10/04/2022
"""
    assert parse_page(text).fields.customer_name == "Mattia Iacazio"
    street = parse_page("Spett.le\nVia delle Fiocine, n.°45,\n00054 Fiumicino\n").fields
    assert street.customer_name is None


def test_a_header_table_with_the_invoice_column_and_a_foreign_number_label() -> None:
    text = """\
 Klant                 Order                   Factuur datum        Factuur       Vervaldatum
 SCONL0303006280999    SCONL000000444               8-9-2022   VF1005193039         22-9-2022
 Exclusief BTW      € 41,31
 BTW 21%            € 8,68
 Inclusief BTW      € 49,99
Uw BTW nummer: NL00333599698
"""
    fields = parse_page(text).fields
    assert fields.invoice_number == "VF1005193039"
    assert (fields.invoice_date, fields.due_date) == (dt.date(2022, 9, 8), dt.date(2022, 9, 22))
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("41.31"),
        Decimal("8.68"),
        Decimal("49.99"),
    )


def test_the_title_over_the_number_names_it_only_when_nothing_else_does() -> None:
    assert parse_page("FACTURA\nINV/2024/00005\nTotal 10.00\n").fields.invoice_number == (
        "INV/2024/00005"
    )
    labelled = parse_page("INVOICE\n12 Main Street\nInvoice No: A-77\n").fields
    assert labelled.invoice_number == "A-77"


def test_the_third_amount_is_taken_only_when_the_page_prints_it() -> None:
    text = """\
Fattura nr. 18/2022 del 21/07/2022
                                               Imponibile   € 13.636,36
                                               Totale IVA    € 1.363,64

                                         € 15.000,00
"""
    parsed = parse_page(text)
    assert parsed.fields.total == Decimal("15000.00")
    assert parsed.confidence["total"] < parsed.confidence["subtotal"]
    # The sum is not printed: the total stays unknown rather than computed.
    unprinted = parse_page(text.replace("€ 15.000,00", "Grazie!"))
    assert unprinted.fields.total is None
    # Total and tax give the subtotal when it is printed under another name.
    aws = parse_page(
        "AWS Service Charges      $4.11\nTax *      $0.00\nTotal for this invoice      $4.11\n"
    )
    assert (aws.fields.subtotal, aws.fields.tax, aws.fields.total) == (
        Decimal("4.11"),
        Decimal("0.00"),
        Decimal("4.11"),
    )


SERIES_APART = """\
                                                                 DE PRUEBA SABORES S.L.
                         Factura
Número       25     - 5469                   Fecha   28/11/2025
"""

NUMBER_UNDER_SERIES = """\
     Código Cliente          Nº Factura              Fecha Factura
       438793/27             25 - 11.474              28-11-2025
"""


def test_a_series_and_its_number_printed_apart_are_one_number() -> None:
    assert parse_page(SERIES_APART).fields.invoice_number == "25-5469"
    assert parse_page(NUMBER_UNDER_SERIES).fields.invoice_number == "25-11.474"


def test_a_number_the_text_layer_broke_after_its_dash_is_one_number() -> None:
    text = "Invoice\nInvoice number 124114EE- 0006\nDate of issue  February 18, 2025\n"
    assert parse_page(text).fields.invoice_number == "124114EE-0006"
    # A dash before a word is not a broken number.
    text = "Rechnung\nRechnungsnummer 2024- Datum 01.03.2024\n"
    assert parse_page(text).fields.invoice_number != "2024-Datum"


CURRENCY_COLUMN = """\
Factuurnummer : 600627                                   Factuurdatum     : 14-08-2024
Subtotaal                                                       Eur               319,03
BTW 21,00 % over           319,03                               Eur                67,00
Factuurtotaal                                                   Eur               386,03
"""


def test_a_currency_column_between_labels_and_amounts_is_stepped_over() -> None:
    fields = parse_page(CURRENCY_COLUMN).fields
    # The tax row names its base first: what adds up settles which amount is the tax.
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("319.03"),
        Decimal("67.00"),
        Decimal("386.03"),
    )
    assert fields.currency == "EUR"


SAP_HEADER_AND_FOOTER = """\
       Document Number                        9235321787
       Document Date                          06 Dec 2019
    TOTAL NET AMOUNT                                        226.50
    GST          Rate:15%                                    33.98
    AMOUNT TO PAY                        Currency NZD       260.48
   .. Northwind Electric (NZ) Limited       GST No : 81-854-572
"""

SPANISH_FOOTER = """\
                 FACTURA                                  Cliente:
                 Fecha:     08-10-2025                    BAR EJEMPLO S.L
 Total                                                     100,00
         EJEMPLO CONSERVAS, S.L. - C.I.F.: B36281087 - Rúa Mayor, Nº 23 - 36600 Vilagarcía
"""


def test_a_document_date_and_a_vendor_in_a_tax_number_footer() -> None:
    fields = parse_page(SAP_HEADER_AND_FOOTER).fields
    assert fields.invoice_date == dt.date(2019, 12, 6)
    assert fields.vendor_name == "Northwind Electric (NZ) Limited"
    # The tax past its rate on the row; the total past its currency.
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("226.50"),
        Decimal("33.98"),
        Decimal("260.48"),
    )
    assert parse_page(SPANISH_FOOTER).fields.vendor_name == "EJEMPLO CONSERVAS, S.L."


EXEMPT = """\
                                                       Fattura n°                 23
                                                              del        02/10/2023
Voce                                                     IVA        Importo €
Gestione server                                           ES          300,00
                                                    Imponibile       300,00
                                                       Totale        300,00
0% - In franchigia da IVA art. 1, c. 54-89, L 190/2014
"""


def test_an_exempt_invoice_has_zero_tax_and_its_date_under_the_number() -> None:
    fields = parse_page(EXEMPT).fields
    assert fields.invoice_date == dt.date(2023, 10, 2)
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("300.00"),
        Decimal("0"),
        Decimal("300.00"),
    )
    # Without a word saying why, a missing tax stays unknown.
    silent = parse_page(EXEMPT.replace("0% - In franchigia da IVA", "vedi nota")).fields
    assert silent.tax is None
    # An intra-EU supply says why in other words; so does a rate of zero printed alone.
    for why in ("VAT transferred according to article 138", "Intra-Community supply", "IVA 0%"):
        noted = parse_page(EXEMPT.replace("0% - In franchigia da IVA", why)).fields
        assert noted.tax == Decimal("0"), why
    # No rate of zero, and no exemption: a discount of 0%, a VAT number's label.
    for other in ("Sconto 10%", "100% online", "Rabatt 0%", "N° TVA intracommunautaire : FR12"):
        assert parse_page(EXEMPT.replace("0% - In franchigia da IVA", other)).fields.tax is None


def test_ocr_debris_from_a_logo_is_no_vendor() -> None:
    page = "“a N          Ad\nRechnung Nr. 42\nSumme     10,00 EUR\n"
    assert parse_page(page).fields.vendor_name is None
    named = parse_page("Nordlicht Bäckerei\n" + page).fields
    assert named.vendor_name == "Nordlicht Bäckerei"


AMOUNTS_ONLY = """\
Produit              Description          Taxes         Prix
alpha.example        Renouvellement 1 an    20%      12,00 €
beta.example         Transfert              20%      13,91 €
                                     Sous-total      25,91 €
                                     TVA 20%          5,18 €
                                     Total           31,09 €
"""


def test_a_table_of_amounts_alone_gives_items_when_they_add_up() -> None:
    items = parse_page(AMOUNTS_ONLY).line_items
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (None, None, Decimal("12.00")),
        (None, None, Decimal("13.91")),
    ]
    assert items[0].description.startswith("alpha.example Renouvellement")
    # Amounts that do not make the subtotal are some other column: no items at all.
    other = AMOUNTS_ONLY.replace("Sous-total      25,91", "Sous-total      99,91")
    assert parse_page(other).line_items == []


SENDER_BLOCK_BELOW = """\
Tax Invoice
                                               Invoice No.        INV1042
Harbour View Apartments                        Invoice date       29-Nov-19
14 Quay Street
Seaside
0920
Description                        Qty        Rate        Amount
Monthly Maintenance               1.00      100.00        100.00
                                          TOTAL:         $100.00
Greenfield Grounds Limited
P.O. Box 33-127
Takapuna
Ph: (09) 443-5011               Bank Account No. 03-0275-0285025-00
"""


def test_a_sender_block_anywhere_names_the_vendor_and_the_addressee_the_customer() -> None:
    fields = parse_page(SENDER_BLOCK_BELOW).fields
    assert fields.vendor_name == "Greenfield Grounds Limited"
    assert fields.customer_name == "Harbour View Apartments"
    # A company heading a block with no way to reach or pay it is an addressee.
    addressee = SENDER_BLOCK_BELOW.replace("Ph: (09) 443-5011", "Auckland").replace(
        "Bank Account No. 03-0275-0285025-00", ""
    )
    assert parse_page(addressee).fields.vendor_name != "Greenfield Grounds Limited"


def test_a_column_heading_is_no_name() -> None:
    page = "Factura\nCliente:\nLínea      Artículo     Cantidad\nTotal     10,00 EUR\n"
    assert parse_page(page).fields.customer_name is None


NET_AND_GROSS_COLUMNS = """\
DESCRIZIONE                      IMPORTO        IVA       TOTALE
Manodopera                      100,00 €        22%     122,00 €
Materiale                        50,00 €        22%      61,00 €
Imponibile                                              150,00 €
Imposta                                                  33,00 €
Totale                                                  183,00 €
"""


def test_of_two_amount_columns_the_one_that_adds_up_gives_the_items() -> None:
    items = parse_page(NET_AND_GROSS_COLUMNS).line_items
    assert [i.amount for i in items] == [Decimal("100.00"), Decimal("50.00")]


def test_invisible_characters_inside_labels_and_a_number_word_after_invoice() -> None:
    page = (
        "                                         Invoice\n"
        "                                         DATE\u200b: 01/02/2024\n"
        "                                         INVOICE\u200b: NO. 001\n"
        "FROM: Company ABC          TO: John Doe\n"
        "                  Subtotal            $2000.00\n"
        "                  Tax                 $140.00\n"
        "                  BALANCE DUE         $2140.00\n"
    )
    fields = parse_page(page).fields
    assert fields.invoice_number == "001"
    assert fields.invoice_date == dt.date(2024, 1, 2)
    assert (fields.vendor_name, fields.customer_name) == ("Company ABC", "John Doe")


def test_total_with_its_qualifier_in_brackets_is_the_subtotal_and_taxes_the_tax() -> None:
    page = (
        "Dunder Mifflin\n"
        "Invoice No: 17\n"
        "                                  Total (excl. taxes):      $50.00\n"
        "                                             Taxes:        $10.00\n"
        "                                             Total:        $60.00\n"
    )
    fields = parse_page(page).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("50.00"),
        Decimal("10.00"),
        Decimal("60.00"),
    )


def test_a_telecom_bills_subscriber_is_the_customer_and_no_title_stays_on_a_name() -> None:
    page = (
        "Free Service Abonné\n"
        "75371 Paris Cedex 08\n"
        "Adresse email de contact                      Nom de l\u2019abonné\n"
        "alexis@example.fr                             de Lattre Alexis\n"
        "Facture n°562044387 du 02 Juillet 2015\n"
        "Total facture                     24.99          5.00          29.99\n"
    )
    assert parse_page(page).fields.customer_name == "de Lattre Alexis"
    letter = (
        "ACME GmbH\nRechnung Nr. 4711\nRechnung an: Herrn Max Mustermann\nGesamtbetrag 5,00 €\n"
    )
    assert parse_page(letter).fields.customer_name == "Max Mustermann"


def test_what_a_bare_invoice_or_subscriber_label_must_not_take() -> None:
    dated = "ACME Ltd\nInvoice: 12 March 2024\nInvoice Number: INV-77\nTotal 10.00\n"
    assert parse_page(dated).fields.invoice_number == "INV-77"
    ids = (
        "ACME Ltd\nInvoice No. 5\n"
        "Subscriber ID            Bill to: Jane Roe\n"
        "MOB-AB-123\n"
        "Total 10.00\n"
    )
    assert parse_page(ids).fields.customer_name == "Jane Roe"


def test_a_company_named_after_a_title_keeps_it() -> None:
    page = "Invoice No. 12\nBill to: Dr. Oetker GmbH\nFrom: Ms Foods Ltd\nTotal 10.00\n"
    fields = parse_page(page).fields
    assert (fields.customer_name, fields.vendor_name) == ("Dr. Oetker GmbH", "Ms Foods Ltd")


def test_argentine_and_brazilian_labels() -> None:
    # AFIP's layout: "Comp. Nro", "Fecha de Vto. para el pago", "Importe Neto Gravado".
    afip = (
        "Repuestos SRL                              FACTURA\n"
        "                                           Punto de Venta: 00001   Comp. Nro: 00000125\n"
        "                                           Fecha de Emisión: 13/02/2023\n"
        "                  Fecha de Vto. para el pago: 13/03/2023\n"
        "                               Importe Neto Gravado: $       1000,00\n"
        "                                            IVA 21%: $        210,00\n"
        "                                      Importe Total: $       1210,00\n"
    )
    fields = parse_page(afip).fields
    assert fields.invoice_number == "00001-00000125"  # point of sale and number
    assert fields.due_date == dt.date(2023, 3, 13)
    assert (fields.subtotal, fields.tax) == (Decimal("1000.00"), Decimal("210.00"))
    nfse = (
        "NÚMERO DA NFS-E       DATA E HORA DA EMISSÃO DA NFS-E\n"
        "243                   09/06/2026 10:29:12\n"
    )
    fields = parse_page(nfse).fields
    assert (fields.invoice_number, fields.invoice_date) == ("243", dt.date(2026, 6, 9))


def test_a_subtotal_that_includes_the_tax_does_not_win_with_a_zero_tax_row() -> None:
    # "Subtotal" here is the sum of the lines with VAT; the net and the VAT are in the
    # breakdown, beside 0.00 rows for the other rates. Both readings add up to the total.
    page = (
        "Repuestos SRL                FACTURA N° 0001-00000125\n"
        "                                      Subtotal:          1210,00\n"
        "                                       IVA 27%: $           0,00\n"
        "                          Importe Neto Gravado: $        1000,00\n"
        "                                       IVA 21%: $         210,00\n"
        "                                 Importe Total: $        1210,00\n"
    )
    fields = parse_page(page).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("1000.00"),
        Decimal("210.00"),
        Decimal("1210.00"),
    )
    credit_note = (
        page.replace("FACTURA", "NOTA DE CRÉDITO")
        .replace(" 1", " -1")
        .replace(" 210,00", "-210,00")
    )
    fields = parse_page(credit_note).fields
    assert (fields.subtotal, fields.tax) == (Decimal("-1000.00"), Decimal("-210.00"))


def test_nr_alone_under_the_title_is_the_invoice_number_but_not_the_customers() -> None:
    page = (
        "Exact Belgium BVBA\n"
        "                  FACTUUR                 ONZE REFERENTIE\n"
        "  Nr.                16117778         Exact Online April\n"
        "  Datum              21-04-2016\n"
        "  Klant nr.          972044610\n"
        "Totaal    31,00\n"
    )
    assert parse_page(page).fields.invoice_number == "16117778"


def test_a_date_under_its_label_beside_a_long_line_that_reaches_into_its_columns() -> None:
    page = (
        "ACME SRL\n"
        "FATTURA N. 12 del 29/10/2024\n"
        "PAGAMENTO                        BANCA                           SCADENZE\n"
        "BONIFICO 30GG                    BANCA ESEMPIO IBAN: IT95U05116 BIC  28/11/24\n"
    )
    assert parse_page(page).fields.due_date == dt.date(2024, 11, 28)


def test_argentine_customer_labels() -> None:
    page = (
        "TALLER EJEMPLO SRL                 Factura N° 0003-00003668\n"
        "Señor/es: SEGUROS LA SEGUNDA                   Cuenta Nro.: 124\n"
        "Importe Total: $ 1210,00\n"
    )
    assert parse_page(page).fields.customer_name == "SEGUROS LA SEGUNDA"
    page = (
        "REPUESTOS SRL                      Factura N° 0001-00000125\n"
        "CUIT: 30500017704     Apellido y Nombre / Razón Social: LA SEGUNDA COOPERATIVA\n"
        "Importe Total: $ 1210,00\n"
    )
    assert parse_page(page).fields.customer_name == "LA SEGUNDA COOPERATIVA"


def test_the_addressee_block_interleaved_with_the_senders_column_and_an_attention_line() -> None:
    page = (
        "   Factuur\n"
        "                                                  Exact Belgium II BVBA\n"
        "                                                  Koningin Astridlaan 166\n"
        "    AttOra                                        1780 Wemmel\n"
        "    T.a.v. Crediteurenadministratie\n"
        "                                                  BTW:   BE0505890632\n"
        "    Hutsepotstraat 94\n"
        "                                                  IBAN:  NL98ABNA0474400964\n"
        "    9052 Gent\n"
        "  Nr.         16117778\n"
        "  Totaal bedrag incl. BTW    €  37,51\n"
    )
    fields = parse_page(page).fields
    assert (fields.vendor_name, fields.customer_name) == ("Exact Belgium II BVBA", "AttOra")


def test_what_nr_or_comp_no_must_not_take() -> None:
    customer_number = "ACME GmbH\nRechnung R-77\nKunde          Nr. 12345\nGesamtbetrag 5,00 €\n"
    assert parse_page(customer_number).fields.invoice_number == "R-77"
    delivery_note = "ACME SRL\nNr. DDT 8812 del 20/10/2024\nFattura 12 del 21/10/2024\n"
    assert parse_page(delivery_note).fields.invoice_number == "12"
    company_number = "ACME Ltd   Comp. No. 01234567\nInvoice INV-77\nTotal 10.00\n"
    assert parse_page(company_number).fields.invoice_number == "INV-77"


def test_an_attention_line_under_another_block_keeps_its_person() -> None:
    page = (
        "ACME Ltd\n"
        "12 High Street\n"
        "Leeds LS1 1AA\n"
        "Attn: John Smith\n"
        "1 Main Street\n"
        "Springfield IL 62701\n"
        "Invoice No. 5\n"
        "Total 10.00\n"
    )
    assert parse_page(page).fields.customer_name == "John Smith"
    dutch = (
        "ACME BV\nKeizersgracht 1\n1012 AB Amsterdam\n"
        "T.a.v. Dhr. Jansen\nDorpsstraat 5\n9052 Gent\nFactuur Nr. 5\nTotaal 10,00\n"
    )
    assert parse_page(dutch).fields.customer_name == "Jansen"


def test_an_argentine_invoice_is_numbered_by_point_of_sale_and_number() -> None:
    # Two fields on the number's row (the AFIP layout), and one label whose dash the
    # PDF draws off the text line.
    fields = (
        "ORIGINAL\n"
        "  Repuestos & Logistica             A       FACTURA\n"
        "                                            Punto de Venta: 00001   Comp. Nro: 00000125\n"
        "Razón Social: CAPUTTO PABLO ROBERTO         Fecha de Emisión: 13/02/2023\n"
        "CUIT:   30500017704     Apellido y Nombre / Razón Social: LA SEGUNDA COOPERATIVA\n"
        "Importe Total: $ 594636,99\n"
    )
    parsed = parse_page(fields).fields
    assert parsed.invoice_number == "00001-00000125"
    assert (parsed.vendor_name, parsed.customer_name) == (
        "CAPUTTO PABLO ROBERTO",
        "LA SEGUNDA COOPERATIVA",
    )
    one_label = "TALLER SA\n      NUMERO:       00003    00003668\n      FECHA: 14/02/2023\n"
    assert parse_page(one_label).fields.invoice_number == "00003-00003668"


def test_what_the_point_of_sale_rules_leave_alone() -> None:
    # A number that is not padded as a point of sale, and a "Razón Social" in the
    # customer's block, keep their ordinary reading.
    two_numbers = "ACME SL\nFactura Nº: 2024    00000125\nTotal 10,00\n"
    assert parse_page(two_numbers).fields.invoice_number == "2024"
    customer_block = "Factura 77\nCliente:\nRazón Social: Compras Norte SL\nTotal 10,00\n"
    assert parse_page(customer_block).fields.vendor_name != "Compras Norte SL"
    copy_mark = "ORIGINAL\nFactura 77\nTotal 10,00\n"
    assert parse_page(copy_mark).fields.vendor_name is None


def test_labels_a_fifth_real_set_showed() -> None:
    stripe = "Invoice number 8B83747E\nDate of issue  July 19, 2025\nDate due   August 1, 2025\n"
    assert parse_page(stripe).fields.due_date == dt.date(2025, 8, 1)
    dian = (
        "Francorp S.A.S.\n"
        "Factura electrónica de venta: Q83220078482\n"
        "Nombre Cliente\n"
        "Alejandro Uribe Sanchez\n"
        "PLAZO\n"
        "11.07.2025\n"
    )
    fields = parse_page(dian).fields
    assert (fields.invoice_number, fields.customer_name) == (
        "Q83220078482",
        "Alejandro Uribe Sanchez",
    )
    assert fields.due_date == dt.date(2025, 7, 11)
    assert parse_page("Factura 7\nPlazo: 30 días\n").fields.due_date is None
    receipt = (
        "                                Ricevuta d'acquisto\n"
        "FRANCESCO SALZANO               Data ricevuta        10 luglio 2020\n"
        "Indirizzo di fatturazione                   Venduto da\n"
        "Francesco Salzano                           Amazon EU S.à r.l., Succursale Italiana\n"
    )
    fields = parse_page(receipt).fields
    assert fields.invoice_date == dt.date(2020, 7, 10)
    assert fields.vendor_name == "Amazon EU S.à r.l., Succursale Italiana"


def test_dutch_totals_with_freight_and_the_rate_beside_the_tax() -> None:
    page = (
        "Factuurnr. 98559514\n"
        " Netto goederenwaarde                                   534,87\n"
        " Vrachtkosten                                            19,95\n"
        " BTW plichtig bedrag                                    554,82\n"
        " Af te dragen BTW            21,00    %                 116,51\n"
        " Rekeningsbedrag                                        671,33\n"
    )
    fields = parse_page(page).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("554.82"),
        Decimal("116.51"),
        Decimal("671.33"),
    )


def test_a_bill_to_block_naming_a_person_then_the_company_bills_the_company() -> None:
    page = (
        "Invoice number: 4836212534\n"
        "Bill to\n"
        "Thomas Flassbeck\n"
        "SimFin Analytics GmbH\n"
        "Pfälzer Ufer 4\n"
    )
    assert parse_page(page).fields.customer_name == "SimFin Analytics GmbH"
    person = "Invoice 5\nBill to\nThomas Flassbeck\nPfälzer Ufer 4\n06108 Halle\n"
    assert parse_page(person).fields.customer_name == "Thomas Flassbeck"


def test_a_letter_dated_in_its_heading_without_a_label() -> None:
    page = (
        "                                             Rechnung\n"
        "Medienpilot GmbH & Co. KG                    Reichenschwand          04.07.2023\n"
        "                                             Rechnungs-Nr                 02581\n"
        "SimFin Analytics GmbH                        Lieferdatum,            30.06.2023\n"
        "#    Beschreibung                      Menge      Einzelpreis      Gesamt\n"
        "1    Beratung                          1,00       100,00 €         100,00 €\n"
    )
    assert parse_page(page).fields.invoice_date == dt.date(2023, 7, 4)
    # A date that ends a sentence, or a labelled one, is not the letter's.
    sentence = (
        "NOTA FISCAL\n"
        "RPS nº. 131273, Série: U, emitido em 30/06/2025, conversão em\n"
        "                  11/07/2025\n"
    )
    assert parse_page(sentence).fields.invoice_date is None
    labelled = "ACME GmbH\nLieferdatum\n30.06.2023\nRechnungs-Nr 5\n"
    assert parse_page(labelled).fields.invoice_date is None


def test_a_letter_dated_at_its_foot_over_the_signature() -> None:
    page = (
        "                                  FACTURA Nº012025-INAG\n"
        "ARRENDADOR:        D. Carlos Pérez Pais\n"
        "CONCEPTO:          Alquiler enero 2025\n"
        "TOTAL                       352,00 €\n"
        "\n"
        "                   Los Llanos de Aridane, 7 de enero de 2025\n"
        "                        Fdo. Carlos Pérez Pais\n"
    )
    assert parse_page(page).fields.invoice_date == dt.date(2025, 1, 7)
    italian = "ACME Srl\nTotale      100,00\n\n                         Roma, lì 12/03/2024\n"
    assert parse_page(italian).fields.invoice_date == dt.date(2024, 3, 12)
    # Down there a date needs its town: a bare one, or one in a sentence, may be anything.
    for line in ("03/05/2024", "Entregado el 3 de mayo de 2024", "Lectura 03/05/2024   Firma"):
        page = f"ACME SL\nTotal        100,00\n\n                          {line}\n"
        assert parse_page(page).fields.invoice_date is None, line


def test_a_receipt_with_only_its_order_date_was_issued_on_it() -> None:
    receipt = (
        "Tax Invoice\n"
        "Envato\n"
        "To:   iViveLabs Ltd                                   Order date: 28 Jan 15\n"
        "                                                      Invoice No. 12429647\n"
        "Invoice Total: $101.00\n"
    )
    parsed = parse_page(receipt)
    assert parsed.fields.invoice_date == dt.date(2015, 1, 28)
    assert parsed.confidence["invoice_date"] < 0.6  # weaker than a labelled date
    german = "ACME GmbH\nBestelldatum:   03.02.2024\nRechnungsnummer 5\n"
    assert parse_page(german).fields.invoice_date == dt.date(2024, 2, 3)
    # Not when the invoice gives its own date, nor from a delivery date or two orders.
    dated = "ACME GmbH\nOrder date: 01.02.2024\nInvoice date: 03.02.2024\n"
    assert parse_page(dated).fields.invoice_date == dt.date(2024, 2, 3)
    for lines in ("Delivery date: 01.02.2024", "Order date: 01.02.2024\nOrder date: 05.02.2024"):
        assert parse_page(f"ACME GmbH\n{lines}\n").fields.invoice_date is None, lines


def test_a_due_date_in_a_totals_label_or_as_the_payment_terms() -> None:
    bill = (
        "Tax invoice\n"
        "                   Total before GST                  $72.16\n"
        "                   Invoice total due 18 Feb 20       $82.98\n"
    )
    fields = parse_page(bill).fields
    assert (fields.due_date, fields.total) == (dt.date(2020, 2, 18), Decimal("82.98"))
    for terms in ("Terms of Payment:   Up to 31.01.2020", "Zahlungsbedingungen:   bis 31.01.2020"):
        assert parse_page(f"ACME Ltd\n{terms}\n").fields.due_date == dt.date(2020, 1, 31)
    # Terms that count from a date do not give it as the due date.
    counted = "ACME Ltd\nPayment terms:   30 days from 01.01.2020\n"
    assert parse_page(counted).fields.due_date is None


@pytest.mark.parametrize("company", ["Amazon EU S.a.r.L", "Amazon EU S.à r.l.", "Lebrun SARL"])
def test_a_company_and_its_address_on_the_line_over_the_legal_details(company: str) -> None:
    page = (
        "amazon.de                                     Rechnung\n"
        "Rechnungsnr. EUVINS1-120725895\n"
        "Gesamtsumme       EUR 35,24\n"
        "\n"
        f"          {company}, 5 Rue Plaetis, L-2338, Luxembourg\n"
        "                  USt-ID : ATU62353134\n"
    )
    assert parse_page(page).fields.vendor_name == company


@pytest.mark.parametrize(
    "line", ["c/- Body Corporate Administration Ltd", "C/O Harbour Tools Ltd", "z. Hd. Muster GmbH"]
)
def test_a_care_of_line_is_the_addressee_not_the_vendor(line: str) -> None:
    page = f"Tax Invoice\nBC 094432\n{line}\nP.O. Box 2322\nInvoice No: 1870\nTotal  $10.00\n"
    assert parse_page(page).fields.vendor_name is None


def test_a_labelled_bank_line_over_the_legal_details_is_no_vendor() -> None:
    page = (
        "Panadería Sánchez                             FACTURA\n"
        "Total:            5.788,33 €\n"
        "\n"
        "Banco: Nordbank AG, IBAN ES43 0571 8185 2689 4827 76\n"
        "Inscrita en el Registro Mercantil de Madrid, tomo 1234, folio 56.\n"
    )
    assert parse_page(page).fields.vendor_name == "Panadería Sánchez"


def test_a_titled_person_heading_an_address_block_is_the_customer() -> None:
    head = (
        "                                              Tax invoice\n"
        "                                              Invoice no.  191854266\n"
        "                                              Vodafone New Zealand Limited\n"
        "      Mr David Nunns\n"
    )
    address = "      Flat 9C Meridian Apartments\n      11 Howe Street\n      AUCKLAND 1011\n"
    assert parse_page(head + address).fields.customer_name == "David Nunns"
    # Without an address under it, a titled name may be anyone's (a contact, a signature).
    assert parse_page(head + "      Thank you for your business\n").fields.customer_name is None


def test_a_tax_breakdown_of_one_rate_confirmed_by_its_total_row() -> None:
    head = (
        "Rechnung                                     Zahlbetrag           1.588,22 €\n"
        "                                   USt. %        Zwischensumme          USt.\n"
        "                                                   (ohne USt.)\n"
    )
    one = head + (
        "                                     0%            1.588,22 €         0,00 €\n"
        "                               USt. Gesamt         1.588,22 €         0,00 €\n"
    )
    fields = parse_page(one).fields
    assert (fields.subtotal, fields.tax) == (Decimal("1588.22"), Decimal("0.00"))
    # Two rates that happen to be equal, with no total row, are both counted.
    two = head + (
        "                                    19%              100,00 €        19,00 €\n"
        "                                     7%              100,00 €         7,00 €\n"
    )
    assert parse_page(two).fields.subtotal == Decimal("200.00")


def test_an_invoice_number_issued_on_a_date_gives_the_invoice_date() -> None:
    bill = (
        "DATOS DE LA FACTURA DE ELECTRICIDAD\n"
        "N° factura: C24CON003123634 emitida el 01 de octubre de 2024\n"
        "Fecha de cargo: 11 de octubre de 2024\n"
        "TOTAL IMPORTE FACTURA                              46,61 €\n"
    )
    fields = parse_page(bill).fields
    assert (fields.invoice_number, fields.invoice_date) == ("C24CON003123634", dt.date(2024, 10, 1))
    english = "ACME Ltd\nInvoice No. 4711 issued on 3 March 2024\nTotal 10.00\n"
    assert parse_page(english).fields.invoice_date == dt.date(2024, 3, 3)


def test_amounts_side_by_side_one_space_apart_are_cells_of_their_own() -> None:
    assert [s.text for s in page_rows("TOTAL:        ₹116.54 ₹764.00")[0]] == [
        "TOTAL:",
        "₹116.54",
        "₹764.00",
    ]
    # One amount with its digits grouped by a space stays one.
    assert [s.text for s in page_rows("Total   1 234,56")[0]] == ["Total", "1 234,56"]


def test_a_sums_row_under_a_tax_column_gives_the_tax() -> None:
    page = (
        "Tax Invoice/Bill of Supply/Cash Memo\n"
        "Invoice Number : BOM5-5826861\n"
        "Sl.                          Unit      Net      Tax Tax   Tax     Total\n"
        "No Description               Price     Qty      Rate Type Amount  Amount\n"
        " 1 Steelbird Helmet          ₹647.46   1        9% CGST ₹58.27   ₹764.00\n"
        "                                                9% SGST ₹58.27\n"
        "TOTAL:                                                  ₹116.54 ₹764.00\n"
    )
    fields = parse_page(page).fields
    assert (fields.tax, fields.total) == (Decimal("116.54"), Decimal("764.00"))
    # A free shipping line, the only line read, says nothing of which is the total.
    free = (
        "Invoice Number : BOM5-5826861\n"
        "Sl.                     Unit              Net    Tax  Tax  Tax    Total\n"
        "No Description          Price  Discount Qty Amount Rate Type Amount Amount\n"
        " 1 Sparx Men's Loafers  ₹475.24 ₹0.00  1 ₹475.24 5% IGST ₹23.76 ₹499.00\n"
        "   Shipping Charges     ₹38.10 -₹38.10    ₹0.00  5% IGST ₹0.00    ₹0.00\n"
        "TOTAL:                                                  ₹23.76 ₹499.00\n"
    )
    fields = parse_page(free).fields
    assert (fields.tax, fields.total) == (Decimal("23.76"), Decimal("499.00"))


def test_what_the_date_terms_and_address_rules_leave_alone() -> None:
    # A date of invoicing is the invoice's, whatever the inflection.
    invoicing = "ACME Ltd\nInvoice No: 5\nDate of invoicing: 03/04/2024\nTotal 10.00\n"
    assert parse_page(invoicing).fields.invoice_date == dt.date(2024, 4, 3)
    # Terms of something else give no due date; thanks at the foot are no town.
    assert parse_page("ACME Ltd\nTerms of delivery:   by 12.03.2024\n").fields.due_date is None
    thanks = "ACME Ltd\nTotal    10.00\n\n         Thank you for your order, 12 March 2024\n"
    assert parse_page(thanks).fields.invoice_date is None
    # A sentence naming a company over the legal details is not the company line.
    payable = (
        "Invoice 5\nTotal 10,00\n\n\n"
        "Please make all cheques payable to ACME Ltd, 12 High St, London\n     VAT No: GB123\n"
    )
    assert parse_page(payable).fields.vendor_name is None
    # A care-of company is no vendor, but may well be the customer.
    care_of = "Invoice 5\nBill to:\nJohn Smith\nc/o Harbour Tools Ltd\n12 High Street\nTotal 1.00\n"
    assert parse_page(care_of).fields.customer_name == "Harbour Tools Ltd"


def test_a_table_of_quantities_and_amounts_without_unit_prices() -> None:
    page = (
        "Invoice number: 4836212534\n"
        "Subscription                       Description   Interval          Quantity   Amount(€)\n"
        "Google Workspace Business Standard Usage         Oct 1 - Oct 31          8       83.20\n"
        "                                   Subtotal in EUR                               €83.20\n"
        "                                   VAT (0%)                                       €0.00\n"
        "                                   Total in EUR                                  €83.20\n"
    )
    items = parse_page(page).line_items
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [(8, None, Decimal("83.20"))]


def test_a_colombian_e_invoice_header_and_its_item_rows_tax_cells() -> None:
    page = (
        "                 Francorp S.A.S. - 900178348-7\n"
        "Factura electrónica de venta: Q83220078482\n"
        "U/M    Cant     Precio unitario Impuesto % $           Total\n"
        "94     1        4,369.75           IVA 19.00                5,200\n"
        "94     1        67,815.13          IVA 19.00               80,700\n"
        "                                SUBTOTAL            $ 111,428.58\n"
        "                                IVA 19.00%            $ 21.171,43\n"
        "                               TOTAL COP            $ 132,600.01\n"
        "  Proveedor Tecnológico: Carvajal Tecnología y Servicios S.A.S BIC - Nombre del SW: CEN\n"
        "                      Financiero - Nit: 890.321.151-0\n"
    )
    fields = parse_page(page).fields
    assert fields.vendor_name == "Francorp S.A.S."
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("111428.58"),
        Decimal("21171.43"),
        Decimal("132600.01"),
    )


def test_what_a_longer_label_or_a_bank_code_still_means() -> None:
    # "Bill to Address:" still labels the customer; a bank's BIC still marks a footer.
    billed = "Invoice 5\nBill to Address:\nAcme Widgets Ltd\n1 Main Street\n"
    assert parse_page(billed).fields.customer_name == "Acme Widgets Ltd"
    footer = (
        "Invoice 5\nTotal 10.00\n\n\n\n"
        "Acme Widgets GmbH   IBAN DE02120300000000202051   BIC: BYLADEM1001\n"
    )
    assert parse_page(footer).fields.vendor_name == "Acme Widgets GmbH"


def test_a_till_receipts_totals_as_ocr_reads_them() -> None:
    page = (
        "           SIMPLIFIED TAX INVOICE\n"
        "\u2018DocNo        -\u2014~CS00012727 ~\u2014\u2014\n"
        " Total Qty        3                  636   \u2014\n"
        "      Total Sales (Excluding GST)  -  6.00\n"
        "                     TotalGST  .     0.36\n"
        "  Total Sales (Inclusive of GST) :   6.36\n"
        "                        CASH   :     RM 6.36\n"
    )
    fields = parse_page(page).fields
    assert fields.invoice_number == "CS00012727"
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("6.00"),
        Decimal("0.36"),
        Decimal("6.36"),
    )
    assert fields.currency == "MYR"


def test_a_window_envelope_letter_names_its_sender_over_the_addressee() -> None:
    page = (
        "Telekom Deutschland GmbH, 53171 Bonn                    Datum             14.04.2026\n"
        "                                                        Rechnungsnummer   726 752 5181\n"
        "Levent Cetin\n"
        "Finkenstr. 8\n"
        "47057 Duisburg\n"
        "Rechnungsbetrag                                         59,94 €\n"
    )
    fields = parse_page(page).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "Telekom Deutschland GmbH",
        "Levent Cetin",
    )
    commas = (
        "K&K Kommunikationssysteme GmbH,Haunstetter Str 19,86161 Augsburg\n"
        "gsr Unternehmensberatung GmbH\n"
        "Rainer Strobel\n"
        "Von-der-Tann-Str. 45\n"
        "86159 Augsburg\n"
        "Rechnung Nr. 202430082\n"
    )
    fields = parse_page(commas).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "K&K Kommunikationssysteme GmbH",
        "gsr Unternehmensberatung GmbH",
    )
    # An address written on one line with no address block under it is no sender line.
    lone = "Invoice 5\nAcme Ltd, 12 High Street, 10115 Berlin\nTotal 10.00\n"
    assert parse_page(lone).fields.customer_name is None


def test_a_greeting_names_the_customer_and_a_salutation_is_never_the_vendor() -> None:
    greeted = (
        "Enel Energia - Mercato libero dell'energia\n"
        "Gentile COMUNE DI SESTO AL REGHENA,\n"
        "                                  COMUNE DI SESTO AL REGHENA Amm. pub.\n"
        "Totale Bolletta   2.589,80 €\n"
    )
    assert parse_page(greeted).fields.customer_name == "COMUNE DI SESTO AL REGHENA"
    # A greeting whose name the page prints nowhere else, or that greets no one.
    for greeting in (
        "Dear Jane,",
        "Dear Valued Customer,",
        "Sehr geehrte Kundin, sehr geehrter Kunde,",
    ):
        assert parse_page(f"ACME GmbH\n{greeting}\nRechnung 5\n").fields.customer_name is None
    generic = "ACME GmbH\nSehr geehrte Damen und Herren,\nRechnung 5\n"
    assert parse_page(generic).fields.customer_name is None
    addressed = "factuur\n Mevrouw M.S. Post           contactpersoon\n Fugastraat 10\n"
    assert parse_page(addressed).fields.vendor_name != "Mevrouw M.S. Post"


def test_who_is_who_labels_a_sixth_real_set_showed() -> None:
    remit = (
        "Invoice Number  CIV-104210842\n"
        "   Bill To:                                  Remit To:\n"
        "   Ekashree Shah                             IU Internationale Hochschule GmbH\n"
    )
    fields = parse_page(remit).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "IU Internationale Hochschule GmbH",
        "Ekashree Shah",
    )
    spanish = (
        "Remite: IBERDROLA CLIENTES, S.A.U. Apartado de Correos 61175 28080 Madrid\n"
        "Titular\n"
        "LICEO SPORTCENTER S.L\n"
    )
    fields = parse_page(spanish).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "IBERDROLA CLIENTES, S.A.U.",
        "LICEO SPORTCENTER S.L",
    )
    french = (
        "Facture 082083\n"
        "          CLIENT LIVRE            CLIENT FACTURE\n"
        " L'ECO                   002250 L'ECOSERIE\n"
    )
    assert parse_page(french).fields.customer_name == "L'ECOSERIE"


def test_a_telecom_bill_sums_then_adds_its_tax_with_a_plus() -> None:
    page = (
        "Telekom Deutschland GmbH, 53171 Bonn              Rechnungsnummer     726 752 5181\n"
        "Grundpreise                                                   50,37 €\n"
        "Summe Betrag                                                  50,37 €\n"
        "+19 % USt. auf 50,37 €                                         9,57 €\n"
        "Rechnungsbetrag                                               59,94 €\n"
    )
    fields = parse_page(page).fields
    assert fields.invoice_number == "726 752 5181"
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("50.37"),
        Decimal("9.57"),
        Decimal("59.94"),
    )


def test_a_title_with_its_number_beside_it_and_dates_in_a_table_of_readings() -> None:
    page = (
        "Pôle Yvon Morandat\n"
        "388 Avenue Galerie de la Mer                              Facture           082083\n"
        "13120 GARDANNE\n"
    )
    assert parse_page(page).fields.invoice_number == "082083"
    readings = (
        "INFORMACIÓN SOBRE CONSUMO\n"
        "0047531898   Energía activa P1   31/10/2025   43.672   30/11/2025   43.672   0 kWh\n"
        "0047531898   Energía activa P2   31/10/2025   66.913   30/11/2025   68.188   1.275 kWh\n"
    )
    assert parse_page(readings).fields.invoice_date is None


def test_a_table_of_periods_and_amounts_with_a_credit_line() -> None:
    page = (
        "Invoice Number  CIV-104210842\n"
        " Invoice Item              From Date     To Date      Currency      Net Amount\n"
        " Tuition Fee               01.04.2024    31.03.2025   EUR             5,751.65\n"
        " Campus Fee                01.04.2024    31.03.2025   EUR             1,000.00\n"
        " Study Prepayments         01.04.2024    31.03.2025   EUR            -1,000.00\n"
        "                Net Amount                            EUR             5,751.65\n"
        "                VAT 0%                                EUR                 0.00\n"
        "                Total                                 EUR             5,751.65\n"
    )
    amounts = [item.amount for item in parse_page(page).line_items]
    assert amounts == [Decimal("5751.65"), Decimal("1000.00"), Decimal("-1000.00")]


def test_an_invoice_named_in_a_sentence() -> None:
    page = (
        "Enel Energia - Mercato libero dell'energia\n"
        "     Bolletta sintetica riferita alla fattura elettronica n. 5059958065 del 07/08/2024 "
        "valida ai fini fiscali.\n"
        "       Importo da pagare       2.122,79€\n"
    )
    fields = parse_page(page).fields
    assert (fields.invoice_number, fields.invoice_date) == ("5059958065", dt.date(2024, 8, 7))
    # Not a sentence about some other document's number.
    other = "Rechnung 77\nBitte geben Sie die Kundennummer 12345 an.\n"
    assert parse_page(other).fields.invoice_number == "77"


@pytest.mark.parametrize(
    ("line", "number", "day"),
    [
        ("Détail de la facture du 29/07/2021 N°26614600353", "26614600353", dt.date(2021, 7, 29)),
        ("Zu Ihrer Rechnung vom 12.03.2024 Nr. 4711", "4711", dt.date(2024, 3, 12)),
    ],
)
def test_an_invoice_named_in_a_sentence_date_first(line: str, number: str, day: dt.date) -> None:
    page = f"    Document à conserver 5 ans\n{line}\n    Montant TTC    80,43 €\n"
    fields = parse_page(page).fields
    assert (fields.invoice_number, fields.invoice_date) == (number, day)
    # Without a date between them, "facture du client N° 12" names no invoice; with more
    # than the date, the number is some other document's.
    assert parse_page("Facture du client N° 12\n").fields.invoice_number is None
    order = "Rechnung vom 12.03.2024 zu Auftrag Nr. 4711\n"
    assert parse_page(order).fields.invoice_number is None


def test_what_the_letter_and_name_rules_leave_alone() -> None:
    # Rome's province is no currency; a page counter is no invoice number.
    rome = "ACME Srl\nVia Appia 1, 00100 Roma (RM)\nFattura 12\nTotale 122,00\n"
    assert parse_page(rome).fields.currency is None
    counter = "ACME GmbH\nRechnung                     1/2\n"
    assert parse_page(counter).fields.invoice_number is None
    # Dates beside a label we do not know, or in a sentence, are not the letter's.
    for line in ("Plazo de entrega:   15/03/2024", "Auftrag 4711 vom 01.06.2023"):
        assert parse_page(f"ACME SL\n{line}\n").fields.invoice_date is None
    assert parse_page("ACME GmbH\nBerlin, den 3. Mai 2024\n").fields.invoice_date == dt.date(
        2024, 5, 3
    )
    # A credit note's sentence names the invoice it corrects, not its own number.
    credit = "Gutschrift\nGutschrift zur Rechnung Nr. 4711 vom 01.02.2024\n"
    assert parse_page(credit).fields.invoice_number is None
    # Names: a number that is part of one, a later legal form, a label of a longer label.
    assert parse_page("Vendor: 1901 Group LLC\n").fields.vendor_name == "1901 Group LLC"
    holding = parse_page("Bill To: Hanse Group 24 Hamburg GmbH\n").fields.customer_name
    assert holding == "Hanse Group 24 Hamburg GmbH"
    legal = parse_page("Invoice 5\nCustomer Legal Name: Beta Industries Ltd\n").fields
    assert legal.customer_name != "Customer Legal Name: Beta Industries Ltd"
    # A one-line totals bar keeps its total; "Firma" over a name is not the customer.
    bar = parse_page("Invoice 5\nItems  100.00   Shipping  5.00   Total 105.00\n").fields
    assert bar.total == Decimal("105.00")
    envelope = (
        "Muster GmbH, Hauptstr. 1, 12345 Musterstadt\n"
        "Firma\n"
        "Beispiel AG\n"
        "Beispielweg 2\n"
        "54321 Beispielstadt\n"
    )
    assert parse_page(envelope).fields.customer_name == "Beispiel AG"


ADDRESSEE_ONLY = """\
         Jansen Installatietechniek
         Dorpsstraat 14
         7311 AB APELDOORN



Referentie     : Werk Zutphen
Debiteurnummer: 440213                                           Factuurdatum   : 02-09-2024
Factuurnummer : 771204

Aantal     Omschrijving                                       Prijs per stuk        Regeltotaal
  2,00     Koppeling 22 mm                                             6,50              13,00
"""


def test_the_one_address_on_a_page_that_numbers_its_customer_is_the_customers() -> None:
    fields = parse_page(ADDRESSEE_ONLY).fields
    assert fields.customer_name == "Jansen Installatietechniek"
    # The vendor's name is in its logo: unknown, not the addressee or a label.
    assert fields.vendor_name is None
    # Without a customer number the lone block may be the sender's: no such reading.
    alone = parse_page(ADDRESSEE_ONLY.replace("Debiteurnummer: 440213", "")).fields
    assert alone.customer_name != "Jansen Installatietechniek"
    # A letterhead gives a phone or an e-mail under its address: the sender's, whatever
    # numbers the customer; and a bank's account number numbers no customer.
    letterhead = """\
Pinecrest Landscaping
418 Oak Avenue
Springfield, IL 62704
Phone: (217) 555-0142

Customer No: 7731                                   Invoice date: 03/02/2024
"""
    assert parse_page(letterhead).fields.customer_name != "Pinecrest Landscaping"
    banked = ADDRESSEE_ONLY.replace("Debiteurnummer: 440213", "Bank account number 000123456")
    assert parse_page(banked).fields.customer_name != "Jansen Installatietechniek"


VAT_SUMMARY_UNDER_THE_TOTAL = """\
Factuurdatum          3 mei 2022
Factuurnummer         WEB-NL-2022-00417
Totaal te betalen     € 12,10

Omschrijving                     Aantal   Prijs (excl. btw)   Btw-tarief   Subtotaal (incl. btw)
Inktpatroon zwart                     1             € 10,00         21%                 € 12,10

                          Totaal factuur                                                     € 12,10

                               Btw-tarief        Subtotaal item (excl. btw)         Subtotaal btw
                                      21%                           € 10,00                € 2,10
                          Totaal                                    € 10,00                € 2,10
"""


def test_longer_total_labels_win_and_a_vat_summary_gives_net_and_tax() -> None:
    fields = parse_page(VAT_SUMMARY_UNDER_THE_TOTAL).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("10.00"),
        Decimal("2.10"),
        Decimal("12.10"),
    )


def test_a_zero_amount_is_not_the_total_when_another_total_is_not() -> None:
    text = "Receipt 4471\nAmount due        0.00\nTotal           270.00\n"
    assert parse_page(text).fields.total == Decimal("270.00")
    assert parse_page("Receipt 4471\nTotal             0.00\n").fields.total == Decimal("0.00")
    credit = "Credit note 88\nBalance due        0.00\nTotal           -270.00\n"
    assert parse_page(credit).fields.total == Decimal("-270.00")


SPANISH_TOTALS_BOX = """\
Factura 25-3391                                              Fecha 12/05/2025
                TOT.      200,00                              NETO             200,00
Dpp     0,00%    1º         200,00  10%      20,00            I.V.A.            20,00
                                                      TOTAL                    220,00 €
"""


def test_neto_and_dotted_iva_label_the_net_and_the_tax() -> None:
    fields = parse_page(SPANISH_TOTALS_BOX).fields
    assert (fields.subtotal, fields.tax, fields.total) == (
        Decimal("200.00"),
        Decimal("20.00"),
        Decimal("220.00"),
    )
    assert parse_page("Neto a pagar      220,00\n").fields.subtotal is None
    assert parse_page("Peso Neto kg   1.250,00\nNeto kg      1.250,00\n").fields.subtotal is None
    # No net printed: the tax can only come from its label.
    assert parse_page("Factura 9\nI.V.A. 21%     21,00\n").fields.tax == Decimal("21.00")


def test_totals_named_in_full_are_totals_not_parts() -> None:
    # "Totaal te betalen" is the Dutch amount to pay, not "Totaal" narrowed down.
    text = "Factuurnummer  F-88\nTotaal te betalen   € 12,10\nTotaal          € 10,00\n"
    assert parse_page(text).fields.total == Decimal("12.10")
    # This invoice's total, not the statement's balance brought forward with it.
    text = "Invoice 4412\nPrevious balance    120.00\nTotal for this invoice    85.00\n"
    assert parse_page(text + "Total    205.00\n").fields.total == Decimal("85.00")


def test_to_pay_and_to_be_paid_label_the_total() -> None:
    for label in ("To pay:", "To be paid:"):
        page = (
            f"Invoice 77\nTotal excl. VAT:  1.220,00\n{label}  EUR 1.220,00\nPaid already: 0,00\n"
        )
        fields = parse_page(page).fields
        assert (fields.subtotal, fields.total) == (Decimal("1220.00"), Decimal("1220.00")), label


SWISS_WINDOW = """\
                 Services Industriels de Genève
                 Case postale 2777
                 1211 Genève 2
                 CHE-108.955.185 TVA            P.P. 1211 Genève 2              Poste CH SA
                                                Monsieur Philippe RAEMY
                                                Ch. des Sillons 8
Téléphone: 0844 800 808*                        CH-1226 THONEX
                                                N° facture    38600988 du 09.12.2024
"""


def test_the_addressee_is_under_the_postage_imprint_which_names_no_party() -> None:
    fields = parse_page(SWISS_WINDOW).fields
    assert fields.customer_name == "Philippe RAEMY"
    assert fields.vendor_name == "Services Industriels de Genève"
    # An imprint above a sender line leaves the sender line to name both parties.
    sender = (
        "P.P. 8001 Zürich             Post CH AG\n"
        "Muster Elektro AG, Bahnhofstr. 1, 8001 Zürich\n"
        "Peter Meier\n"
        "Seeweg 3\n"
        "8600 Dübendorf\n"
        "Rechnung Nr. 55\n"
    )
    both = parse_page(sender).fields
    assert (both.vendor_name, both.customer_name) == ("Muster Elektro AG", "Peter Meier")


def test_a_greeting_is_no_vendor() -> None:
    page = "Factuur\nGeachte medewerker van het Parcival college,\nTotaal:   703,15\n"
    assert parse_page(page).fields.vendor_name is None


LETTER_INVOICE = """\
Factuur

Geachte medewerker van het college,
Ik zou graag 703.15 euro willen factureren voor de scholing van docenten.
Het gefactureerde bedrag staat hieronder nader gespecificeerd. Dit bedrag graag
overmaken op NL11 TRIO 0781 5094 40.
Hartelijk dank, Richel Bilderbeek

Totaal:   703.15
"""


def test_a_letter_is_signed_by_its_vendor_and_its_prose_names_no_one() -> None:
    assert parse_page(LETTER_INVOICE).fields.vendor_name == "Richel Bilderbeek"
    # A closing alone names no one; prose is no name, capitalised or not.
    closing = LETTER_INVOICE.replace("Hartelijk dank, Richel Bilderbeek", "Met vriendelijke groet")
    assert parse_page(closing).fields.vendor_name is None


@pytest.mark.parametrize(
    ("top", "vendor"),
    [
        ("cadastre-se.", None),  # no capital: the end of a sentence broken over lines
        ("bol.com b.v.", "bol.com b.v."),  # lowercase, with its legal form
        ("2250 SOUTHGATE RD. COLORADO SPRINGS, CO", None),  # a street and its town
        ("Razón Social: TASCA BAREA SLL", "TASCA BAREA SLL"),
        ("Thanksgiving Foods Inc", "Thanksgiving Foods Inc"),  # not a closing
    ],
)
def test_what_heads_a_page_names_the_vendor_only_when_it_reads_as_a_name(
    top: str, vendor: str | None
) -> None:
    assert parse_page(f"{top}\n\nInvoice No: 77\nTotal: 10.00\n").fields.vendor_name == vendor


def test_a_signature_mark_is_not_part_of_the_name_and_not_another_party() -> None:
    page = (
        "                       Fdo. MERCADONA S.A.\n"
        "MERCADONA S.A.                           DATOS FISCALES\n"
        "C/ Valencia, 5                           Razón Social: TASCA BAREA SLL\n"
        "Factura: A-1001\nTotal: 33,20\n"
    )
    fields = parse_page(page).fields
    assert (fields.vendor_name, fields.customer_name) == ("MERCADONA S.A.", "TASCA BAREA SLL")


def test_to_alone_over_a_name_labels_the_customer_but_not_within_a_slogan() -> None:
    page = (
        "Invoice FI15636047324\n\n"
        "To                                   Date issued\n"
        "SimFin Analytics GmbH                Mar 4, 2023\n"
        "Pfälzer Ufer 4\n\n"
        "Total (EUR)   208.13\n"
    )
    assert parse_page(page).fields.customer_name == "SimFin Analytics GmbH"
    slogan = (
        "Office DEPOT\n\nTotal:   43.59\n"
        "WE  WANT   TO   HEAR   FROM   YOU!\n"
        "Visit   survey.officedepot.com\n"
    )
    fields = parse_page(slogan).fields
    assert (fields.vendor_name, fields.customer_name) == ("Office DEPOT", None)


def test_a_bare_total_of_a_table_yields_to_the_amount_the_invoice_names() -> None:
    page = (
        "Fattura    : 2452493\n"
        "Numero statistico   CBS definizione        Quantità    EUR Netto    Lordo (Cg)\n"
        "06031100            Rose                        155       154,24       12\n"
        "                    Totale                    1.242       956,98       85\n"
        "Zero Rated - intercommunity supply      Ammontare della fattura EUR       981,97\n"
    )
    assert parse_page(page).fields.total == Decimal("981.97")
    # Alone, the table's total is read, its counts left aside.
    alone = page.replace("Ammontare della fattura EUR       981,97", "")
    assert parse_page(alone).fields.total == Decimal("956.98")


def test_a_letter_addressed_to_a_person_at_an_organisation_bills_the_organisation() -> None:
    page = (
        "  TENNISMEHL GmbH Hundsberg 13 97950 Großrinderfeld\n\n"
        "  TG Höchberg -TA\n"
        "  Herrn Andreas Dallner\n"
        "  Albrecht-Dürer-Straße 44\n"
        "  97204 Höchberg\n\n"
        "  RECHNUNG                      Lieferadresse\n"
        "  2503001                       TG Höchberg -TA\n"
        "  Gesamtsumme                   3.834,06\n\n"
        "  TENNISMEHL GmbH · Amtsgericht Würzburg HRB 13520\n"
    )
    fields = parse_page(page).fields
    assert (fields.invoice_number, fields.vendor_name) == ("2503001", "TENNISMEHL GmbH")
    assert fields.customer_name == "TG Höchberg -TA"


@pytest.mark.parametrize("line", ["Allée Jean Marie AMELIN", "Bâtiment E", "Rue du Port"])
def test_french_street_and_building_lines_are_no_vendor(line: str) -> None:
    page = f"{line}\n51370 CHAMPIGNY        FACTURE\nFacture n° : 23013043\nTotal TTC 451,69\n"
    assert parse_page(page).fields.vendor_name is None


def test_the_customer_is_the_organisation_under_the_person_to_see() -> None:
    page = (
        "INVOICE  # 9379\n"
        "Invoice To:\n"
        "                Attn: Paula Beaton\n"
        "                BCA\n"
        "                Level 3 , 115 Queen St\n"
        "Total   73.75\n"
    )
    assert parse_page(page).fields.customer_name == "BCA"
    # With nothing under the person, the person.
    alone = "INVOICE  # 9379\nInvoice To:\n                Attn: Paula Beaton"
    assert parse_page(alone).fields.customer_name == "Paula Beaton"


def test_a_simplified_invoice_number_numbers_a_receipt_only_when_nothing_else_does() -> None:
    receipt = "Pingo Doce\nFatura Simplificada  FS 04890902308181410/047766\nTotal 15,77\n"
    assert parse_page(receipt).fields.invoice_number == "FS 04890902308181410/047766"
    invoice = "Factura Simplificada: 3995-016-322364\nFactura: A-1001\nTotal 33,20\n"
    assert parse_page(invoice).fields.invoice_number == "A-1001"


def test_a_bare_total_alone_on_its_row_is_still_the_invoice_total() -> None:
    page = "Total        1,000.00\nDeposit paid 400.00\nAmount due   600.00\n"
    assert parse_page(page).fields.total == Decimal("1000.00")


def test_review_cases_of_labels_and_names() -> None:
    # "FACTURA A" is an Argentine invoice's type, not "invoice to".
    argentine = "FACTURA A\nDISTRIBUIDORA NORTE S.A.\nCUIT: 30-12345678-9\nTotal $ 1.210,00\n"
    fields = parse_page(argentine).fields
    assert (fields.vendor_name, fields.customer_name) == ("DISTRIBUIDORA NORTE S.A.", None)
    # A bare "Numero" qualified before its colon numbers something else.
    numbers = "Numero cliente: 4500123\nNumero fattura: 2024/17\n"
    assert parse_page(numbers).fields.invoice_number == "2024/17"
    # A letterhead over the person the letter is addressed to is not the customer.
    letter = "Schmidt Elektro\nHerrn Max Mustermann\nMusterweg 5\n12345 Musterstadt\n"
    assert parse_page(letter).fields.customer_name == "Max Mustermann"


def test_a_company_heading_the_footer_block_of_legal_details_is_the_vendor() -> None:
    page = (
        "Invoice FI15636047324\n\nTo\nSimFin Analytics GmbH\n\n"
        "Infographic Design     1     197.28     197.28\n"
        "Total (EUR)   208.13\n\n"
        "Purchased on Fiverr.com through Fiverr Limited\n\n\n"
        "Fiverr International Ltd.\n"
        "It Starts Here.\n"
        "8 Eliezer Kaplan St., Tel Aviv, Israel 6473409\n"
        "Company no: 514440874; VAT ID 558327284\n"
    )
    fields = parse_page(page).fields
    assert (fields.vendor_name, fields.customer_name) == (
        "Fiverr International Ltd.",
        "SimFin Analytics GmbH",
    )


def test_a_service_provider_label_names_the_vendor_under_it() -> None:
    page = (
        "                    SERVICE INFORMATION\n"
        "                    ENERGY SERVICE PROVIDER               PEAK DEMAND\n"
        "http://www.kwhydro.on.ca  KITCHENER-WILMOT HYDRO INC         (519) 743-3600\n"
        "This Bill   64.53\n"
    )
    assert parse_page(page).fields.vendor_name == "KITCHENER-WILMOT HYDRO INC"
    # A note in brackets under the label is no name.
    note = "Service Provider:\n(Not to be used for payment remittance)\nTotal 10.00\n"
    assert parse_page(note).fields.vendor_name is None


def test_a_name_label_that_a_lowercase_word_goes_on_with_is_a_phrase() -> None:
    page = (
        "                        Watercare Services Limited           2080443-01\n"
        "                            Customer   service  line\n"
        "                                                              56-892-397\n"
        "                       Mon   to Fri 7.30am  to 6pm\n"
        "Body Corporate         178333                                09 442   2222\n"
        "Total due: 77.26\n"
    )
    assert parse_page(page).fields.customer_name is None
    labelled = "Customer   Acme Ltd\nTotal due: 77.26\n"
    assert parse_page(labelled).fields.customer_name == "Acme Ltd"


def test_a_legal_form_wrapped_onto_its_own_line_joins_the_name_above() -> None:
    page = """\
                                                              Harbour Line Freight
                                                                          Limited
                                                                    P O Box 4410
                                                                  Phone: 09-555-0142
 Invoice: HL-20931                                                      Tax Invoice
                                                             Invoice date: 03/05/2021
       Kowhai Orchards
       12 Orchard Road
  DESCRIPTION                                                           AMOUNT
  Freight, Auckland to Tauranga                                         120.00
                                                            Total         120.00
"""
    assert parse_page(page).fields.vendor_name == "Harbour Line Freight Limited"


def test_a_customer_label_with_its_colon_takes_a_name_that_starts_in_lowercase() -> None:
    page = """\
Tax Invoice
Northwind Media
To:   eZone Traders Ltd                                     Invoice No. 5521
Invoice Total: $10.00
"""
    fields = parse_page(page).fields
    assert (fields.customer_name, fields.vendor_name) == ("eZone Traders Ltd", "Northwind Media")


@pytest.mark.parametrize(
    "stamp", ["Firmado digitalmente por", "Digitally signed by", "Firmato digitalmente da"]
)
def test_an_electronic_signature_stamp_is_no_vendor(stamp: str) -> None:
    assert not _could_be_vendor(stamp)
    assert _could_be_vendor("Suministros Canarios SL")
