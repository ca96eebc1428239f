"""Template-free field extraction from one page of invoice text.

`parse_page(text)` reads the layout text of one page (see `pdf_text.page_text`) and
returns what that page says. It knows label synonyms, number and date shapes and
that line items multiply out; it knows nothing about particular vendors' layouts.

Order of work on a page:
1. page-level hints: decimal mark, currency, day/month order of numeric dates;
2. the line-item table (a heading row, then rows whose numbers multiply out);
3. labelled fields, with the value inline ("Date: 14/03/2025"), to the right of the
   label, or printed below it (header tables, "Bill To" blocks);
4. the vendor, when no "From"/"Vendor" label names it: the first company-like text
   at the top of the page, above the customer block and the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from extract_service.currency import ISO_CODES, currency_in, detect_currency
from extract_service.dates import DateOrder, FoundDate, find_date, numeric_order_on_page
from extract_service.labels import (
    MONEY_FIELDS,
    NAME_FIELDS,
    LabelMatch,
    fold,
    label_after_slash,
    match_label,
)
from extract_service.line_items import (
    amount_columns,
    amount_row,
    heading_roles,
    is_column_heading,
    looks_like_item_row,
    parse_item_row,
    quantity_column,
)
from extract_service.numbers import amounts_in, detect_decimal_mark, parse_money
from extract_service.segments import Segment, page_rows
from extract_service.web_names import begins_with_name, is_web_host, name_spelled_by_domain
from invoice_shared.models import FieldSource, InvoiceFields, LineItem, PageExtraction

NO_TEXT_WARNING = "The page has no extractable text (it may be a scanned image)."

# How far (in text columns) a value may sit from its label. Names get more room
# because a bold, larger name shifts in layout text relative to its small label.
_NAME_REACH = 25
_VALUE_REACH = 3
_ROWS_BELOW = 3
_DATE_AND_NUMBER = ("invoice_date", "due_date", "invoice_number")
_BREAKDOWN_ROWS = 8  # rates in one tax breakdown, with room for a sum row

# Candidates per amount field considered when choosing totals that add up.
_MAX_CANDIDATES = 6
_CENT = Decimal("0.01")

_SERIES = re.compile(r"[A-Z]{1,4}")
# "of" / "dated" between an invoice number and its date, in the languages we read.
_CONNECTOR = (
    r"(?:of|dated|del|vom|du|de|van|d\.d\.|dd\.?|"
    # "C24CON003123634 emitida el 01 de octubre de 2024": issued on.
    r"issued(?:\s+on)?|emitid[ao](?:\s+(?:el|em))?|expedid[ao]\s+el|ausgestellt\s+am|"
    r"[eé]mise?\s+le|emess[ao]\s+il|uitgegeven\s+op)"
)
_DATED = re.compile(rf"^\S+\s+(?:[A-Z]{{1,4}}\s+)?{_CONNECTOR}\s+(.+)$", re.IGNORECASE)
_DATED_BELOW = re.compile(rf"^{_CONNECTOR}\s+(.+)$", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"(?:n\s?[°º]|no\.|nr\.|#)", re.IGNORECASE)
# A company's name is a few words, not a sentence that happens to end in "b.v.".
_MAX_NAME_WORDS = 8
_INVOICE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/._]*")
# A name has a word of three letters or more that does not start with a stray quote.
_READS_AS_A_NAME = re.compile("(?<![\u2018\u2019\u201c\u201d\"'\\w])[^\\W\\d_]{3,}")
# What a sender's block gives and an addressee's does not: a way to reach or pay them.
_CONTACT = re.compile(
    r"(?:^|\s)(?:ph|tel|phone|telefon|telephone|telefono|fax|e-?mail|web)\.?\s*:|@|www\.|"
    r"bank\s+account|iban",
    re.IGNORECASE,
)
_BLOCK_ROWS = 5
# A page saying its sale bears no tax: exempt, small-business scheme, reverse charge.
_TAX_WORDS = r"(?:vat|tva|iva|mwst|ust|btw|gst|tax|igic)\b"
# Statements that no tax is due on the whole invoice (not a tax-exempt customer's id):
# a lone total on such a page is its net as well.
_NO_TAX_DUE = re.compile(
    r"steuerfrei|umsatzsteuerbefreit|kleinunternehmer|§\s*19\s*ustg|keine\s+umsatzsteuer|"
    r"exempt\s+from\s+(?:vat|tax|gst)|(?:vat|gst)\s*-?\s*exempt\s+(?:supply|sale|invoice)|"
    r"no\s+(?:vat|gst)\s+(?:is\s+)?(?:charged|due)|tva\s+non\s+applicable|exonere\s+de\s+tva|"
    r"vrijgesteld\s+van\s+btw|esente\s+(?:da\s+)?iva|exent[oa]\s+de\s+iva|isent[oa]\s+de\s+iva|"
    r"reverse\s+charge|autoliquidation|verlegd|inversione\s+contabile"
)
_TAX_EXEMPT = re.compile(
    r"exempt|exonere|exoneration|franchigia|esente|esenzione|non\s+soggett|steuerfrei|"
    r"umsatzsteuerbefreit|kleinunternehmer|vrijgesteld|exent[oa]|isent[oa]|reverse\s+charge|"
    r"autoliquidation|verlegd|inversione\s+contabile|inversion\s+del\s+sujeto\s+pasivo|"
    # An intra-EU supply (VAT directive, article 138), not the "TVA intracommunautaire"
    # that labels a VAT number on most invoices.
    r"intra-?\s?community\s+(?:supply|supplies|delivery)|livraison\s+intracommunautaire|"
    r"innergemeinschaftliche\s+lieferung|cessione\s+intracomunitaria|"
    r"entrega\s+intracomunitaria|vat\s+transferred|\bart(?:icle|ikel|\.)?\s*138\b|"
    # A tax rate of zero printed as such: "0,00% VAT", "VAT @ 0%", "IVA 0 %".
    rf"(?<![\d.,])0(?:[.,]0{{1,2}})?\s?%\s*{_TAX_WORDS}|{_TAX_WORDS}\W{{0,4}}0(?:[.,]0{{1,2}})?\s?%"
)
# The rest of a number printed a few columns after its series: "- 5469", "/ 0042".
_NUMBER_CONTINUES = re.compile(r"[-/]\s?\d")
_CONTINUATION_GAP = 8
# Argentine invoices are numbered by point of sale and number, both zero-padded, and
# written 00003-00003668. They print the two as separate fields ("Punto de Venta: 00001
# Comp. Nro: 00000125"), or under one label with the dash drawn off the text line.
_POINT_OF_SALE = re.compile(r"punto\s+de\s+venta\s*:?\s*(0\d{3,4})")
_SALE_POINT_AND_NUMBER = (re.compile(r"0\d{3,4}"), re.compile(r"0\d{7}"))
# "Razón Social: ..." (legal name) heads the issuer's block above the customer's.
_LEGAL_NAME_LABEL = re.compile(r"razon\s+social\s*:\s*(.+)")
_LETTER_ROW_PARTS = 4
# "Razón Social: TASCA BAREA SLL": the words for "legal name" before one.
_NAME_LABEL = re.compile(
    r"^(?:raz[oó]n\s+social|raison\s+sociale|ragione\s+sociale|denominaci[oó]n(?:\s+social)?|"
    r"denominazione|company\s+name|business\s+name|firmenname|bedrijfsnaam)\s*:\s*",
    re.IGNORECASE,
)
# What may stand beside a letter's date ("#"): nothing, or its town ("Berlin, den").
_DATE_AFTER_TOWN = r"(?:(?:den|le|il|el|a|l[iì])\s+)?"  # "Berlin, den", "Roma, lì"
_LETTER_DATE = re.compile(rf"(?:[^\W\d_][\w.'\- ]{{1,30}},\s+{_DATE_AFTER_TOWN})?#")
# The same at a letter's foot, where the town is required: "Madrid, 3 de mayo de 2024".
_CLOSING_DATE = re.compile(rf"[^\W\d_](?:[^\W\d_]|[ .'\-]){{1,40}},\s+{_DATE_AFTER_TOWN}#")
# An order's date, in our languages (folded: no accents, lower case).
_ORDER_DATE = re.compile(
    r"(?:order|purchase)\s+date|bestelldatum|datum\s+der\s+bestellung|besteldatum|"
    r"date\s+de\s+(?:la\s+)?commande|fecha\s+(?:de\s+(?:la\s+)?|del\s+)?pedido|"
    r"data\s+(?:dell'\s?|d'\s?)?ordine|data\s+do\s+pedido"
)
# Payment terms' labels, and a date as their whole value, "until" or not.
_PAYMENT_TERMS = re.compile(
    r"(?:terms\s+of\s+payment|payment\s+terms?|terms(?!\s+of\b)|zahlungsbedingungen|zahlungsziel|"
    r"conditions\s+de\s+(?:paiement|reglement)|condiciones\s+de\s+pago|"
    r"betalingsvoorwaarden|betalingstermijn|condizioni\s+di\s+pagamento|termini\s+di\s+pagamento|"
    r"condicoes\s+de\s+pagamento)(?![a-z])"
)
_UNTIL_DATE = re.compile(
    r"(?:(?:up\s+to|until|by|bis(?:\s+zum)?|jusqu'?\s?au|avant\s+le|hasta\s+el|antes\s+del?|"
    r"tot|uiterlijk|entro\s+il|fino\s+al|ate)\s+)?#"
)
# How far above a table's sums row its column headings may be.
_COLUMN_REACH = 12
# A note in parentheses alone: "(ohne USt.)", "(IVA esclusa)".
_NOTE = re.compile(r"\s*\([^()\d]{1,30}\)\s*")
# A sum carried from one page to the next, in a table's rows.
_CARRIED = re.compile(
    r"\b(?:ubertrag|a\s+reporter|riporto|saldo\s+anterior|suma\s+y\s+sigue|"
    r"(?:carried|brought)\s+forward|overdracht)\b"
)
# The small words of place names: "Los Llanos de Aridane", "Frankfurt am Main".
_TOWN_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "le", "les", "di", "da", "am", "an", "der", "sur", "en",
     "y", "e", "upon", "on", "im", "bei", "sous", "du", "des", "aan", "den"}
)  # fmt: skip
# A town beside a letter's date: a word or three, letters only.
_TOWN = re.compile(r"[^\W\d_][^\W\d_.'\-]*(?:[ \-][^\W\d_][^\W\d_.'\-]*){0,2},?")
# A tax number after a name, with or without its own label: " - 900178348-7", ", CUIT
# 20-13046568-5", " NIT: 890.321.151-0".
_TRAILING_TAX_ID = re.compile(
    r"\s*[-\u2013,]?\s*(?:(?:nit|cuit|rut|rfc|cif|nif|vat|tax\s+id)\.?\s*:?\s*)?\d[\d.\-/ ]{5,}$",
    re.IGNORECASE,
)
# A label's first words continued by more before the colon: a longer label; unless the
# words only say it is the party's name or address ("Bill to Address:").
_LONGER_LABEL = re.compile(
    r"(?!(?:address|adresse|adres|anschrift|indirizzo|direccion|endereco|name|nom|nombre|"
    r"nome|details|datos|dati|dados)\b)"
    r"[^\W\d_][\w.'\-]*(?:\s+[^\W\d_][\w.'\-]*){0,2}\s*:",
    re.IGNORECASE,
)
# The sender's line of a window-envelope letter: a name and its address in one short
# line at the top, the parts apart by commas, dashes or dots, the last a town.
_SENDER_ROWS = 8
_SENDER_PARTS = re.compile(r"\s*,\s*|\s+[-\u2013]\s+|\s*[•·|]\s*")
# A greeting and the name it greets, up to its comma.
_GREETING = re.compile(
    r"(?i:dear|hello|hi|gentile|gentili|egregio|spett\.?(?:abile|le)?|guten\s+tag|hallo|"
    r"sehr\s+geehrte[rs]?|beste|geachte|cher|chere|chère|estimad[oa]s?|prezad[oa]s?)\s+"
    r"(.+?)\s*,$"
)
# A letter's closing or a signature's mark, before the signer's name ("Hartelijk dank,
# Richel Bilderbeek", "Fdo. MERCADONA S.A.") or on a line of its own.
_VALEDICTION = re.compile(
    r"(?i:(?:with\s+)?(?:kind|best|warm|many)?\s*(?:regards|thanks)|yours\s+(?:sincerely|"
    r"faithfully|truly)|sincerely|thank\s+you|(?:mit\s+)?(?:freundlichen|besten|herzlichen|"
    r"vielen)\s+(?:gr(?:ü|ue)(?:ß|ss)en|dank)|(?:met\s+)?vriendelijke\s+groet(?:en)?|"
    r"hartelijk\s+dank|(?:bien\s+)?cordialement|(?:sinc[eè]res\s+)?salutations|merci|"
    r"atentamente|(?:un\s+)?saludos?(?:\s+cordiales)?|cordiali\s+saluti|distinti\s+saluti|"
    r"grazie|atenciosamente|obrigad[oa]|cumprimentos|signed|fdo|firmado|gez)\s*(?:[,.!:]\s*|$)"
)
_GENERIC_ADDRESSEE = re.compile(
    r"(?:(?:dear|valued|esteemed|or|and|und|et|e|y|en|there|all|everyone|zusammen|relatie|"
    r"customer|customers|client|clients|cliente|clientes|kunde|kundin|kunden|klant|klanten|"
    r"sir|madam|sirs|damen|herren|heer|mevrouw|signore|signora|signori|monsieur|madame|"
    r"senor|senora|senores|team|colleague|colleagues)(?:\s*/\s*\w+)*\s*)+"
)
# A credit note or a reminder: its sentences name the invoice it is about.
_REFERS_TO_ANOTHER = re.compile(
    r"gutschrift|credit\s+note|avoir|nota\s+de\s+credito|nota\s+di\s+credito|creditnota|"
    r"mahnung|zahlungserinnerung|reminder|rappel|relance|herinnering|sollecito|recordatorio|"
    r"refers?\s+to|with\s+reference\s+to|bezug|betreft|riferimento\s+a"
)
_GROUPED_NUMBER = re.compile(r"\d{2,4}(?: \d{2,4}){1,4}")
_INVOICE_IN_SENTENCE = re.compile(
    r"\b(?:invoice|rechnung|facture|factuur|factura|fattura|fatura)"
    r"(?:\s+(?:elettronica|electr[oó]nica|[eé]lectronique|elektronische|eletr[oô]nica))?"
    r"\s+(?:n[°º.]|nr\.|no\.|num\.|number|nummer|num[eé]ro)\s*:?\s*"
    r"([A-Za-z0-9][\w\-/.]*\d[\w\-/]*)",
    re.IGNORECASE,
)
_SIMPLIFIED_INVOICE = re.compile(
    r"\b(?:fatura|factura)\s+simplificada\s*(?:(?:n\.?\s*[°º]\.?|n[uú]m\.?|n\.)\s*)?:?\s*(\S.*)",
    re.IGNORECASE,
)
# The date first, then the number: "Détail de la facture du 29/07/2021 N°26614600353",
# "Rechnung vom 12.03.2024 Nr. 4711".
_DATED_INVOICE_IN_SENTENCE = re.compile(
    r"\b(?:invoice|rechnung|facture|factuur|factura|fattura|fatura)"
    r"\s+(?:du|vom|del|of|dated|de|van|do|da)\s+(\S+(?:\s+\S+){0,2}?)\s+"
    r"(?:n[°º.]|nr\.|no\.|num\.)\s*:?\s*([A-Za-z0-9][\w\-/.]*\d[\w\-/]*)",
    re.IGNORECASE,
)  # and the words between are the date, nothing more: see _dated_number_in
# A postage imprint over a window envelope's address: "P.P. 1211 Genève 2", "Poste CH
# SA", "Post CH AG", "Entgelt bezahlt", "Port payé", "Porto betaald". It names the
# postal service, never a party; the name under it is the addressee's. ("P.P." before
# a postcode only: before a name it signs per procura.)
_POSTAGE = re.compile(
    r"p\.\s?p\.\s+(?:ch-)?\d{4,5}\b.*|(?:poste?|posta)\s+ch\s+(?:sa|ag)|"
    r"entgelt\s+bezahlt.*|port\s+paye.*|porto\s+betaald.*|a-priority|b-economy"
)
# An electronic signature's stamp: "Firmado digitalmente por", "Digitally signed by",
# "Firmato digitalmente da", "Digital signiert von". It names a signer, not a party.
_SIGNATURE_STAMP = re.compile(
    r"(?:firmado|firmato|assinado|digitally|digital|digitaal|elektronisch)\s+"
    r"(?:digitalmente|signed|signiert|unterschrieben|ondertekend)"
)
# What a window's first line may say before the addressee's name: "Firma", "An",
# "Einschreiben", "Société", "Ditta", "Fa.".
_ENVELOPE_NOTE = re.compile(
    r"\s*(?:firma|fa\.?|an|einschreiben|einwurf-einschreiben|personlich|vertraulich|"
    r"societe|ditta|messrs\.?|to|aan|a)\s*:?\s*"
)
# A label numbering the customer (folded text).
_CUSTOMER_NUMBER = re.compile(
    r"\b(?:kunden|debiteur(?:en)?|klant)\s*-?\s*(?:nummer|nr\b)|compte\s+client|"
    r"(?:n\s?[°º]|numero)\s*(?:de\s+)?client[e]?\b|codice\s+cliente|"
    r"\b(?:customer|client)\s*(?:no\b|number|id\b|#)"
)
# A statement's lines that are not charges: balances carried over, payments received.
_NOT_A_CHARGE = re.compile(
    r"\b(?:balance|saldo|solde|payments?|paid|zahlung|paiement|pago|pagamento|betaling|"
    r"ubertrag|vortrag|report|riporto|carried|brought)\b"
)
_BANK_ROW = re.compile(r"\b(?:iban|bic|swift)\b")
# The copy a page is ("ORIGINAL", "DUPLICADO"): printed at the top, never a name.
_COPY_MARK = re.compile(
    r"original[e]?|duplicad[oa]|triplicad[oa]|duplicata|duplicate|copia|copy|copie|kopie"
)
# A document's title in the languages we read: never a vendor's name.
_TITLE_WORDS = (
    r"invoice|bill|receipt|rechnung|gutschrift|facture|factuur|factura|fattura|fatura|"
    r"nota|avoir|credit\s+note|proforma|ricevuta|quittung|recibo"
)
_TITLE = re.compile(
    r"(?:(?:tax|sales|commercial|proforma|pro-forma|vat)\s+)?(?:" + _TITLE_WORDS + r")"
    r"(?:\s+(?:nr\.?|no\.?|n[°º]|#))?",
    re.IGNORECASE,
)
_TITLE_WORD = r"(?:invoice|rechnung|facture|factuur|factura|fattura|fatura|faktura)"
# The title alone, perhaps in two languages ("FAKTURA INVOICE", "FATTURA / INVOICE").
_TITLE_ALONE = re.compile(rf"{_TITLE_WORD}(?:\s*/?\s*{_TITLE_WORD})?\.?")
_LEGAL_FORMS = (
    r"ltd|limited|llc|llp|lp|inc|incorporated|corp|corporation|co|company|gmbh|ag|kg|ohg|"
    r"gbr|se|ug|e\.?\s?k|s\.?a|s\.?[aà]\.?\s?r\.?\s?l|sas|sasu|eurl|b\.?v|n\.?v|v\.?o\.?f|ab|oy|as|a/s|plc|"
    r"pty|k\.?k|s\.?r\.?l(?:\.?\s?s)?|s\.?p\.?a|s\.?n\.?c|s\.?a\.?s|s\.?l\.?l?|s\.?l\.?u|s\.?a\.?u|"
    r"lda|group|holdings"
)
_COMPANY_SUFFIX = re.compile(rf"(?:^|[\s-])(?:{_LEGAL_FORMS})\.?$", re.IGNORECASE)
_LEGAL_FORM_ALONE = re.compile(rf"(?:{_LEGAL_FORMS})\.?", re.IGNORECASE)
_ACCOUNT_BEFORE = re.compile(r"^(?:0\d{3,}|\d{6,})\s+(?=[^\W\d_])")
_COMPANY_THEN_ADDRESS = re.compile(
    rf"^(.*?[\s,](?:{_LEGAL_FORMS})\.?)\s+(?=\S.*\d)(?!.*[\s,](?:{_LEGAL_FORMS})\.?(?:\s|$))",
    re.IGNORECASE,
)
# A company's name within a longer line: "Hetzner Online GmbH · Industriestr. 25 ...".
_COMPANY_IN_LINE = re.compile(
    rf"(?<![\w&])((?:(?:\(?[A-ZÀ-Þ0-9][\w&.'\-]*\)?|&|and|und|et|e|y)\s+){{0,5}}\(?[\w&.'\-]*\)?\s?,?\s"
    rf"(?:{_LEGAL_FORMS})"
    rf"\.?(?:\s*&\s*co\.?\s*(?:kg|ohg))?)(?![\w])",
    re.IGNORECASE,
)
# A sender line over the address window: name, street, town separated by dots or bars.
_SENDER_LINE = re.compile(r"\S\s*[•·|]\s*\S.*\d.*[•·|]")
_SOLD_BY = re.compile(
    r"(?:(?:sold|issued)\s+by|vendu\s+par|verkauft\s+(?:von|durch)|venduto\s+da|vendido\s+por)"
    rf"\s+((?:[\w&.,'\-]+\s+){{0,5}}?(?:{_LEGAL_FORMS})\.?)(?!\w)",
    re.IGNORECASE,
)
# A postcode and town: "69100 Villeurbanne", "1216 JD HILVERSUM", "00054 Isola Sacra (RM)",
# "D-91710 Gunzenhausen", "SW1A 1AA London", "Springfield, IL 62704".
_POSTCODE_TOWN = re.compile(
    r"^(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÀ-Þ][\w'.()\- ]+$|"
    r"^[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|"
    r"^[A-Z][\w.' ]+,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?$"
)
_TAX_ID_AFTER = re.compile(
    r"\s+(?:nif|nipc|cif|vat(?:\s+(?:no|id|reg))?|p\.?\s?iva|ust\.?\s?-?id\w*|tva|btw|siret|"
    r"c\.?\s?f\.?)\s*[.:#]",
    re.IGNORECASE,
)
# A street's name: "Via delle Fiocine, n.°45", "Rue de Rivoli 12", "Huswertstr. 14".
_STREET_NAME = re.compile(
    r"^(?:via|viale|piazza|corso|rue|avenue|boulevard|calle|avda|avenida|rua|travessa|plaza|"
    r"paseo)\b.*\d|^(?:rue|all[eé]e|impasse|chemin|quai|b[aâ]timent|edificio)\s|\w(?:strasse|straße|str\.|weg|laan|straat|street|gasse|platz|plein|kade)"
    r"\s*\d|^\d+[a-z]?,?\s+(?:rue|avenue|av\.|bd|boulevard|chemin|allee|impasse|place|route|"
    r"via|calle|rua)\b|^\d+\s+(?:\w+\s+)+(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|"
    r"way|blvd|court|ct)\.?(?:$|,?\s)",
    re.IGNORECASE,
)
# A street line: a house number before or after the street's name.
_STREET = re.compile(r"^\d+[a-z]?,?\s+\w|\w\.?,?\s+(?:n\.?\s?[°º]?\s*)?\d+[a-z]?\b", re.IGNORECASE)
_BANK = re.compile(
    r"bank|banque|banco|banca|sparkasse|kasse|caixa|credit|kredit|bankverbindung", re.IGNORECASE
)
# Rows that state who issues the invoice: registration, bank and legal details, which
# invoices print in their footer (or a sender line above the address window).
_LEGAL_ROW = re.compile(
    # A bank's BIC with its code; not "S.A.S. BIC", a Colombian company form.
    r"iban|bic\b\s*[:/]?\s*[a-z]{6}[a-z0-9]{2}|swift|hrb|hra\b|amtsgericht|registergericht|handelsregister|geschaftsfuhr|"
    r"gesch\.?\s?f|ust\.?\s?-?id|steuer\s?-?nr|vat\s+(?:reg|no|number)|rcs\b|siret|siren|"
    r"capital|kvk|p\.?\s?iva|partita\s+iva|c\.?\s?f\.|cif\b|nif\b|nipc|registered\s+(?:office|in)|"
    r"company\s+(?:no|number|reg)|sitz\b|siege|sede\s+legale|registro|c\.i\.f\.|n\.i\.f\.|"
    r"gst\s+(?:no|reg)|abn\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedPage:
    """What one page says: header and totals fields, its line items, and warnings,
    with a confidence for each field found (see `_Confidence`)."""

    fields: InvoiceFields
    line_items: list[LineItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    def to_extraction(
        self, invoice_id: str, page_number: int, source: FieldSource = "text"
    ) -> PageExtraction:
        """The contract form of this page, for the aggregation step; `source` says how
        the page's text was read (its text layer, or OCR)."""
        found = {
            name: value for name, value in self.fields.model_dump().items() if value is not None
        }
        return PageExtraction(
            invoice_id=invoice_id,
            page_number=page_number,
            line_items=self.line_items,
            warnings=self.warnings,
            confidence={name: self.confidence.get(name, 0.5) for name in found},
            source=dict.fromkeys(found, source),
            **self.fields.model_dump(),
        )


class _Confidence:
    """How sure a value is, by how it was found: an ordinal scale, not a probability.

    A value on its label's own segment is surer than one beside it, which is surer
    than one below it; a vendor guessed from the top of the page is a guess; totals
    that add up (subtotal + tax = total, lines = subtotal) are surest of all.
    """

    INLINE = 0.9
    BESIDE = 0.85
    BELOW = 0.8
    GUESSED_VENDOR = 0.6
    LETTER_DATE = 0.6  # a date alone in the heading, no label
    ORDER_DATE = 0.55  # the order's date on a page that gives no invoice date
    TICKET_NUMBER = 0.6  # a till receipt's "Fatura Simplificada" number, nothing better
    LEGAL_VENDOR = 0.75
    SPELLED_VENDOR = 0.65  # a name printed in passing that the vendor's domain spells
    CURRENCY_CODE = 0.9
    CURRENCY_SYMBOL = 0.75
    AMBIGUOUS_DATE = 0.5
    TOTALS_ADD_UP = 0.97
    TOTALS_DISAGREE = 0.6
    DERIVED = 0.7  # the one amount the other two give, found printed without its label


def date_order_hint(text: str, currency: str | None, mark: str | None) -> DateOrder | None:
    """How to read a numeric date whose day and month are both 12 or less.

    Evidence, strongest first: another numeric date on the page that is unambiguous;
    the currency (US-dollar invoices follow the US month-first habit, other
    currencies the day-first habit of most of the world); a decimal comma, which
    goes with day-first dates. None when the page gives no evidence.
    """
    if order := numeric_order_on_page(text):
        return order
    if currency is not None:
        return "mdy" if currency == "USD" else "dmy"
    return "dmy" if mark == "," else None


# Characters that print nothing, which some generators put inside words and labels
# ("DATE\u200b:"): removed before reading, or "DATE" would not be a label.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def parse_page(text: str) -> ParsedPage:
    """Extract fields, line items and warnings from one page's layout text."""
    text = text.translate(_INVISIBLE)
    if not text.strip():
        return ParsedPage(fields=InvoiceFields(), warnings=[NO_TEXT_WARNING])
    return _PageParser(text).parse()


class _PageParser:
    """State for reading one page; use `parse()` once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.rows = page_rows(text)
        self.mark = detect_decimal_mark(text)
        self.currency = detect_currency(text)
        self.date_hint = date_order_hint(text, self.currency, self.mark)
        self.values: dict[str, Any] = {}
        self.warnings: list[str] = []
        self.items: list[LineItem] = []
        self.table_rows: set[int] = set()  # heading and item rows: never labels or values
        self.heading: int | None = None  # the row of the items' table heading
        self.labels: dict[tuple[int, int], LabelMatch] = {}
        self.used: set[tuple[int, int]] = set()
        # The one address block is the customer's (_numbered_addressee): text at the
        # top is then no guide to the vendor.
        self.addressee_only = False
        self.customer_row: int | None = None
        self.customer_col = 0  # where on its row the customer block's label starts
        self.confidence: dict[str, float] = {}
        self.ambiguous_dates: set[object] = set()  # dates read day-first for want of a clue
        # Every labelled amount for subtotal, tax and total, in reading order, with the
        # confidence of how it was found: the choice among them is made last (_choose_totals).
        self.money: dict[str, list[tuple[Decimal, float]]] = {name: [] for name in MONEY_FIELDS}
        # India's GST as its central and state halves, each the first amount printed.
        self.gst_halves: dict[str, Decimal] = {}
        self.partial_totals: list[tuple[Decimal, float]] = []
        self.bare_totals: list[tuple[Decimal, float]] = []  # a "Total" label, no more

    def parse(self) -> ParsedPage:
        self._read_table()
        self._read_labels()
        if "invoice_number" not in self.values:
            self._number_under_title()
        if "invoice_number" not in self.values:
            self._number_in_a_sentence()
        if "invoice_number" not in self.values:
            self._simplified_invoice_number()
        self._with_point_of_sale()
        if "invoice_date" not in self.values:
            self._date_after_number()
        if "invoice_date" not in self.values:
            self._date_of_the_letter()
        if "invoice_date" not in self.values:
            self._date_of_the_order()
        if "due_date" not in self.values:
            self._due_date_in_passing()
        self._read_breakdown_columns()
        self._choose_totals()
        self._complete_totals()
        if not self.items:
            self._read_amount_rows()
        elif not self._lines_add_up(self.items, gross=True):
            self._add_unpriced_rows()
        if not self.items:
            self._read_charge_rows()
        if "vendor_name" not in self.values or "customer_name" not in self.values:
            self._parties_by_window_envelope()
        if "vendor_name" not in self.values:
            self._vendor_by_legal_name()
        if "vendor_name" not in self.values and "customer_name" not in self.values:
            self._numbered_addressee()
        if "vendor_name" not in self.values:
            self._guess_vendor()
        if "customer_name" not in self.values:
            self._customer_from_address_blocks()
        if "customer_name" not in self.values and (greeted := self._greeted_name()):
            self.values["customer_name"] = greeted
            self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR
        currency = self.values.pop("currency", None)
        if currency is None and self.currency is not None:
            currency = self.currency
            self.confidence["currency"] = (
                _Confidence.CURRENCY_CODE
                if self.currency in self.text
                else _Confidence.CURRENCY_SYMBOL
            )
        for name in NAME_FIELDS:
            # However a person's name was found, a title before it is not part of it
            # ("Herrn Max Mustermann"); a company's is ("Dr. Oetker GmbH").
            if (value := self.values.get(name)) and (bare := without_title(value)):
                self.values[name] = bare
        return ParsedPage(
            fields=InvoiceFields(currency=currency, **self.values),
            line_items=self.items,
            warnings=self.warnings,
            confidence=self.confidence,
        )

    # -- totals that add up ----------------------------------------------------------

    def _choose_totals(self) -> None:
        """Subtotal, tax and total from their candidates, preferring the combination
        that adds up (subtotal + tax = total, line items = subtotal), then the one
        found first. A value is never made up: each comes from a label on the page."""
        money = dict(self.money)
        money["total"] = money["total"] + self.bare_totals + self.partial_totals
        if any(value > 0 for value, _ in money["total"]):
            # "Less discount 0.00" read as a subtotal: no invoice with a total has none.
            money["subtotal"] = [c for c in money["subtotal"] if c[0] != 0]
        if any(value != 0 for value, _ in money["total"]):
            # Nor is "Amount due 0.00" (paid) the total beside one that is not zero, a
            # credit note's negative one included. (An invoice whose items are all
            # credited away prints only zeros, and keeps its 0.00.)
            money["total"] = [c for c in money["total"] if c[0] != 0]
        rates = {value for value, _ in money["tax"] if value > 0}
        # "IGIC reducido 1,80 / IGIC normal 0,27", "7 % USt. / 19 % USt.": a tax line per
        # rate; together they are the tax, when that is what adds up.
        summed = (sum(rates, Decimal(0)), _Confidence.DERIVED) if len(rates) >= 2 else None
        central, state = (
            self.gst_halves.get("c"),
            self.gst_halves.get("s", self.gst_halves.get("u")),
        )
        if central is not None and state is not None:
            # CGST and SGST: two equal halves of one tax, which a set of rates would merge.
            summed = (central + state, _Confidence.DERIVED)
        if not money["subtotal"]:
            # No subtotal label, but "Summe 50,37 / USt. 9,57 / Rechnungsbetrag 59,94":
            # a total-labelled amount that a tax takes to another total is the net
            # (printed before it, or in a VAT summary under it).
            money["subtotal"] = [
                (net, _Confidence.DERIVED)
                for net, _ in money["total"]
                if any(
                    abs(net + tax - gross) <= _CENT
                    for tax, _ in [*money["tax"], *([summed] if summed else [])]
                    for gross, _ in money["total"]
                    if tax > 0
                )
            ]
        options = {name: [*money[name][:_MAX_CANDIDATES], None] for name in MONEY_FIELDS}
        if summed is not None:
            options["tax"].insert(-1, summed)
        lines = sum((item.amount for item in self.items), Decimal(0)) if self.items else None
        slack = _CENT * max(1, len(self.items))
        rounding = self._rounding()
        best: tuple[_Rank, dict[str, tuple[Decimal, float] | None]] | None
        best = None
        for subtotal in options["subtotal"]:
            for tax in options["tax"]:
                for total in options["total"]:
                    chosen = {"subtotal": subtotal, "tax": tax, "total": total}
                    rank = _totals_rank(chosen, options, lines, slack, rounding)
                    if best is None or rank > best[0]:
                        best = (rank, chosen)
        if best is None:
            return
        (checks, *_), chosen = best
        values = {name: c[0] for name, c in chosen.items() if c is not None}
        adds_up = len(values) < 3 or _adds_up(
            values["subtotal"] + values["tax"], values["total"], rounding
        )
        for name, candidate in chosen.items():
            if candidate is None:
                continue
            value, confidence = candidate
            self.values[name] = value
            if checks >= 2:
                confidence = _Confidence.TOTALS_ADD_UP
            elif not adds_up and name != "subtotal":
                confidence = min(confidence, _Confidence.TOTALS_DISAGREE)
            self.confidence[name] = confidence

    def _rounding(self) -> Decimal:
        """The amount of a rounding line ("ROUND OFF  0.20", "Arrondi  -0,03"): what the
        total adds to its net and tax, under one unit of the currency; else 0."""
        for row in self.rows:
            for segment in row:
                found = _ROUNDING.match(fold(segment.text).strip())
                if found is None:
                    continue
                rest = segment.text.strip()[found.end() :]
                after = self._next_on_row(segment)
                for text in (rest, after.text if after is not None else ""):
                    amount = parse_money(_value_text(text.strip()), self.mark)
                    if amount is not None and 0 < abs(amount) < 1:
                        return amount
        return Decimal(0)

    def _complete_totals(self) -> None:
        """The one amount of subtotal, tax and total no label gave, when the other two
        give it and the page prints it: "Imponibile 13.636,36 / IVA 1.363,64" over an
        unlabelled "€ 15.000,00"; "Total $4.11" and "Tax $0.00" with "Charges $4.11"."""
        given: dict[str, Decimal] = {
            name: self.values[name] for name in MONEY_FIELDS if self.values.get(name) is not None
        }
        folded = fold(self.text)
        if set(given) == {"total"} and not self.money["tax"] and _NO_TAX_DUE.search(folded):
            # "Steuerfreie Ausfuhrlieferung", "Kleinunternehmer gemäß § 19 UStG": a total
            # on a page that says no tax is due, and prints none, is its net as well.
            self.values["subtotal"], self.values["tax"] = given["total"], Decimal(0)
            self.confidence["subtotal"] = self.confidence["tax"] = _Confidence.DERIVED
            return
        missing = next((name for name in MONEY_FIELDS if name not in given), None)
        if missing is None or len(given) != 2:
            return
        if missing == "tax" and given["subtotal"] == given["total"]:
            # Net equals gross on a page that says why: the tax is zero, not unknown.
            if _TAX_EXEMPT.search(folded):
                self.values["tax"] = Decimal(0)
                self.confidence["tax"] = _Confidence.DERIVED
            return
        if missing == "total":
            derived = given["subtotal"] + given["tax"]
        else:
            derived = given["total"] - given["tax" if missing == "subtotal" else "subtotal"]
        if derived < 0 or derived not in amounts_in(self.text, self.mark):
            return
        self.values[missing] = derived
        self.confidence[missing] = _Confidence.DERIVED

    # -- line items ------------------------------------------------------------------

    def _read_table(self) -> None:
        heading, roles = None, None
        for index, row in enumerate(self.rows):
            if roles := heading_roles([segment.text for segment in row]):
                heading = index
                break
        start = 0 if heading is None else heading + 1
        self.heading = heading
        if heading is not None:
            self.table_rows.add(heading)
        for index in range(start, len(self.rows)):
            cells = [segment.text for segment in self.rows[index]]
            item = parse_item_row(cells, roles, self.mark)
            if item is not None:
                self.items.append(item)
                self.table_rows.add(index)
                continue
            if heading is not None and self._has_money_label(index):
                break  # the totals block ends the table
            if heading is not None and looks_like_item_row(cells, self.mark):
                shown = "  ".join(cells)
                self.warnings.append(
                    f"Skipped a table row whose quantity, price and amount do not "
                    f"multiply out: {shown!r}."
                )

    def _read_amount_rows(self) -> None:
        """No row multiplies out: a table may list each line's amount alone under a
        heading with descriptions and one money column ("Produit | Taxes | Prix").
        Its rows are the line items only if their amounts add up to the subtotal (or,
        with the tax, to the total): a column of other figures rarely does."""
        for index, row in enumerate(self.rows):
            columns = amount_columns([segment.text for segment in row])
            if not columns:
                continue
            counted = quantity_column([segment.text for segment in row])
            quantity = row[counted] if counted is not None else None
            for column in columns:  # net before gross: the first that adds up
                items = self._amount_rows(index, row[column], quantity)
                if items and self._lines_add_up(items):
                    self.items = items
                    return
            return

    def _add_unpriced_rows(self) -> None:
        """Rows of the items' table with an amount but no quantity and price, after a
        priced line ("Costi di spedizione   3,63", "Promozioni   -18,59"), are lines too
        when with them the lines add up and without them they did not."""
        if self.heading is None:
            return
        row = self.rows[self.heading]
        roles = heading_roles([segment.text for segment in row]) or ()
        amounts = [row[n] for n, role in enumerate(roles) if role == "amount"]
        for column in reversed(amounts):  # the line total is most often the last
            priced = iter(self.items)
            found: list[LineItem] = []
            for below in range(self.heading + 1, len(self.rows)):
                if below in self.table_rows:
                    found += [item] if (item := next(priced, None)) else []
                    continue
                if self._has_money_label(below):
                    break
                cells = self.rows[below]
                under = [n for n, s in enumerate(cells) if s.gap_to(column) <= _VALUE_REACH]
                texts = [segment.text for segment in cells]
                if not found or _CARRIED.search(fold(" ".join(texts))):
                    continue  # a sum carried over from the page before, not a charge
                if under and (item := amount_row(texts, under[-1], self.mark, None)) is not None:
                    if item.amount == sum(line.amount for line in found):
                        break  # the lines' sum under a label we do not know
                    found.append(item)
            if len(found) > len(self.items) and self._lines_add_up(found, gross=True):
                self.items = found
                return

    def _amount_rows(
        self, heading_row: int, heading: Segment, quantity: Segment | None
    ) -> list[LineItem]:
        """The rows under `heading` that print an amount in its column, up to the totals,
        with the number under `quantity` as each one's quantity."""
        items: list[LineItem] = []
        for below in range(heading_row + 1, len(self.rows)):
            if self._has_money_label(below):
                break
            cells = self.rows[below]
            under = [n for n, s in enumerate(cells) if s.gap_to(heading) <= _VALUE_REACH]
            counted = [
                n for n, s in enumerate(cells) if quantity and s.gap_to(quantity) <= _VALUE_REACH
            ]
            texts = [segment.text for segment in cells]
            count = counted[0] if counted and counted[0] not in under else None
            if under and (item := amount_row(texts, under[-1], self.mark, count)) is not None:
                items.append(item)
        return items

    def _read_charge_rows(self) -> None:
        """No table at all: charges printed one to a line, each a description and its
        amount, straight above the line that sums them ("Onorario 750,00 / Cassa di
        Previdenza (4%) 30,00 / Imponibile 780,00"). They are the line items only when
        there are two or more and they add up (see _lines_add_up)."""
        for index, row in enumerate(self.rows):
            if not self._has_money_label(index):
                continue
            items: list[LineItem] = []
            above = index - 1
            while above >= 0 and (item := self._charge_row(above, row[-1])) is not None:
                items.insert(0, item)
                above -= 1
            if len(items) >= 2 and any(item.amount for item in items) and self._lines_add_up(items):
                self.items = items
                return

    def _charge_row(self, index: int, sum_cell: Segment) -> LineItem | None:
        """Row `index` as one charge: words, then an amount in the column of the sum
        below (`sum_cell`); other cells may be numbers without decimals (an item or
        account number), not a second amount. A row with any label (a subtotal, a date),
        a balance carried over or a payment is not a charge."""
        cells = self.rows[index]
        if len(cells) < 2 or any(match_label(cell.text) is not None for cell in cells):
            return None
        amount = parse_money(cells[-1].text, self.mark)
        if amount is None or amount < 0:
            return None  # a payment or credit, not a charge
        # In the sum's column, when the sum has one of its own ("Totaal: 703.15" prints
        # the label and the amount as one cell, anywhere).
        aligned = parse_money(sum_cell.text, self.mark) is None or (
            cells[-1].gap_to(sum_cell) <= _VALUE_REACH
        )
        if not aligned:
            return None
        words = []
        for cell in cells[:-1]:
            text = cell.text.strip()
            if any(ch.isalpha() for ch in text):
                words.append(text)
            elif not re.fullmatch(r"[\d ]+", text):
                return None  # a second amount: some other table
            # else digits alone: an account or item number, not part of the description
        description = " ".join(words)
        if not words or _NOT_A_CHARGE.search(fold(description)):
            return None
        return LineItem(description=description, amount=amount)

    def _lines_add_up(self, items: list[LineItem], gross: bool = False) -> bool:
        """Whether the lines make the subtotal, or with the tax the total; `gross` lines
        (a shop's, priced with the tax in) may make the total alone."""
        lines = sum((item.amount for item in items), Decimal(0))
        slack = _CENT * len(items)
        subtotal: Decimal | None = self.values.get("subtotal")
        total: Decimal | None = self.values.get("total")
        tax: Decimal = self.values.get("tax") or Decimal(0)
        if gross and total is not None and abs(lines - total) <= slack:
            return True  # lines priced with the tax in
        if subtotal is not None:
            return abs(lines - subtotal) <= slack
        return total is not None and abs(lines + tax - total) <= slack

    def _has_label(self, row: int) -> bool:
        return any(match_label(segment.text) is not None for segment in self.rows[row])

    def _has_money_label(self, row: int) -> bool:
        return any(
            (match := match_label(segment.text)) is not None and match.field in MONEY_FIELDS
            for segment in self.rows[row]
        )

    # -- labelled fields -------------------------------------------------------------

    def _read_labels(self) -> None:
        for index, segments in enumerate(self.rows):
            if index in self.table_rows:
                continue
            for segment in segments:
                if (match := match_label(segment.text)) is None:
                    continue
                if match.field in NAME_FIELDS and _longer_label(match):
                    # "Proveedor Tecnológico: ...", "Customer Legal Name: ...": another
                    # label, whose text is then no one's name either.
                    match = LabelMatch("other", match.rest, match.colon)
                if (
                    match.field in NAME_FIELDS
                    and not match.rest
                    and not match.colon  # "To:  iViveLabs Ltd": the colon ends the label
                    and (after := self._next_on_row(segment)) is not None
                    and after.text[:1].islower()
                ):
                    # "Customer   service   line": a phrase the layout spread over the
                    # row, which the lowercase word after it goes on with.
                    match = LabelMatch("other", "", False)
                if not self._is_label(match):
                    continue
                if match.field == "customer_name" and _BANK_ROW.search(
                    fold(" ".join(s.text for s in segments))
                ):
                    continue  # "IBAN ...  Titular: ACME SL": the account's holder
                if segment.col > 0 and _FIRST_ON_ROW.match(fold(segment.text).strip()):
                    continue  # "Kunde   Nr. 12345": another thing's number
                if match.field == "tax" and self._rate_after_figures(segment, match):
                    continue  # "94  1  4,369.75  IVA 19.00  5,200": an item's tax column
                self.labels[(segment.row, segment.col)] = match
        for (row, col), match in self.labels.items():
            self.used.add((row, col))
            if match.field in ("customer_name", "ship_to") and self.customer_row is None:
                self.customer_row, self.customer_col = row, col
            if match.field in self.values or match.field in ("ship_to", "other"):
                continue
            label = self.rows[row][col]
            found = self._labelled_value(label, match)
            if found is None:
                continue
            value, source = found
            if match.field in MONEY_FIELDS:
                self._add_money(match.field, label, value, source, _qualified(match))
                continue
            how = (
                _Confidence.INLINE
                if source is None
                else _Confidence.BESIDE
                if source.row == label.row
                else _Confidence.BELOW
            )
            if source is not None:
                self.used.add((source.row, source.col))
            self.values[match.field] = value
            ambiguous = value in self.ambiguous_dates
            self.confidence[match.field] = _Confidence.AMBIGUOUS_DATE if ambiguous else how

    def _simplified_invoice_number(self) -> None:
        """A till receipt's "Fatura Simplificada FS 0489.../047766", when nothing else
        numbers the invoice: a full invoice made out from a ticket prints the ticket's
        number so too, beside its own."""
        for row in self.rows:
            line = " ".join(segment.text for segment in row)
            found = _SIMPLIFIED_INVOICE.search(line)
            if found is not None and (number := _invoice_number(found.group(1))) is not None:
                self.values["invoice_number"] = number
                self.confidence["invoice_number"] = _Confidence.TICKET_NUMBER
                return

    def _number_in_a_sentence(self) -> None:
        """No label starts a segment, but a sentence names the invoice: "Bolletta riferita
        alla fattura elettronica n. 5059958065 del 07/08/2024", "relative à la facture
        n° F-2024-12 du 3 mars 2024"; its date too, when no label gave one."""
        if _REFERS_TO_ANOTHER.search(fold(self.text)):
            return  # "Gutschrift zur Rechnung Nr. 4711": the invoice it corrects
        for row in self.rows:
            line = " ".join(segment.text for segment in row)
            if self._dated_number_in(line):
                return
            found = _INVOICE_IN_SENTENCE.search(line)
            if found is None or (number := _invoice_number(found.group(1))) is None:
                continue
            self.values["invoice_number"] = number
            self.confidence["invoice_number"] = _Confidence.BESIDE
            dated = _DATED_BELOW.match(line[found.end() :].strip())
            if "invoice_date" not in self.values and dated and (day := self._date(dated.group(1))):
                self.values["invoice_date"] = day
                self.confidence["invoice_date"] = _Confidence.BESIDE
            return

    def _dated_number_in(self, line: str) -> bool:
        """The invoice's date and number from a sentence naming the date first; whether
        the line gave them (a number after a real date)."""
        found = _DATED_INVOICE_IN_SENTENCE.search(line)
        if found is None:
            return False
        # "Rechnung vom 12.03.2024 zu Auftrag Nr. 4711" numbers the order, not the invoice.
        dated = find_date(found.group(1), self.date_hint)
        if dated is None or dated.text.strip() != found.group(1).strip():
            return False
        day = dated.value if "invoice_date" in self.values else self._date(found.group(1))
        if (number := _invoice_number(found.group(2))) is None:
            return False
        self.values["invoice_number"] = number
        self.confidence["invoice_number"] = _Confidence.BESIDE
        if "invoice_date" not in self.values:
            self.values["invoice_date"] = day
            self.confidence["invoice_date"] = _Confidence.BESIDE
        return True

    def _with_point_of_sale(self) -> None:
        """ "Punto de Venta: 00001  Comp. Nro: 00000125" is invoice 00001-00000125."""
        number = self.values.get("invoice_number")
        if not isinstance(number, str) or not number.isdigit():
            return
        for row in self.rows:
            points = [_POINT_OF_SALE.fullmatch(fold(segment.text).strip()) for segment in row]
            point = next((found.group(1) for found in points if found), None)
            cells = [s.text.rstrip() for s, p in zip(row, points, strict=True) if p is None]
            if point and any(re.search(rf"(?<!\d){re.escape(number)}$", c) for c in cells):
                self.values["invoice_number"] = f"{point}-{number}"
                return

    def _rate_after_figures(self, segment: Segment, match: LabelMatch) -> bool:
        """A label with a number of its own ("IVA 19.00") after two or more numbers on
        its row: an item row's tax rate cell, not a totals label ("Imposta 2.114,00 €"
        beside a breakdown keeps its meaning: it carries no number before its value)."""
        if parse_money(match.rest, self.mark) is None:
            return False
        before = self.rows[segment.row][: segment.col]
        return sum(parse_money(cell.text, self.mark) is not None for cell in before) >= 2

    def _number_under_title(self) -> None:
        """The word "Invoice" itself as the number's label, when nothing better names it:
        a column of a header table ("Klant | Order | Factuur | Vervaldatum") or the
        title alone on its row with the number under or beside it ("FACTURA" over
        "INV/2024/00005")."""
        for index, row in enumerate(self.rows):
            if index in self.table_rows:
                continue
            labelled = sum((index, segment.col) in self.labels for segment in row)
            for segment in row:
                if not _TITLE_ALONE.fullmatch(fold(segment.text)):
                    continue
                beside = self._right_of(segment)
                numbered = (
                    beside is not None
                    and _invoice_number(_value_text(beside.text)) is not None
                    and sum(ch.isalnum() for ch in beside.text) >= 4  # not a page's "1/2"
                )
                # Beside it only labels of other columns ("RECHNUNG   Lieferadresse"): a
                # column's heading too.
                others = [s for s in row if s is not segment and (index, s.col) not in self.labels]
                if labelled < 2 and others and not numbered:
                    continue  # "Facture   082083" is a title and its number; a heading is not
                match = LabelMatch("invoice_number", "", False)
                self.labels[(segment.row, segment.col)] = match
                found = self._labelled_value(segment, match)
                if found is not None:
                    self.values["invoice_number"] = found[0]
                    self.confidence["invoice_number"] = _Confidence.BELOW
                    return

    def _date_after_number(self) -> None:
        """ "Fattura nr. 1521 del 31/12/2024", "Rechnung Nr. 42 vom 3.2.2024", "Facture
        n° 7 du 12 mars 2024": the issue date printed after the number it belongs to."""
        for (row, col), match in self.labels.items():
            if match.field != "invoice_number":
                continue
            after = " ".join([match.rest, *(s.text for s in self.rows[row][col + 1 :])]).strip()
            found = _DATED.search(after)
            if found is None and row + 1 < len(self.rows):  # "Fattura N. 11" over "del 10/04/2022"
                below = " ".join(segment.text for segment in self.rows[row + 1])
                found = _DATED_BELOW.search(below)
            if found and (value := self._date(found.group(1))):
                self.values["invoice_date"] = value
                ambiguous = value in self.ambiguous_dates
                self.confidence["invoice_date"] = (
                    _Confidence.AMBIGUOUS_DATE if ambiguous else _Confidence.BESIDE
                )
                return

    def _date_of_the_letter(self) -> None:
        """No label names the issue date: the date a letter-style invoice prints alone
        in its heading, after the town or not ("Reichenschwand   04.07.2023",
        "Berlin, den 3. Mai 2024"). Only above the items, a segment that is that date
        and nothing more, and no label's value: beside one, or under one."""
        # The heading: the top half of the page, above any items, rows of a few parts
        # (not a table's row of readings, each with its date).
        end = min(min(self.table_rows, default=len(self.rows)), len(self.rows) // 2 + 1)
        for index in range(end):
            if len(self.rows[index]) > _LETTER_ROW_PARTS:
                continue
            for col, segment in enumerate(self.rows[index]):
                if (index, col) in self.labels or (index, col - 1) in self.labels:
                    continue
                if self._under_a_label(segment) or self._continues_a_sentence(segment):
                    continue
                if col > 0 and not _TOWN.fullmatch(self.rows[index][col - 1].text.strip()):
                    continue  # "Plazo de entrega:   15/03/2024": some label we do not know
                if not _LETTER_DATE.fullmatch(self._around_date(segment.text)):
                    continue
                if (value := self._date(segment.text)) is not None:
                    self.values["invoice_date"] = value
                    self.confidence["invoice_date"] = _Confidence.LETTER_DATE
                    return
        self._date_of_the_closing(end)

    def _date_of_the_closing(self, heading_end: int) -> None:
        """A letter signed at its foot: "Los Llanos de Aridane, 7 de enero de 2025" over
        the signature. Below the heading only its town-and-date form counts, alone on
        its row (a bare date there may be anything: a delivery, a due date, a reading)."""
        for index in range(heading_end, len(self.rows)):
            if len(self.rows[index]) != 1:
                continue
            segment = self.rows[index][0]
            if (index, 0) in self.labels or self._under_a_label(segment):
                continue
            town = segment.text.strip().split(",", 1)[0].split()
            if not _CLOSING_DATE.fullmatch(self._around_date(segment.text)) or not all(
                word[:1].isupper() or fold(word) in _TOWN_PARTICLES for word in town
            ):
                continue  # "Thank you for your order, 12 March 2024" is no town
            if (value := self._date(segment.text)) is not None:
                self.values["invoice_date"] = value
                self.confidence["invoice_date"] = _Confidence.LETTER_DATE
                return

    def _date_of_the_order(self) -> None:
        """A shop's receipt that prints only its order's date ("Order date: 28 Jan 15")
        was issued on it. Only when no date of the invoice's own was found, and the page
        gives a single order date."""
        dates = set()
        for (row, col), match in self.labels.items():
            segment = self.rows[row][col]
            if match.field != "other" or not _ORDER_DATE.match(fold(segment.text.strip())):
                continue
            found = self._labelled_value(
                segment, LabelMatch("invoice_date", match.rest, match.colon)
            )
            if found is not None:
                dates.add(found[0])
        if len(dates) == 1:
            self.values["invoice_date"] = dates.pop()
            self.confidence["invoice_date"] = _Confidence.ORDER_DATE

    def _due_date_in_passing(self) -> None:
        """A due date no label of its own heads: inside a total's label ("Invoice total
        due 18 Feb 20   $82.98"), or as the payment terms ("Terms of payment:  Up to
        31.01.2020", a date and at most a word for "until" before it)."""
        for (row, col), match in self.labels.items():
            segment = self.rows[row][col]
            value = None
            if match.field == "total" and match.rest:
                inner = match_label(match.rest)
                if inner is not None and inner.field == "due_date":
                    value = inner.rest
            elif match.field == "other" and _PAYMENT_TERMS.match(fold(segment.text.strip())):
                right = self._right_of(segment)
                terms = segment.text.partition(":")[2].strip()
                terms = terms or (right.text if right is not None else "")
                value = terms if _UNTIL_DATE.fullmatch(self._around_date(terms)) else None
            if value and (day := self._date(value)) is not None:
                self.values["due_date"] = day
                self.confidence["due_date"] = _Confidence.BELOW
                return

    def _around_date(self, text: str) -> str:
        """`text` folded, its first date replaced by "#" ("berlin, den #"); "" when it
        holds no date."""
        found = find_date(text, self.date_hint)
        return fold(text).replace(fold(found.text), "#", 1).strip() if found else ""

    def _continues_a_sentence(self, segment: Segment) -> bool:
        """Printed under a sentence that runs on into it ("... conversão em" over
        "11/07/2025"): the date belongs to that sentence, not to the letter."""
        above = self.rows[segment.row - 1] if segment.row > 0 else []
        return any(
            other.overlap(segment) > 0
            and len(other.text.split()) >= 4
            and other.text.split()[-1].islower()
            for other in above
        )

    def _under_a_label(self, segment: Segment) -> bool:
        above = self.rows[segment.row - 1] if segment.row > 0 else []
        return any(
            (other.row, other.col) in self.labels and other.overlap(segment) > 0 for other in above
        )

    def _read_breakdown_columns(self) -> None:
        """A tax breakdown prints one row per rate under "Base | % | VAT" headings; the
        invoice's subtotal and tax are then the sums of those columns (offered as
        candidates: _choose_totals keeps them only if they fit). A last row that is
        the sum of the rows above it is the breakdown's own total, not one more rate."""
        for (row, col), match in self.labels.items():
            if match.field not in ("subtotal", "tax") or match.rest:
                continue
            label = self.rows[row][col]
            column: list[Decimal] = []
            last = row
            for index in range(row + 1, min(row + 1 + _BREAKDOWN_ROWS, len(self.rows))):
                under = [s for s in self.rows[index] if label.gap_to(s) <= _VALUE_REACH]
                if index == row + 1 and len(under) == 1 and _NOTE.fullmatch(under[0].text):
                    continue  # the heading's second line: "Zwischensumme" over "(ohne USt.)"
                amount = parse_money(under[0].text, self.mark) if len(under) == 1 else None
                if amount is None:
                    break
                column.append(amount)
                last = index
            # A last row that sums the rates above it is the breakdown's own total; under
            # a label of its own ("USt. Gesamt") it confirms a single rate as well.
            summed = column[-1:] == [sum(column[:-1])] and (
                len(column) >= 3 or (len(column) == 2 and self._has_label(last))
            )
            if summed:
                column.pop()
            if len(column) >= 2 or (summed and column):
                self.money[match.field].append((sum(column, Decimal(0)), _Confidence.BELOW))

    def _add_money(
        self, kind: str, label: Segment, value: Any, source: Segment | None, qualified: bool
    ) -> None:
        """The amount found for a money label, and the row's other amounts after it: a
        totals row of a table ("Total  24.99  5.00  29.99") holds net, tax and gross, and
        which one is meant is settled by what adds up (_choose_totals). A total is most
        often the rightmost of them, a subtotal the leftmost. A total the label narrows
        down ("Totale non soggetto IVA (N2)") is one part: a candidate of last resort."""
        how = _Confidence.INLINE if source is None else _Confidence.BESIDE
        found = [(value, how)]
        if kind == "tax" and (half := _GST_HALF.match(fold(label.text).strip())) is not None:
            # Half of the tax: the tax only with its other half (see _choose_totals).
            self.gst_halves.setdefault(half.group(1)[:1], value)  # "c", or "s" / "u"
            if source is not None:
                self.used.add((source.row, source.col))
            return
        cents = [_CENTS.search(source.text) is not None] if source is not None else [True]
        if source is not None:
            self.used.add((source.row, source.col))
            if kind == "total" and (head := self._money_heading_over(source)):
                self.money[head].append((value, _Confidence.BELOW))
            for segment in self.rows[label.row][source.col + 1 :]:
                if (label.row, segment.col) in self.labels:
                    break
                amount = parse_money(_value_text(segment.text), self.mark)
                if amount is not None:
                    found.append((amount, _Confidence.BELOW))
                    cents.append(_CENTS.search(segment.text) is not None)
                    if kind == "total" and (head := self._money_heading_over(segment)):
                        self.money[head].append((amount, _Confidence.BELOW))
        table_row = len(found) >= _TABLE_SUMS  # "Totale  1.242  956,98  55  85"
        if any(cents) and not all(cents):
            # "Totale  1.242  956,98  55  85": beside amounts printed with cents, numbers
            # without them are counts (items, stems, kilograms), not money.
            found = [candidate for candidate, printed in zip(found, cents, strict=True) if printed]
        if kind == "total" and len(found) > 1:
            found = [found[-1], *found[:-1]]
        if kind == "total" and table_row and _BARE_TOTAL.fullmatch(fold(label.text).strip()):
            self.bare_totals.extend(found)  # a table's sums: after the totals named so
            return
        (self.partial_totals if kind == "total" and qualified else self.money[kind]).extend(found)

    def _money_heading_over(self, segment: Segment) -> str | None:
        """ "tax" when a tax label heads `segment`'s column: the nearest labelled segment
        above it, within a table's height, that shares its columns. A table's sums row
        ("TOTAL:  ₹116.54  ₹764.00" under "Tax Amount | Total Amount") holds its columns'
        sums, and the tax column's is the tax. (Not a "Subtotal" column: that is most
        often each line's amount, and its sum the total.)"""
        for index in range(segment.row - 1, max(segment.row - _COLUMN_REACH, -1), -1):
            for other in self.rows[index]:
                match = self.labels.get((other.row, other.col))
                if match is not None and other.overlap(segment) > 0:
                    # A heading row prints no amount: "Total before GST  $72.16" is a
                    # row of figures of its own, not a column's heading.
                    heading = all(parse_money(s.text, self.mark) is None for s in self.rows[index])
                    return match.field if heading and match.field == "tax" else None
        return None

    def _is_label(self, match: LabelMatch) -> bool:
        """ "Data Systems GmbH" starts with a label word ("Data", Italian for date) but
        is a name: text after a label, without a colon, must read as that field."""
        if not match.rest or match.colon or match.field in (*NAME_FIELDS, "ship_to", "other"):
            return True
        if match.field in MONEY_FIELDS:
            return True  # "Total for this invoice  $4.11": the amount is beside it
        return self._parser_for(match.field)(match.rest) is not None

    def _labelled_value(
        self, label: Segment, match: LabelMatch
    ) -> tuple[Any, Segment | None] | None:
        kind = match.field
        parse = self._parser_for(kind)
        candidates: list[tuple[str, Segment | None]] = []
        # A name right after its label needs a colon ("Bill To: Acme") or a title
        # ("Spett.le Sig. Mattia Iacazio"): "Client Services" is no client's name.
        titled = kind in NAME_FIELDS and _HONORIFIC.match(match.rest + " ") is not None
        if kind in MONEY_FIELDS and (led := _LEADER_VALUE.match(match.rest)) is not None:
            # "IGIC REDUCIDO ........ 1,80 €": the label's words go on, dots lead to it.
            candidates.append((led.group(1), None))
        if match.rest and (
            match.colon or titled or kind not in NAME_FIELDS or _by_phrase(label, match)
        ):
            candidates.append((match.rest, None))
        right, below = self._right_of(label), self._below(label)
        if below is not None and (more := label_after_slash(below.text)) is not None:
            # "Rechnungsdatum" over "/Lieferdatum  01 Dezember 2025": one label over two
            # lines, its value after the second.
            self.used.add((below.row, below.col))
            if more.rest:
                candidates.append((more.rest, below))
            right, below = self._right_of(below), None
        if (
            below is not None
            and kind in _DATE_AND_NUMBER
            and self._heading_goes_on(label, match, below)
        ):
            # "Data" over "documento": a heading on two lines, its value under both.
            self.used.add((below.row, below.col))
            below = self._nearest_under(below, _VALUE_REACH)
        if kind in NAME_FIELDS:
            if right is not None and right.start - label.end > _NAME_REACH:
                right = None
            # "ARRENDATARIO:   INMO-AGUAS S.L.U" over "C.I.F.: B-76733419": a colon, the
            # name beside it and no name under it; else a label heads its column.
            neighbours = [right, below] if match.colon and not _named(below) else [below, right]
        elif kind in MONEY_FIELDS:
            # Beside its label; in a totals table (a row of labels over a row of
            # amounts: "Base imponible | % IVA | Total EUR") under it; else further
            # along its row, past a rate or a note ("GST  Rate:15%  ...  33.98").
            neighbours = [right, below, *self._further_right(label, right)]
        else:
            neighbours = [right, below, *self._also_under(label, below)]
        candidates += [(segment.text, segment) for segment in neighbours if segment is not None]
        if kind in NAME_FIELDS and (named := self._name_labelled_under(label)) is not None:
            candidates.append((named.text, named))
        if kind == "invoice_number":
            candidates = [(self._number_continued(text, at), at) for text, at in candidates]
        for text, source in candidates:
            value = parse(_value_text(text))
            if value is not None and kind == "customer_name" and _ATTENTION.match(text.strip()):
                # "Invoice To: / Attn: Paula Beaton / BCA": the person to see, then the
                # organisation billed.
                under = (
                    self._aligned(source.row + 1, source)
                    if source is not None and source.row + 1 < len(self.rows)
                    else None
                )
                if under is not None and _named(under) and _could_be_vendor(under.text):
                    return _name(under.text), under
            if value is not None and kind == "customer_name" and not _is_company(value):
                # "Bill to / Thomas Flassbeck / SimFin Analytics GmbH": the person to
                # contact, then the company billed; the company is the customer.
                company = self._company_under(source)
                if company is not None:
                    return _name(company.text), company
            if value is not None:
                return value, source
        return None

    def _heading_goes_on(self, label: Segment, match: LabelMatch, below: Segment) -> bool:
        """Whether `below` is the second line of the bare label `match` ("Data" over
        "documento", "Numero" over "fattura"): together they are that label, alone."""
        if match.rest or (below.row, below.col) in self.labels:
            return False
        joined = match_label(f"{label.text} {below.text}")
        return joined is not None and joined.field == match.field and not joined.rest

    def _name_labelled_under(self, label: Segment) -> Segment | None:
        """ "Denominazione: NP DIAMANT SRLS" a few lines into the block a party's label
        heads, when the lines before it give its tax numbers (an Italian e-invoice as the
        tax agency's stylesheet draws it)."""
        for row in range(label.row + 1, min(label.row + 1 + _ROWS_BELOW, len(self.rows))):
            under = self._aligned(row, label)
            if under is not None and _NAME_LABEL.match(under.text.strip()):
                return under
        return None

    def _company_under(self, segment: Segment | None) -> Segment | None:
        """The company name printed on the row just under `segment`, in its column."""
        if segment is None or segment.row + 1 >= len(self.rows):
            return None
        under = self._aligned(segment.row + 1, segment)
        return under if under is not None and _is_company(under.text) else None

    def _number_continued(self, text: str, segment: Segment | None) -> str:
        """A series and its number printed apart: "25" then "- 5469" a few columns on."""
        after = self._next_on_row(segment) if segment is not None else None
        if segment is None or after is None:
            return text
        if segment.gap_to(after) > _CONTINUATION_GAP:
            return text
        if _NUMBER_CONTINUES.match(after.text):
            return f"{text} {after.text}"
        point, number = _SALE_POINT_AND_NUMBER
        if point.fullmatch(text.strip()) and number.fullmatch(after.text.strip()):
            return f"{text.strip()}-{after.text.strip()}"
        return text

    def _next_on_row(self, segment: Segment) -> Segment | None:
        """The segment after `segment` on its row, if any."""
        row = self.rows[segment.row]
        return row[segment.col + 1] if segment.col + 1 < len(row) else None

    def _further_right(self, label: Segment, right: Segment | None) -> list[Segment]:
        """The segments after `right` on the label's row, up to the next label."""
        if right is None:
            return []
        further: list[Segment] = []
        for segment in self.rows[label.row][right.col + 1 :]:
            if (segment.row, segment.col) in self.labels:
                break
            further.append(segment)
        return further

    def _right_of(self, label: Segment) -> Segment | None:
        row = self.rows[label.row]
        col = label.col + 1
        # An amount's currency in a column of its own: "Subtotaal   Eur   319,03".
        if col + 1 < len(row) and _bare_currency(row[col].text):
            col += 1
        if col >= len(row) or (label.row, col) in self.labels:
            return None
        return row[col]

    def _below(self, label: Segment) -> Segment | None:
        """The nearest segment printed under `label` within a few rows."""
        reach = _NAME_REACH if self.labels[(label.row, label.col)].field in NAME_FIELDS else 0
        return self._nearest_under(label, max(reach, _VALUE_REACH))

    def _nearest_under(self, label: Segment, reach: int) -> Segment | None:
        for index in range(label.row + 1, min(label.row + 1 + _ROWS_BELOW, len(self.rows))):
            if index in self.table_rows:
                return None
            # Of two under it, the one sharing more of its columns.
            nearest = min(self.rows[index], key=lambda s: (label.gap_to(s), -label.overlap(s)))
            if label.gap_to(nearest) <= reach and _salutation_alone(nearest.text):
                continue  # "Herr" alone, the name on the next row
            if label.gap_to(nearest) <= reach:
                return None if (nearest.row, nearest.col) in self.labels else nearest
        return None

    def _also_under(self, label: Segment, below: Segment | None) -> list[Segment]:
        """The other segments of `below`'s row that share columns with `label`, most
        shared first: the date under "SCADENZE" when a long bank line ending just inside
        the label's columns came first."""
        if below is None:
            return []
        touching = [
            segment
            for segment in self.rows[below.row]
            if segment is not below
            and label.overlap(segment) > 0
            and (segment.row, segment.col) not in self.labels
        ]
        return sorted(touching, key=label.overlap, reverse=True)

    def _parser_for(self, kind: str) -> Callable[[str], Any]:
        if kind in MONEY_FIELDS:
            return lambda text: parse_money(text, self.mark)
        if kind in ("invoice_date", "due_date"):
            return self._date
        if kind == "invoice_number":
            return _invoice_number
        if kind == "currency":
            return _currency
        return _name

    def _date(self, text: str) -> Any:
        found: FoundDate | None = find_date(text, self.date_hint)
        if found is None:
            return None
        if found.ambiguous:
            self.ambiguous_dates.add(found.value)
            self.warnings.append(
                f"The date {found.text!r} could be day-first or month-first and nothing "
                f"on the page settles it; read it day-first as {found.value.isoformat()}."
            )
        return found.value

    # -- vendor by position ----------------------------------------------------------

    def _parties_by_window_envelope(self) -> None:
        """A letter for a window envelope prints the sender on one small line over the
        addressee's block ("Telekom Deutschland GmbH, 53171 Bonn" over "Levent Cetin /
        Finkenstr. 8 / 47057 Duisburg"): the sender is the vendor when the line names a
        company, and the block's first name the customer."""
        imprint: Segment | None = None
        for row in self.rows[:_SENDER_ROWS]:
            for segment in row:
                if _POSTAGE.fullmatch(fold(segment.text.strip())):
                    imprint = imprint or segment
                    continue
                parts = _SENDER_PARTS.split(segment.text.strip())
                if len(parts) < 2 or not _POSTCODE_TOWN.search(parts[-1].strip()):
                    continue
                sender = parts[0].strip()
                if any(ch.isdigit() for ch in sender) or not _could_be_vendor(sender):
                    continue
                addressee = self._addressee_under(segment)
                if addressee is None:
                    continue
                if "vendor_name" not in self.values and _is_company(sender):
                    self.values["vendor_name"] = sender
                    self.confidence["vendor_name"] = _Confidence.LEGAL_VENDOR
                if "customer_name" not in self.values and (name := _name(addressee.text)):
                    self.values["customer_name"] = name
                    self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR
                    self.used.add((addressee.row, addressee.col))
                return
        if imprint is not None:  # no sender line: the imprint still marks the window
            self._addressee_under_postage(imprint)

    def _addressee_under_postage(self, imprint: Segment) -> None:
        """The customer is the first name in the window under a postage imprint (printed
        at the window's top, sometimes beside the sender's block)."""
        addressee = self._addressee_under(imprint)
        if addressee is None or "customer_name" in self.values:
            return
        if (name := _name(addressee.text)) is not None:
            self.values["customer_name"] = name
            self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR
            self.used.add((addressee.row, addressee.col))

    def _greeted_name(self) -> str | None:
        """A letter greets the customer by name: "Gentile COMUNE DI SESTO AL REGHENA,",
        "Dear Jane Doe,", "Guten Tag Levent Cetin,"; not "Dear customer,". Weaker than
        a label or an address block, stronger than a guess from the top of the page."""
        for row in self.rows:
            for segment in row:
                found = _GREETING.match(segment.text.strip())
                if found is None:
                    continue
                name = _name(found.group(1))
                if not name or "," in name or _GENERIC_ADDRESSEE.fullmatch(fold(name)):
                    continue
                # The name is printed again (the address block, a header): a greeting
                # alone could be anyone's ("Dear Jane,").
                if self._printed_elsewhere(name, segment):
                    return name
        return None

    def _printed_elsewhere(self, name: str, but: Segment) -> bool:
        key = fold(name)
        return any(
            key in fold(segment.text)
            for row in self.rows
            for segment in row
            if (segment.row, segment.col) != (but.row, but.col)
        )

    def _addressee_under(self, sender: Segment) -> Segment | None:
        """The first name under the sender's line in its column, when a town line (a
        postcode and a name) follows within the block: the addressee's window."""
        column = [
            self._aligned(index, sender)
            for index in range(
                sender.row + 1, min(sender.row + 1 + _BLOCK_ROWS + 1, len(self.rows))
            )
        ]
        lines = [line for line in column if line is not None]
        names = [
            line
            for line in lines
            if not _salutation_alone(line.text) and not _ENVELOPE_NOTE.fullmatch(fold(line.text))
        ]
        if not names or not any(_POSTCODE_TOWN.search(line.text) for line in lines[1:]):
            return None
        first = names[0]
        if any(ch.isdigit() for ch in first.text) or (first.row, first.col) in self.labels:
            return None
        return first

    def _vendor_by_legal_name(self) -> None:
        """A "Razón Social:" above the customer's label names the issuer (Argentine
        layouts print the issuer's legal name so, then "Apellido y Nombre / Razón
        Social" for the customer); below it, or with no customer label, it may be
        anyone's."""
        customer_rows = [r for (r, _), m in self.labels.items() if m.field == "customer_name"]
        if not customer_rows:
            return
        for row in self.rows[: min(customer_rows)]:
            for segment in row:
                found = _LEGAL_NAME_LABEL.match(fold(segment.text).strip())
                if found is None:
                    continue
                start = len(segment.text.strip()) - len(found.group(1))
                if (name := _name(segment.text.strip()[start:])) is not None:
                    self.values["vendor_name"] = name
                    self.confidence["vendor_name"] = _Confidence.INLINE
                    return

    def _guess_vendor(self) -> None:
        """No label names the vendor: the company the page's legal details (footer,
        sender line) name, unless that is the customer; else the first company-like
        text at the top. The customer, when no label names it either, is then the name
        heading the address block at the top, if that is not the vendor."""
        customer = self.values.get("customer_name")
        top = self._vendor_from_top()
        legal = [
            name
            for name in [*self._legal_names(), *self._sender_blocks()]
            if not _same_name(name, customer)
        ]
        vendor: str | None = top
        sure = _Confidence.GUESSED_VENDOR
        if legal and not (top and _COMPANY_SUFFIX.search(top) and _same_name(top, legal[0])):
            vendor, sure = legal[0], _Confidence.LEGAL_VENDOR
        elif (
            not (top and _COMPANY_SUFFIX.search(top))
            and (spelled := name_spelled_by_domain(self.text))
            and not _same_name(spelled, customer)
            and not (top and begins_with_name(top, spelled))
        ):
            # Printed in passing and spelled by its own web or mail domain: surer than
            # whatever heads the page when the name itself is a logo. A company named at
            # the top with its legal form ("Lenze B.V.") says more.
            vendor, sure = spelled, _Confidence.SPELLED_VENDOR
        if vendor is not None:
            self.values["vendor_name"] = vendor
            self.confidence["vendor_name"] = sure
        if customer is None and self._greeted_name() is not None:
            return  # the greeting names the customer, if no address block does
        if customer is None:
            top = self._customer_from_top(vendor) or top
        if (
            customer is None
            and top is not None
            and vendor is not None
            and not _same_name(top, vendor)
        ):
            self.values["customer_name"] = top
            self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR

    def _customer_from_address_blocks(self) -> None:
        """No label names the customer: the other postal address at the top of the page.
        A letter-style invoice prints two, the sender's and the addressee's, each a
        name over a street over a postcode and town. Only when the vendor is known and
        exactly one block names someone else: otherwise unknown stays unknown."""
        vendor = self.values.get("vendor_name")
        names = self._address_block_names()
        others = [name for name in names if not _same_name(name, vendor)]
        if vendor is None or len(others) != 1 or len(names) > 2:
            return
        self.values["customer_name"] = others[0]
        self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR

    def _numbered_addressee(self) -> None:
        """A page that numbers its customer ("Debiteurnummer", "N° de compte client")
        and prints one postal address prints the addressee's, for the window envelope;
        the vendor is then in a logo or the small print, not that block."""
        blocks = self._address_blocks()
        if len(blocks) != 1 or not self._numbers_its_customer():
            return
        name, segment = blocks[0]
        # A sender's block gives a phone, an e-mail, a web site or a bank; an addressee's
        # none of those.
        under = range(segment.row + 1, min(segment.row + 1 + _BLOCK_ROWS, len(self.rows)))
        lines = [self._aligned(index, segment) for index in under]
        if any(line is not None and _CONTACT.search(line.text) for line in lines):
            return
        self.values["customer_name"] = name
        self.confidence["customer_name"] = _Confidence.GUESSED_VENDOR
        self.used.add((segment.row, segment.col))
        self.addressee_only = True

    def _numbers_its_customer(self) -> bool:
        """A customer-number label outside the bank and legal small print."""
        for row in self.rows:
            line = fold(" ".join(segment.text for segment in row))
            if _BANK_ROW.search(line) or _LEGAL_ROW.search(line):
                continue
            if _CUSTOMER_NUMBER.search(line):
                return True
        return False

    def _address_block_names(self) -> list[str]:
        return [name for name, _ in self._address_blocks()]

    def _address_blocks(self) -> list[tuple[str, Segment]]:
        """The name heading each postal address above the table: the line over the
        street over the postcode line (or straight over the postcode), same column."""
        end = min(self.table_rows, default=len(self.rows))
        names: list[tuple[str, Segment]] = []
        for index in range(1, end):
            for town in self.rows[index]:
                if not _POSTCODE_TOWN.search(town.text):
                    continue
                street, name, higher = self._column_above(index, town)
                if street is not None and _STREET.search(street.text) is None:
                    street, name, higher = None, street, name  # no street: name right above
                # The person's line right under the organisation's, in one block.
                addressed = (
                    name is not None
                    and higher is not None
                    and higher.row == name.row - 1
                    and higher.row > 0  # not the letterhead heading the page
                    and _HONORIFIC.match(name.text + " ") is not None
                    and _could_be_vendor(higher.text)  # a name, not the title "factuur"
                )
                attention = name is not None and _ATTENTION.match(name.text) is not None
                if (attention or addressed) and _named(higher):
                    # "AttOra / T.a.v. Administratie / street", "TG Höchberg / Herrn Andreas
                    # Dallner / street": the organisation, then the person at it.
                    name = higher
                if name is None or (name.row, name.col) in self.labels:
                    continue
                found = _name(name.text)
                known = [seen for seen, _ in names]
                if found is not None and _could_be_vendor(found) and found not in known:
                    names.append((found, name))
        return names

    def _column_above(self, row: int, under: Segment) -> list[Segment | None]:
        """The three lines above `under` in its column, nearest first (None past the
        block's top), passing over rows that print only in other columns: a two-column
        letterhead interleaves the sender's lines with the addressee's."""
        found: list[Segment | None] = []
        for index in range(row - 1, max(row - 1 - _BLOCK_REACH, -1), -1):
            if index in self.table_rows:
                break
            if (segment := self._aligned(index, under)) is not None:
                if _POSTCODE_TOWN.search(segment.text):
                    break  # the previous block's town line: this block starts below it
                found.append(segment)
            elif any(s.start <= under.start + 2 and s.end > under.start for s in self.rows[index]):
                break  # something else across the column: the block ends here
            if len(found) == 3:
                break
        return found + [None] * (3 - len(found))

    def _aligned(self, row: int, under: Segment) -> Segment | None:
        """The segment on `row` that starts in the same column as `under` (±2)."""
        if row < 0 or row in self.table_rows:
            return None
        return next((s for s in self.rows[row] if abs(s.start - under.start) <= 2), None)

    def _customer_from_top(self, vendor: str | None) -> str | None:
        """The first company above the table that is not the vendor: in a letter layout,
        the addressee's block under the sender line."""
        end = min(self.table_rows, default=len(self.rows))
        person: str | None = None  # a titled addressee, if no company heads a block
        for row in self.rows[:end]:
            for segment in row:
                text = segment.text
                if (segment.row, segment.col) in self.used or not _could_be_vendor(text):
                    continue
                name = _name(text) or text
                if _same_name(name, vendor):
                    continue
                if _is_company(name):
                    return name
                if person is None and self._addressed_person(segment):
                    person = name
        return person

    def _addressed_person(self, segment: Segment) -> bool:
        """ "Mr David Nunns" over "11 Howe Street": a person, titled, heading an address
        block (a street within the next three rows under it). Under a name, as in
        "TG Höchberg" over "Herrn Andreas Dallner", the block is the organisation's."""
        if _HONORIFIC.match(segment.text.strip()) is None:
            return False
        above = self.rows[segment.row - 1] if segment.row > 0 else []
        if any(s.overlap(segment) > 0 and _could_be_vendor(s.text) for s in above):
            return False
        for row in self.rows[segment.row + 1 : segment.row + 4]:
            if any(s.overlap(segment) > 0 and _STREET.search(s.text) for s in row):
                return True
        return False

    def _legal_names(self) -> list[str]:
        """Company names (with a legal form) on rows that carry registration or bank
        details, on a sender line ("Hetzner Online GmbH • Industriestr. 25 • ..."), after
        "sold by"; or a name standing alone right above a footer of legal details. Most
        often named first."""
        found: list[str] = []
        for index, row in enumerate(self.rows):
            line = " ".join(segment.text for segment in row)
            folded = fold(line)  # "Siège social", "Geschäftsführer"
            for match in _SOLD_BY.finditer(line):
                if _could_be_vendor(name := match.group(1).strip(" ,")):
                    found.append(name)
            legal = _LEGAL_ROW.search(folded) is not None
            if legal and index > len(self.rows) // 2 and index > 0:
                above = self.rows[index - 1]
                heading = above[0].text if len(above) == 1 else ""
                if _footer_heading(heading):
                    found.append(heading)
                elif _company_and_address(heading):
                    found.append(heading.split(",", 1)[0].strip())
                else:
                    # "Fiverr International Ltd. / It Starts Here. / 8 Eliezer Kaplan St.
                    # ... / Company no: ...": a company heading the footer's block.
                    found += self._company_heading_footer(index)
            if not legal and not _SENDER_LINE.search(line):
                continue
            for segment in row:
                for match in _COMPANY_IN_LINE.finditer(segment.text):
                    name = match.group(1).strip(" ,·|-")
                    # The vendor's bank is named beside the IBAN: not the vendor.
                    if _BANK.search(name) or _BANK.search(segment.text[: match.start()]):
                        continue
                    if _could_be_vendor(name) and not _LEGAL_ROW.search(name):
                        found.append(name)
        return sorted(set(found), key=lambda name: (-found.count(name), found.index(name)))

    def _company_heading_footer(self, legal_row: int) -> list[str]:
        """A company, with its legal form, alone on one of the few rows above a footer's
        legal details."""
        for index in range(legal_row - 2, max(legal_row - 1 - _FOOTER_REACH, -1), -1):
            row = self.rows[index]
            if index in self.table_rows or len(row) != 1:
                return []
            if _is_company(row[0].text) and _could_be_vendor(row[0].text):
                return [row[0].text.strip()]
        return []

    def _sender_blocks(self) -> list[str]:
        """Companies heading a block of lines, in their column, that gives a phone,
        e-mail, web or bank: a sender's block ("Acme Limited / P.O. Box 12 / Auckland /
        Ph: ..."), wherever on the page. An addressee's block gives none of those."""
        found: list[str] = []
        for row in self.rows:
            for segment in row:
                if not _is_company(segment.text) or not _could_be_vendor(segment.text):
                    continue
                block = [
                    self._aligned(index, segment)
                    for index in range(
                        segment.row + 1, min(segment.row + 1 + _BLOCK_ROWS, len(self.rows))
                    )
                ]
                if any(line is not None and _CONTACT.search(line.text) for line in block):
                    found.append(segment.text)
        return found

    def _vendor_from_top(self) -> str | None:
        """The first company-like text above the customer block and the table, or left
        of the customer block's label on its row (the sender's block beside it)."""
        table = min(self.table_rows, default=len(self.rows))
        end = min(table, self.customer_row) if self.customer_row is not None else table
        beside = self.rows[end][: self.customer_col] if end < table else []
        candidates = [
            self._with_legal_form_below(segment)
            for segment in [*(s for row in self.rows[:end] for s in row), *beside]
            if (segment.row, segment.col) not in self.used
            and _could_be_vendor(segment.text)
            and not _HONORIFIC.match(segment.text.strip() + " ")  # "Mevrouw M.S. Post"
            and not _FOR_THE_ATTENTION.match(fold(segment.text.strip()))  # the addressee's
            and not self._legal_form_of_the_line_above(segment)
        ]
        for text in candidates:
            # "Francorp S.A.S. - 900178348-7": a company's name and its tax number.
            named = _TRAILING_TAX_ID.sub("", text)
            if _COMPANY_SUFFIX.search(named):
                return _name(named)
        if self.addressee_only:
            return None
        plain = next((text for text in candidates if not any(ch.isdigit() for ch in text)), None)
        return _name(plain) if plain is not None else None

    def _legal_form_of_the_line_above(self, segment: Segment) -> bool:
        """ "Limited" alone under "Coastwide Pest Control": the end of a name that
        wrapped, not a name of its own."""
        return _LEGAL_FORM_ALONE.fullmatch(segment.text.strip()) is not None and any(
            _named(above) for above in self._wrapped_from(segment)
        )

    def _with_legal_form_below(self, segment: Segment) -> str:
        """The name with the legal form it wrapped onto the next line, if it did."""
        if segment.row + 1 >= len(self.rows):
            return segment.text
        for below in self.rows[segment.row + 1]:
            form = below.text.strip()
            if _LEGAL_FORM_ALONE.fullmatch(form) and segment in self._wrapped_from(below):
                return f"{segment.text.strip()} {form}"
        return segment.text

    def _wrapped_from(self, segment: Segment) -> list[Segment]:
        """Segments on the row above that `segment` could continue: sharing its columns,
        or ending where it ends (right-aligned letterheads)."""
        if segment.row == 0:
            return []
        return [
            above
            for above in self.rows[segment.row - 1]
            if above.overlap(segment) > 0 or abs(above.end - segment.end) <= 2
        ]


def _qualified(match: LabelMatch) -> bool:
    """Whether words follow a label that are neither its value nor a currency: "Total
    non soggetto IVA" names part of the invoice; "Total EUR" and "Total 12.00" do not."""
    rest = re.sub(r"\([^)]*\)", "", match.rest)
    words = [w for w in rest.split() if any(ch.isalpha() for ch in w)]
    return any(currency_in(word) is None for word in words)


def _value_text(text: str) -> str:
    """A value as printed after its label, without the ':', '#' or dash some layouts put
    in front of it (":02/11/2019", "Invoice #— INC-02-2026-50341")."""
    return text.lstrip(":# \t\u2013\u2014")


_Rank = tuple[int, int, Decimal, bool, int]


def _adds_up(parts: Decimal, total: Decimal, rounding: Decimal, slack: Decimal = _CENT) -> bool:
    """Whether `parts` make `total`, as printed or with the page's rounding line."""
    return abs(parts - total) <= slack or (rounding != 0 and abs(parts + rounding - total) <= slack)


def _totals_rank(
    chosen: dict[str, tuple[Decimal, float] | None],
    options: dict[str, list[tuple[Decimal, float] | None]],
    lines: Decimal | None,
    slack: Decimal,
    rounding: Decimal = Decimal(0),
) -> _Rank:
    """(checks passed, values kept, the total when it adds up, a tax that is not zero, -how far
    down the candidate lists): higher is better. Of two sums that both add up, the larger
    is the invoice's: the other is one tax rate's row of a breakdown. Of two that reach the
    same total, the one with a tax is: a "subtotal" that already includes the tax adds up
    with a 0.00 tax row too, and that is not the reading the page means."""
    subtotal, tax, total = (c[0] if c else None for c in chosen.values())
    checks = 0
    if subtotal is not None and tax is not None and total is not None:
        checks += 2 if _adds_up(subtotal + tax, total, rounding) else 0
    elif subtotal is not None and total is not None and tax is None:
        checks += 2 if abs(subtotal - total) <= _CENT and not options["tax"][:-1] else 0
    if lines:  # lines of nothing (a free shipping line alone) say nothing of the totals
        # The lines add up to the subtotal, or (no subtotal printed) with the tax to the
        # total; or, priced with tax included ("Prijzen zijn inclusief BTW"), to the total.
        against, expected = (
            (subtotal, lines) if subtotal is not None else (total, lines + (tax or 0))
        )
        inclusive = total is not None and abs(lines - total) <= slack
        if against is total and against is not None:
            matched = _adds_up(expected, against, rounding, slack)
        else:
            matched = against is not None and abs(expected - against) <= slack
        checks += 1 if inclusive or matched else 0
    kept = sum(c is not None for c in chosen.values())
    depth = sum(options[name].index(c) for name, c in chosen.items() if c is not None)
    whole = total if checks >= 2 and total is not None else Decimal(0)
    taxed = checks >= 2 and tax is not None and tax != 0  # a credit note's is negative
    return checks, kept, whole, taxed, -depth


def _invoice_number(text: str) -> str | None:
    # "726 752 5181": a number printed in groups, the whole value, kept as printed.
    if _GROUPED_NUMBER.fullmatch(text.strip()):
        return text.strip()
    words = text.split()
    # "Invoice: No. 001": the word for "number" after the label, then the number.
    if len(words) > 1 and (_NUMBER_WORD.fullmatch(words[0]) or fold(words[0]) in ("no", "nr")):
        words = words[1:]
    # "Invoice: 12 March 2024" is when, not which; "INV-2024-03-12" is a number.
    if (date := find_date(" ".join(words[:3]))) is not None and date.text.startswith(words[0]):
        return None
    # OCR reads rules and dashes before a number as "-—~": they are not part of it.
    token = words[0].lstrip("#-~\u2014\u2013\u2018'").rstrip(".,;:") if words else ""
    # A series and its number around a spaced dash or slash: "25 - 11.474" is 25-11.474.
    if len(words) > 2 and words[1] in ("-", "/") and token.isdigit() and words[2][0].isdigit():
        token = f"{token}{words[1]}{words[2].rstrip('.,;:')}"
    # A number the text layer broke after its dash: "124114EE- 0006".
    if len(words) > 1 and token[-1:] in ("-", "/") and words[1][0].isdigit():
        token = f"{token}{words[1].rstrip('.,;:')}"
    # A series prefix printed apart from the number: "FT 2024/3769", "FT A/16925".
    if _SERIES.fullmatch(token) and len(words) > 1 and any(ch.isdigit() for ch in words[1]):
        token = f"{token} {words[1].rstrip('.,;:')}"
        return token if _INVOICE_NUMBER.fullmatch(token.replace(" ", "")) else None
    if _INVOICE_NUMBER.fullmatch(token) and any(ch.isdigit() for ch in token):
        return token
    return None


def _bare_currency(text: str) -> bool:
    return not any(ch.isdigit() for ch in text) and _currency(text) is not None


def _currency(text: str) -> str | None:
    code = currency_in(text)
    return code if code in ISO_CODES else None


# An amount printed with its cents: "956,98", "1.50".
_CENTS = re.compile(r"\d[.,]\d{2}(?!\d)")
# India's GST halves: "CGST @9%", "Add SGST (9%)", "9% SGST", "SGST/UTGST".
_GST_HALF = re.compile(r"(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?(?:add\s+)?(cgst|sgst|utgst)\b")
# A rounding line: the amount the total adds to net and tax.
_ROUNDING = re.compile(
    r"(?:round(?:ing)?\s*-?\s*off|rounding(?:\s+(?:adjustment|difference))?|rundung(?:sdifferenz)?|"
    r"arrondi|redondeo|arrotondamento|afronding|arredondamento)(?![a-z])\s*:?"
)
# A total label that is the word alone, which a table's sums print too ...
_BARE_TOTAL = re.compile(r"(?:total|totale|totaal|gesamt|summe|somme|totales)\s*:?")
# ... with this many numbers on its row.
_TABLE_SUMS = 3
# Labels only as the first thing on their row: "Nr.", "Nº" and "Number:" alone ("Kunde   Nr.
# 12345", "Order   Number: 57" number something else), and "To" or "From" alone ("WE
# WANT   TO   HEAR   FROM   YOU!").
_FIRST_ON_ROW = re.compile(
    r"nr\.(?!\w)|n\s?[°º](?=\s*[:#]?\s*(?:$|[\w\-/.]*\d))|number\s*:|(?:to|an|aan|para|from)\s*$"
)
# A web address printed before a name on its line.
_WEB_ADDRESS_BEFORE = re.compile(r"^(?:https?://|www\.)\S+\s+(?=\S)", re.IGNORECASE)
# Rows searched above a footer's legal details for the company they belong to.
_FOOTER_REACH = 3
# Rows searched above a postcode line for its block's street and name.
_BLOCK_REACH = 6
_ATTENTION = re.compile(
    r"^(?:attn\.?|attention|z\.\s?hd\.?|zu\s+handen(?:\s+von)?|c/o|[aà]\s+l'attention\s+de|"
    r"t\.\s?a\.\s?v\.?|ter\s+attentie\s+van|all'\s?attenzione(?:\s+di)?|"
    r"a\s+la\s+atenci[oó]n\s+de|at\.?\s?:)\s*:?\s*",
    re.IGNORECASE,
)


# Salutations and titles before a person's name: "Herr", "Dott. Arch.", "Ing. Dr.";
# a one-letter title only with its dot ("M. Dupont"), as "M el Mathari" has an initial.
# Titles that are also words or names ("Arch Coal", "Eng Solutions", "Sig Sauer") only
# with their dot.
_HONORIFIC = re.compile(
    r"^(?:(?:(?:herrn?|frau|mr|mrs|ms|dr|prof|mme|mlle|dhr|mevr|sr|sra|srta|dna)\.?|"
    r"mevrouw|meneer|heer|mijnheer|monsieur|madame|mister|miss|"
    r"(?:dott\.?\s?ssa|sig\.?\s?ra)\.?|"
    r"(?:ing|dott|arch|avv|geom|rag|sig|eng|m|d)\.|spett\.?\s?le)\s+)+",
    re.IGNORECASE,
)


def without_title(name: str) -> str:
    """A person's name without the titles before it; a company's as it is ("Dr. Oetker
    GmbH" is a name, title and all)."""
    return name if _COMPANY_SUFFIX.search(name) else _HONORIFIC.sub("", name)


def _salutation_alone(text: str) -> bool:
    """ "Herr", "Spett.le", "Dott. Arch.": titles with no name after them."""
    return _HONORIFIC.fullmatch(text.strip() + " ") is not None


def _name(text: str) -> str | None:
    if _salutation_alone(text):
        return None  # "Herr" on its own line, the name below it
    # Dot leaders and bullets before a name are layout: ".. Acme Ltd", "• Acme Ltd".
    text = _ATTENTION.sub("", text.strip().lstrip(".·•*|- "))
    text = _WEB_ADDRESS_BEFORE.sub("", text)  # "http://www.kwhydro.on.ca  KITCHENER-..."
    if (closing := _VALEDICTION.match(text)) is not None:
        text = text[closing.end() :]  # "Kind regards, Jane Doe": the signer
    text = without_title(_NAME_LABEL.sub("", text))
    # "Excel Consulting, Lda. NIF: 500084580": the tax number is not part of the name.
    if (tax_id := _TAX_ID_AFTER.search(text)) is not None:
        text = text[: tax_id.start()].rstrip(" ,-")
    text = _TRAILING_TAX_ID.sub("", text)  # "Francorp S.A.S. - 900178348-7"
    # "002250 L'ECOSERIE": a customer's account number before the name.
    text = _ACCOUNT_BEFORE.sub("", text)
    # "IBERDROLA CLIENTES, S.A.U. Apartado de Correos 61175": the address after a company.
    if (company := _COMPANY_THEN_ADDRESS.match(text)) is not None:
        text = company.group(1)
    if sum(ch.isalpha() for ch in text) < 2 or len(text.split()) > _MAX_NAME_WORDS + 2:
        return None  # a sentence, not a name
    if text.startswith("(") and text.endswith(")"):
        return None  # "(Not to be used for payment remittance)": a note
    if is_web_host(text) or fold(text).startswith(("www.", "http")):
        return None  # "survey.officedepot.com": a web address ("Amazon.com" may be a name)
    if _reads_as_a_sentence(text):
        return None
    if _STREET_NAME.search(text):
        return None  # "Via delle Fiocine, n.°45": an address line
    # A label alone or with a colon is not a name; "Data Systems GmbH" is.
    if (label := match_label(text)) is not None and (not label.rest or label.colon):
        return None
    if _NUMBER_WORD.match(text) or text.endswith(":") or _ROUNDING.fullmatch(fold(text)):
        return None  # "N° de ligne", "Kunden-Nr.", "Remarks:", "Round Off": labels
    if is_column_heading(text):
        return None  # "Línea", "Description": a table's heading, not a name
    if parse_money(text) is not None or find_date(text) is not None:
        return None
    return text


def _reads_as_a_sentence(text: str) -> bool:
    """Prose, not a name: four or more lowercase words of four letters or more ("Het
    gefactureerde bedrag staat hieronder nader gespecificeerd"). A name's lowercase
    words are particles ("Services Industriels de Genève", "Agenzia delle Entrate")."""
    words = [word.strip(".,;:()") for word in text.split()]
    return sum(len(word) >= 4 and word.isalpha() and word.islower() for word in words) >= 4


def _named(segment: Segment | None) -> bool:
    """Whether a line could head an address block: a name, not a number or a street."""
    return (
        segment is not None
        and not any(ch.isdigit() for ch in segment.text)
        and _STREET.search(segment.text) is None
    )


# Words that go on with a label, then dot leaders to its value: "REDUCIDO ....... 1,80 €".
_LEADER_VALUE = re.compile(r"^[^\d.:]{1,30}?\s*\.{3,}\s*(\S.*)$")
# Name labels of two words or more that end in "by" or "from" ("Sold by", "Vendu par",
# "Verkauft von", "Bill from"): the words after them are the name, colon or not. (Not a
# bare "From", which also starts a period: "From 01/03 to 31/03".)
_BY = re.compile(r"\S\s+(?:by|from|par|von|door|por|da)\s*$")


def _by_phrase(label: Segment, match: LabelMatch) -> bool:
    text = label.text.strip()
    if not match.rest or not text.endswith(match.rest):
        return False
    return _BY.search(fold(text[: len(text) - len(match.rest)]).strip()) is not None


def _longer_label(match: LabelMatch) -> bool:
    """A name label's first words continued by more before a colon: another label."""
    return not match.colon and _LONGER_LABEL.match(fold(match.rest)) is not None


# "c/- Body Corporate Administration Ltd", "z. Hd. Herrn Meier": the addressee's block
# (who receives it for whom), never the issuer.
_FOR_THE_ATTENTION = re.compile(
    r"(?:c\s?/\s?[o-]|care\s+of|attn\b|attention\b|z\.\s?hd\.?|zu\s+handen|t\.a\.v\.?|"
    r"ter\s+attentie|a\s+l'attention|all'attenzione)"
)


def _could_be_vendor(text: str) -> bool:
    if _name(text) is None or _TITLE.fullmatch(text.strip()):
        return False
    if _COPY_MARK.fullmatch(fold(text.strip())):
        return False
    if not _READS_AS_A_NAME.search(text):
        return False  # OCR debris from a logo ("“a N", "Ad"): no name at all
    # "cadastre-se.": prose broken over lines; "bol.com b.v." has its legal form, and a
    # script without capitals (山田商店) has none to show.
    cased = any(ch.islower() for ch in text)
    if cased and not any(ch.isupper() for ch in text) and not _is_company(text):
        return False
    lowered = fold(text)
    # A web address is no name already (_name); a mail address or a slogan is none.
    if "@" in text or text.rstrip().endswith("!"):
        return False  # "WE WANT TO HEAR FROM YOU!"
    if _SIGNATURE_STAMP.match(lowered.strip()):
        return False
    if _POSTAGE.fullmatch(lowered.strip()) or _GREETING.match(text.strip()):
        return False  # "Geachte medewerker van het Parcival college," greets, not signs
    return re.search(rf"\b(?:{_TITLE_WORDS})\b", lowered) is None


def _footer_heading(text: str) -> bool:
    """A short name alone on the line above a footer's legal details ("NETPRESSE")."""
    if not text or len(text.split()) > 4 or any(ch.isdigit() for ch in text):
        return False
    if ":" in text or text.endswith((".", "!")):
        return False  # a sentence ("Pagamento: rimessa diretta a vista."), not a name
    return _could_be_vendor(text) and not _LEGAL_ROW.search(text)


def _company_and_address(line: str) -> bool:
    """ "Amazon EU S.a.r.L, 5 Rue Plaetis, L-2338, Luxembourg": a company and its
    address on one line over a footer's legal details; not "Banco: Nordbank AG, IBAN ...",
    a labelled line of those details itself."""
    company, comma, address = line.partition(",")
    return (
        bool(comma)
        and (address.strip()[:1].isdigit() or _STREET.search(address) is not None)
        # A name's words, capitalised or abbreviated ("S.à r.l."); not a sentence's.
        and all(word[:1].isupper() or len(word) < 3 or "." in word for word in company.split())
        and ":" not in company
        and _is_company(company.strip())
        and _could_be_vendor(company.strip())
        and not _BANK.search(company)
        and not _LEGAL_ROW.search(fold(line))
    )


def _is_company(text: str) -> bool:
    """A name with a legal form after at least one word ("Kraxi GmbH", not "KG")."""
    words = text.split()
    return 2 <= len(words) <= _MAX_NAME_WORDS and _COMPANY_SUFFIX.search(text) is not None


def _same_name(a: str | None, b: str | None) -> bool:
    """Two printings of one name: case, spacing and punctuation aside, or one the
    start of the other ("Usegroup" and "Usegroup Inh. J. Stärk")."""
    if not a or not b:
        return False
    x, y = (re.sub(r"[\W_]+", "", fold(n)) for n in (a, b))
    return bool(x and y) and (x.startswith(y) or y.startswith(x))
