"""Label synonyms: how invoices name their fields, independent of any one vendor.

The lexicon covers English, German, French, Dutch, Spanish, Italian and Portuguese.
Labels are matched at the start of a text segment, without case or accents ("Fällig",
"faellig" and "FALLIG" alike), and the LONGEST label wins: "Total HT" is the
subtotal, not a total followed by "HT"; "Totale IVA" the tax, not the total. What
follows the label on the segment (after an optional ':' '#' or '.') is the inline
value, if any. Labels of things we do not extract ("Ship To", "Kundennummer",
"N° TVA", "Page 2 of 7" ...) are recognised too, so that they are never mistaken for a
vendor name or a value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Not followed by a word meaning "identifier", as in "Customer No." or "VAT Reg.".
_NOT_AN_ID = (
    r"(?!\s*[-.]?\s*(?:no\b|no\.|nro\b|nro\.|nr\b|nr\.|n°|nº|n\.|#|id\b|number|nummer|numero|numéro|"
    r"reg\b|reg\.|registration|ident|code|ref\b))"
)
_NO = r"(?:no\.?|nro\.?|nr\.?|n\s?[°º]|n\.\s?[°º]?|num\.?|number|#)"  # "number" abbreviated
_OF = r"(?:\s+(?:de|da|do|di|del|della|van|der|des|du))?"
_AMOUNT = r"(?:\s+(?:amount|betrag|montant|bedrag|importe|importo|valor))?"
_INCL = (
    r"(?:incl\.?|inkl\.?|including|inclusive(?:\s+of)?|inclusief|incluido|incluso|incluida|"
    r"c/|con|com)"
)
_EXCL = (
    r"(?:excl\.?|exkl\.?|excluding|exclusive(?:\s+of)?|exclusief|sin|senza|esclus[ao]|sem|"
    r"hors|ohne|before|net\s+of)"
)
_TAXWORD = r"(?:vat|tax(?:es)?|gst|mwst\.?|ust\.?|tva|btw|iva|igic)"
# Spain's taxes, also dotted: IVA, and IGIC in the Canaries ("I.G.I.C. - CUOTA").
_IVA = r"(?:iva|i\.v\.a\.?|igic|i\.g\.i\.c\.?)"
_RATE = r"(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?"  # "19 % MwSt.", "21% BTW"

# field -> phrases (regular expressions over folded text: lower case, no accents).
LEXICON: dict[str, tuple[str, ...]] = {
    "invoice_number": (
        rf"(?:tax\s+|vat\s+)?invoice\s*{_NO}",
        r"invoice\s+id|invoice\s+ref(?:erence)?\.?",
        r"ref(?:erence)?\.?\s*(?:de\s+(?:la\s+)?)?(?:facture|factura|fattura|factuur|fatura)",
        r"(?:nr\.?|numero|num\.?)\s+(?:del\s+)?documento|documento\s+n[°º.]?",
        # "Comp. Nro:" (comprobante), "Número da NFS-e" (nota fiscal de serviço).
        # Not "Comp. No.", which in English is a company's registration number.
        rf"comp\.?\s*nro\.?|comprobante\s*{_NO}",
        # "Factura electrónica de venta: Q83220078482" (a Latin American e-invoice's number).
        r"factura\s+electronica(?:\s+de\s+venta)?(?=\s*:)",
        rf"(?:numero|{_NO})\s+d[ao]\s+(?:nfs-?e|nf-?e|nota(?:\s+fiscal)?)",
        rf"inv\.?\s*{_NO}",
        rf"doc(?:ument)?\.?\s*{_NO}",  # a receipt's "Doc No"
        rf"bill\s*{_NO}",
        # "Invoice INV-123 (continued)": the word alone, followed by a code with a digit.
        r"(?:continuation\s+of\s+)?invoice(?=\s+[\w\-/.]*\d)",
        # The word alone before a colon: "INVOICE: NO. 001", "Facture : F-12".
        r"(?:invoice|rechnung|factur[ae]|factuur|fattura|fatura)(?=\s*:)",
        r"rechnungs?\s*-?\s*(?:nummer|nr\.?|no\.?)",
        r"numero|nummer",  # alone, as header tables print it above the value
        r"number(?=\s*:)",  # "Number : DL1232402DO21075" under a "Tax Invoice" title
        # "Nr. 16117778" under the document's title; not "No.", which starts addresses
        # ("No. 35, 80 Feet Road").
        # Only with a value that has a digit, or none (the value beside it); and only as
        # the first thing on its row (see fields._read_labels): "Kunde  Nr. 12345" is not.
        r"nr\.(?=\s*[:#]?\s*(?:$|[\w\-/.]*\d))",
        r"n\s?[°º](?=\s*[:#]?\s*(?:$|[\w\-/.]*\d))",  # "Nº   F16948", the same way
        rf"rechnung\s*{_NO}",  # "Rechnung Nr.", "Rechnung #:"
        r"re\.?\s*-?\s*nr\.?",
        r"beleg\s*-?\s*(?:nummer|nr\.?)",
        r"rechnung(?=\s+[\w\-/.]*\d)",
        rf"(?:numero|{_NO}){_OF}\s+(?:la\s+)?factur[ae]",
        rf"factur[ae]\s*{_NO}",
        r"factur[ae](?=\s+[\w\-/.]*\d)",
        r"factuur\s*-?\s*(?:nummer|nr\.?|no\.?)",
        r"factuurnr\.?",
        r"factuur(?=\s+[\w\-/.]*\d)",
        rf"(?:numero|{_NO}){_OF}\s+fattura",
        rf"fattura\s*(?:{_NO}|numero)",
        r"fattura(?=\s+[\w\-/.]*\d)",
        rf"(?:numero|{_NO}){_OF}\s+fatura",
        rf"fatura\s*{_NO}",
        r"fatura(?=\s+[\w\-/.]*\d)",
    ),
    "invoice_date": (
        r"invoice\s+date|date\s+of\s+(?:issue|invoice)|issue\s+date|date\s+issued|"
        r"invoice\s+dated|dated|document\s+date|bill(?:ing)?\s+date|statement\s+date|date",
        r"rechnungsdatum|rechnungs\s*-\s*datum|ausstellungsdatum|belegdatum|dokumentdatum|"
        r"datum(?:\s+der\s+rechnung)?",
        r"date\s+(?:de\s+(?:la\s+)?)?(?:facture|facturation)|date\s+d'?\s?emission|emise?\s+le|"
        r"date\s+du\s+document",
        r"factuurdatum|factuur\s*-?\s*datum|datum\s+(?:van\s+(?:de\s+)?)?factuur|documentdatum|"
        r"factureringsdatum",
        r"issued\s+on|ausgestellt\s+am|receipt\s+date|data\s+(?:della\s+)?ricevuta",
        r"fecha(?:\s+(?:de\s+|del\s+)?(?:la\s+)?(?:factura|facturacion|emision|expedicion|documento))?",
        r"data(?:\s+(?:della\s+|di\s+)?(?:fattura|documento|emissione|fatturazione))?",
        r"data\s+(?:e\s+hora\s+)?(?:da\s+|de\s+)?(?:fatura|faturacao|emissao)(?:\s+da\s+(?:nfs-?e|nf-?e|nota))?|"
        r"data\s+d[oa]\s+documento",
    ),
    "due_date": (
        r"due\s+date|date\s+due|payment\s+due(?:\s+date)?|due\s+by|due\s+on|due",
        r"pay(?:able)?\s+(?:by|before|until|no\s+later\s+than)|please\s+pay\s+by|"
        r"(?:total\s+)?(?:amount|balance)\s+due\s+(?:on|by)",
        r"falligkeit(?:sdatum)?|fallig\s+(?:am|bis|zum)|zahlbar\s+(?:bis|am)|zahlungsziel|fallig",
        r"(?:date\s+d'?\s?)?echeance|a\s+payer\s+avant(?:\s+le)?|date\s+limite(?:\s+de\s+paiement)?|"
        r"a\s+regler\s+avant(?:\s+le)?|payable\s+(?:avant\s+)?le",
        r"vervaldatum|verval\s*datum|vervaldag|te\s+betalen\s+(?:voor|op)|uiterste\s+betaaldatum",
        r"(?:fecha\s+de\s+)?vencimiento|fecha\s+limite(?:\s+de\s+pago)?|fecha\s+de\s+pago|vence|"
        # "Plazo" (term) labels the due date when a date follows it.
        r"pagar\s+antes\s+de(?:l)?|plazo(?:\s+de\s+pago)?|(?:fecha\s+de\s+)?vto\.?\s+(?:para\s+el\s+|del\s+|de\s+)?pago",
        r"(?:data\s+(?:di\s+)?)?scadenz[ae](?:\s+(?:del\s+)?pagamento)?|(?:da\s+)?pagare\s+entro(?:\s+il)?",
        r"(?:data\s+de\s+)?vencimento|data\s+limite(?:\s+de\s+pagamento)?|(?:a\s+)?pagar\s+ate",
    ),
    "vendor_name": (
        rf"from|vendor{_NOT_AN_ID}|supplier{_NOT_AN_ID}|seller{_NOT_AN_ID}|sold\s+by|"
        rf"(?:energy\s+|electricity\s+)?service\s+provider{_NOT_AN_ID}|"
        r"issued\s+by|bill\s+from|invoice\s+from|remit\s+(?:payment\s+)?to",
        rf"lieferant{_NOT_AN_ID}|verkaufer{_NOT_AN_ID}|rechnungssteller|absender|verkauft\s+von",
        rf"fournisseur{_NOT_AN_ID}|vendeur|emetteur|vendu\s+par",
        rf"leverancier{_NOT_AN_ID}|verkoper|afzender|verkocht\s+door",
        rf"proveedor{_NOT_AN_ID}|vendedor|emisor|vendido\s+por|remite(?:nte)?",
        rf"fornitore{_NOT_AN_ID}|venditore|cedente(?:\s+prestatore)?|mittente|venduto\s+da",
        rf"fornecedor{_NOT_AN_ID}|emitente|prestador(?:\s+de\s+servicos)?",
        # A rent invoice's landlord ("Arrendador: D. Carlos ...") is who bills.
        rf"(?:arrendador|locador|bailleur|vermieter|locatore|verhuurder|senhorio|landlord|lessor)"
        rf"{_NOT_AN_ID}",
    ),
    "customer_name": (
        # Short words that mean "to" are labels only with a colon ("Aan:", "An:",
        # "Para:"), or alone on their segment over the name ("To"); not "A" or "Per".
        r"(?:(?:rechnung|invoice|factuur|fattura|factura|fatura|facture)\s+)?"
        r"(?:to|an|aan|a|para|per)(?=\s*:)|(?:to|an|aan|para)(?=\s*$)|datos\s+del\s+cliente",
        # Not "a": "FACTURA A" is an Argentine invoice's type.
        r"(?:rechnung|invoice|factuur|fattura|factura|fatura|facture)\s+(?:per|pour)(?=\s*$)",
        rf"bill(?:ed)?\s+to|invoice(?:d)?\s+to|sold\s+to|charge\s+to|(?:customer|client){_NOT_AN_ID}",
        # "Buyer (Bill to)", "Buyer:", "Buyer" over the name; not "Buyer fee  $20.20".
        r"buyer(?:\s+bill\s+to)?(?=\s*(?:\(|:|$))",
        rf"subscriber(?:\s+name)?{_NOT_AN_ID}|passenger\s+name|guest\s+name",
        r"billing\s+address|invoice\s+address|rechnungsanschrift|"
        r"direccion\s+de\s+facturacion|indirizzo\s+di\s+fatturazione|morada\s+de\s+faturacao",
        rf"rechnungsempfanger|rechnungsadresse|kunde{_NOT_AN_ID}|empfanger",
        r"facture\s+a|facturer\s+a|adresse\s+de\s+facturation|destinataire|client\s+facture|"
        rf"(?:nom\s+de\s+l'?\s?)?abonne{_NOT_AN_ID}|titulaire\s+du\s+(?:contrat|compte)",
        rf"klant{_NOT_AN_ID}|factuuradres|afnemer|geadresseerde|gefactureerd\s+aan",
        rf"cliente{_NOT_AN_ID}|facturar\s+a|facturado\s+a|destinatario|titular(?=\s*:?\s*$)",
        r"nombre\s+(?:del\s+)?cliente|nom\s+du\s+client|nome\s+(?:do\s+|del\s+)?cliente",
        # Argentine layouts: "Señor/es: ACME SA", "Apellido y Nombre / Razón Social: ...".
        r"senor(?:\s*/\s*es|es)?(?=\s*:)|apellido\s+y\s+nombre(?:\s*/\s*razon\s+social)?",
        r"spett(?:\.|abile)?(?:\s*le)?|intestatario|committente|cessionario(?:\s+committente)?",
        # ... and its tenant who is billed.
        rf"(?:arrendatario|locatario|inquilino|locataire|mieter|conduttore|huurder|tenant|lessee)"
        rf"{_NOT_AN_ID}",
        r"destinatario|faturar\s+a|faturado\s+a|adquirente",
    ),
    "ship_to": (
        r"ship(?:ped)?\s+to|deliver(?:y|ed)?\s+(?:to|address)",
        r"lieferadresse|lieferanschrift|lieferung\s+an",
        r"(?:adresse\s+de\s+)?livraison|livre\s+a|client\s+livre",
        r"afleveradres|leveringsadres|leveradres",
        r"(?:direccion\s+de\s+)?(?:envio|entrega)",
        r"(?:indirizzo\s+di\s+|luogo\s+di\s+)?(?:consegna|destinazione)",
        r"(?:morada|local)\s+de\s+(?:entrega|descarga)",
    ),
    "currency": (r"currency|wahrung|devise|valuta|moneda|divisa|moeda",),
    "subtotal": (
        # Not "net" alone: "Net 30" is a payment term.
        r"sub-?\s?total|net\s+total|net\s+amount|total\s+net|amount\s+before\s+tax|"
        r"(?:sub-?\s?total\s+)?less\s+discount|total\s+after\s+discount|"
        r"net\s+invoice(?:\s+(?:amount|total))?",
        # India's GST invoices: the "Taxable Value" the tax is charged on.
        r"(?:total\s+)?taxable\s+(?:value|amount)",
        rf"total\s+{_EXCL}\.?(?:\s+(?:of\s+)?{_TAXWORD})?",
        # "Total (excl. taxes)", "Total Sales (Excluding GST)".
        rf"total(?:\s+sales)?\s*\(\s*{_EXCL}\.?(?:\s+(?:of\s+)?{_TAXWORD})?\s*\)",
        rf"total{_AMOUNT}\s+{_EXCL}\.?\s+{_TAXWORD}|{_EXCL}\.?\s+{_TAXWORD}",
        r"nettobetrag|netto\s*-?\s*(?:betrag|summe)|zwischensumme|summe\s+netto|nettosumme|"
        r"gesamt(?:betrag|summe)?\s+netto|rechnungs\s*-?\s*(?:betrag|summe)\s+netto|warenwert|netto",
        r"sous-?\s?total|total\s+h\.?\s?t\.?|montant\s+h\.?\s?t\.?|total\s+hors\s+tax(?:e|es)|"
        r"(?:montant|total)\s+hors\s+(?:tva|taxes?)|"
        r"base\s+h\.?\s?t\.?|net\s+h\.?\s?t\.?",  # "Net HT": after a discount ("Remise")
        r"(?:netto\s+)?goederenwaarde|btw\s*-?\s*plichtig\s+bedrag|belastbaar\s+bedrag",
        rf"grondslag|subtota(?:a|le)l?|totaal\s+{_EXCL}\.?(?:\s+btw)?|netto\s*bedrag|bedrag\s+{_EXCL}\.?\s+btw",
        rf"(?:total\s+)?base\s+imponible|base\s+imp\.|{_IVA}\s*-?\s*base(?:\s+imponible)?|"
        r"importe\s+neto(?:\s+gravado)?|subtotal|base(?=\s*:)|"
        r"(?:total\s+)?neto(?!\s+a\s+(?:pagar|cobrar|percibir))(?!\s*\(?\s*(?:kg|kgs|kilos?|g|t|lbs?)\b)|"
        r"total\s+parcial",
        r"(?:tot(?:ale|\.)?\s+)?imponibile|subtotale|totale\s+netto",
        r"(?:total|valor)\s+(?:sem|s/)\s+iva|total\s+iliquido|base\s+tributavel|incidencia|"
        r"valor\s+liquido",
    ),
    "tax": (
        rf"{_RATE}(?:sales\s+|consumption\s+|goods\s+and\s+services\s+|total\s*)?"
        rf"(?:tax(?:es)?|vat|gst|hst|pst){_AMOUNT}{_NOT_AN_ID}(?!\s+invoice)",
        # India's GST, central and state (or union territory) halves, or integrated.
        rf"{_RATE}(?:add\s+)?(?:cgst|sgst|igst|utgst)(?:\s*/\s*utgst)?{_AMOUNT}{_NOT_AN_ID}",
        rf"(?:zzgl\.?\s+|zuzuglich\s+|plus\s+|enthaltene\s+|inkl\.?\s+)?{_RATE}(?:mwst\.?|ust\.?|umsatzsteuer|"
        rf"mehrwertsteuer){_AMOUNT}{_NOT_AN_ID}(?!\s*-?\s*id)",
        rf"{_RATE}(?:montant\s+|total\s+)?t\.?v\.?a\.?{_NOT_AN_ID}(?!\s+intra)",
        rf"{_RATE}(?:totaal\s+|subtotaal\s+)?btw(?:\s*-?\s*bedrag)?{_NOT_AN_ID}|af\s+te\s+dragen\s+btw",
        rf"{_RATE}(?:cuota\s+|total\s+|importe\s+)?{_IVA}(?:\s*-?\s*cuota)?{_NOT_AN_ID}",
        r"(?:total\s+)?impuestos",
        rf"(?:tot(?:ale|\.)?\s+)?(?:iva|imposta){_NOT_AN_ID}",
        rf"(?:valor\s+|total\s+(?:do\s+|de\s+)?)?iva{_NOT_AN_ID}",
        # "Subtotale IVA", "Sous-total TVA": the tax's own subtotal, not the net.
        # ("Subtotal IVA 12%" elsewhere is the base taxed at that rate: not matched.)
        r"subtotale\s+iva|sous\s*-?\s*total\s+(?:de\s+(?:la\s+)?)?tva",
    ),
    "total": (
        r"grand\s+total|total\s+due|total\s+amount(?:\s+due)?|invoice\s+total|amount\s+due|"
        r"balance\s+due|amount\s+payable|total\s+payable|(?:(?:total|amount)\s+)?to\s+(?:pay|be\s+paid)|"
        # "Total for this period" stays a part ("total" and a qualifier): a statement's
        # period is not its amount due.
        r"total\s+(?:for|of)\s+(?:this\s+)?(?:invoice|bill)|total|invoice\s+amount",
        r"total\s+amount\s+after\s+tax|(?:total\s+)?invoice\s+value",
        rf"total{_AMOUNT}\s+{_INCL}\.?\s+{_TAXWORD}|(?:bedrag\s+)?{_INCL}\.?\s+{_TAXWORD}",
        rf"total(?:\s+sales)?\s*\(\s*{_INCL}\.?\s+{_TAXWORD}\s*\)",
        r"gesamt\s*-?\s*(?:betrag|summe)(?:\s+brutto)?|rechnungs\s*-?\s*(?:betrag|summe)(?:\s+brutto)?|"
        r"end\s*-?\s*(?:betrag|summe)|brutto\s*-?\s*(?:betrag|summe)?|summe(?:\s+brutto)?|"
        r"zu\s+zahlen(?:der\s+betrag)?|zahlbetrag|gesamt|rechnungs\s*-?\s*total",
        r"total\s+t\.?t\.?c\.?|montant\s+t\.?t\.?c\.?|net\s+a\s+payer|total\s+a\s+payer|"
        r"montant\s+total|montant\s+du|(?:somme|montant)\s+a\s+payer|total\s+facture|"
        r"montant\s+(?:de\s+la\s+)?facture",
        # The first alternative that matches wins: the longer labels go first.
        rf"totaal\s+te\s+betalen|totaal\s+factuur|"
        rf"totaal(?:\s*-?\s*bedrag)?(?:\s+{_INCL}\.?\s+btw)?|te\s+betalen|"
        r"factuur\s*-?\s*(?:totaal|bedrag)|rekenings?\s*-?\s*bedrag",
        r"total\s+(?:de\s+(?:la\s+)?)?factura|importe\s+total|total\s+a\s+pagar|"
        r"(?:saldo|importe)\s+(?:adeudado|pendiente)|"
        # What is paid after an income-tax withholding (IRPF): "Importe líquido".
        # (Not "Total líquido": in Portugal that is the net before VAT.)
        r"importe\s+liquido|liquido\s+a\s+(?:percibir|pagar|cobrar)",
        r"totale(?:\s+(?:fattura|documento|da\s+pagare|complessivo))?|importo\s+totale|"
        r"tot\.?\s+(?:fattura|documento)|"
        r"netto\s+a\s+pagare|(?:ammontare|importo)\s+(?:della\s+|del\s+)?(?:fattura|documento)|"
        r"importo\s+da\s+pagare|importe\s+(?:de\s+la\s+)?factura",
        r"valor\s+total|total\s+(?:da\s+)?fatura|total\s+a\s+pagar|valor\s+(?:da\s+)?fatura|"
        r"valor\s+a\s+pagar",
    ),
    "other": (
        r"p\.?\s?o\.?\s*(?:no\.?|number|#)|(?:purchase\s+)?order\s+(?:no\.?|number|#|date)|"
        r"reference|ref\.|your\s+ref|our\s+ref|account(?:\s+(?:no\.?|number))?|"
        r"payment\s+terms?|terms|delivery\s+date|ship(?:ping|ment)?\s+date|(?:customer|client)\s*(?:no\.?|number|id|#)|"
        r"contact\s*(?:person|persoon)|contactpersoon|ansprechpartner|persona\s+de\s+contacto|"
        r"doorkiesnummer|durchwahl|debiteur(?:en)?\s*-?\s*(?:nummer|nr\.?)|debtor\s+(?:number|no\.?)|"
        r"follow\s+us|seguici\s+su|suivez-nous|codice(?:\s+[^\W\d_]+)?|"
        r"total\s+(?:qty|quantity|items?|units?|pcs|pieces)",
        r"page\s+\d+\s+(?:of|/)\s+\d+|seite\s+\d+\s+(?:von|/)\s+\d+|pagina\s+\d+\s+(?:van|di|de|/)"
        r"\s+\d+|page\s+\d+\s+sur\s+\d+",
        r"(?:vat|tax|gst|business|registration|company)\s+(?:no\.?|number|id|reg\.?)|abn|"
        r"bank|iban|swift|bic|(?:balance\s+)?(?:brought|carried)\s+forward|"
        r"tel\.?|phone|fax|e-?mail|web(?:site)?",
        r"kunden\s*-?\s*(?:nummer|nr\.?)|ust\s*-?\s*id(?:nr)?\.?|steuer\s*-?\s*(?:nummer|nr\.?)|"
        r"bestell\s*-?\s*(?:nummer|nr\.?|datum)|auftrags\s*-?\s*(?:nummer|nr\.?)|"
        r"liefer(?:datum|schein(?:\s*-?\s*nr\.?)?)|leistungs(?:datum|zeitraum)|zahlungsbedingungen|"
        r"datum\s+der\s+(?:lieferung|leistung|bestellung)|"
        r"bankverbindung|telefon|handelsregister|geschaftsfuhrer|amtsgericht|ihr\s+zeichen",
        r"(?:numero\s+de\s+|n\s?[°º]\s*)?(?:client|tva\s+intra\w*|siret|siren|commande)|"
        r"conditions\s+de\s+(?:paiement|reglement)|mode\s+de\s+(?:paiement|reglement)|"
        r"date\s+de\s+(?:la\s+)?(?:livraison|commande)|capital",
        r"klant\s*-?\s*(?:nummer|nr\.?)|btw\s*-?\s*(?:nummer|nr\.?|id)|kvk(?:\s*-?\s*nummer)?|"
        r"betalingsvoorwaarden|ordernummer|leverdatum|besteldatum|orderdatum|uw\s+referentie",
        r"(?:n\s?[°º]\s*|numero\s+de\s+)?(?:cliente|pedido)|c\.?i\.?f\.?|nif|n\.?i\.?f\.?|"
        r"forma\s+de\s+pago|condiciones\s+de\s+pago|fecha\s+(?:de\s+(?:la\s+)?|del\s+)?(?:pedido|entrega|envio)",
        r"p\.?\s?iva|partita\s+iva|codice\s+fiscale|identificativo\s+fiscale(?:\s+ai\s+fini\s+iva)?|"
        r"c\.?f\.?|condizioni\s+di\s+pagamento|"
        r"modalita\s+di\s+pagamento|ordine|ddt|data\s+(?:di\s+|della\s+|dell'\s?)?(?:consegna|ordine|spedizione)",
        r"contribuinte|nipc|condicoes\s+de\s+pagamento|encomenda|requisicao|"
        r"data\s+d[ae]\s+(?:entrega|encomenda)",
    ),
}

# Optional qualifiers after a label: "(20%)", "(EUR)", "20%", "@ 8.25%", "19 %".
# ... and dot leaders ("Total ........ 293,15").
_QUALIFIERS = r"(?:\s*\([^)]{0,24}\)|\s*@?\s*\d+(?:[.,]\d+)?\s*%|\s*\*+|\s*\.{2,})*"
# Field order breaks ties between equally long matches.
_FIELD_ORDER = tuple(LEXICON)
_COMPILED = tuple(
    (
        field,
        re.compile(
            rf"(?:{pattern})(?![a-z]){_QUALIFIERS}\s*(?P<sep>[:#\u2013\u2014]?)\s*(?P<rest>.*)",
            re.DOTALL,
        ),
    )
    for field, patterns in LEXICON.items()
    for pattern in patterns
)

MONEY_FIELDS = ("subtotal", "tax", "total")
NAME_FIELDS = ("vendor_name", "customer_name")


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so offsets carry over)."""
    out = []
    for ch in text:
        # º and ª are letters to Unicode, but in "N.º" they mark a number: keep them.
        base = unicodedata.normalize("NFKD", ch)[:1] if ch.isalpha() and ch not in "ºª" else ch
        lowered = base.lower()
        out.append(lowered if len(lowered) == 1 else base)
    return "".join(out)


@dataclass(frozen=True)
class LabelMatch:
    """A label found at the start of a segment."""

    field: str  # an InvoiceFields name, "ship_to" or "other"
    rest: str  # text after the label on the same segment ("" when alone)
    colon: bool  # whether ':' separated the label from `rest`


def label_after_slash(text: str) -> LabelMatch | None:
    """ "/Date de la livraison": a second label joined to a first by a slash."""
    text = text.strip()
    return _label_at_start(text[1:].strip()) if text.startswith("/") else None


def _combined(found: LabelMatch) -> LabelMatch | None:
    """ "Date de la facture/Date de la livraison  02.12.2025": two labels over one value
    (or a value each, "/" between them); the first is what is read. Its value is what
    follows the second label."""
    second = label_after_slash(found.rest) or _translated(found)
    if second is None:
        return None
    colon = second.colon or found.colon
    if found.field == "other" and second.field in _TAIL_FIELDS:
        # "Lieferdatum/Rechnungsdatum: 4. Juni 2014": the second label is the one we
        # read. One value serves both; two, spaced around a slash, go in order.
        values = second.rest.split(" / ")
        value = values[1] if len(values) == 2 else second.rest
        return LabelMatch(second.field, value.strip(), colon)
    return LabelMatch(found.field, second.rest, colon)


def _translated(found: LabelMatch) -> LabelMatch | None:
    """ "Numero doc./Doc. No.", "Data doc./Date": a label with a word qualifying it, then
    the same label in another language after a slash."""
    head, slash, tail = found.rest.partition("/")
    words = head.split()
    if not slash or not 0 < len(words) <= 2 or not all(_QUALIFIER.fullmatch(w) for w in words):
        return None
    second = _label_at_start(tail.strip())
    return second if second is not None and second.field == found.field else None


_QUALIFIER = re.compile(r"[^\W\d_]{1,12}\.?")


def match_label(text: str) -> LabelMatch | None:
    """The longest label `text` starts with; failing that, a label that ends just before
    the segment's first colon ("Liefer- und Rechnungsdatum: 11. Juli 2014")."""
    # OCR reads specks before a line as quotes, bars or bullets: "'DocNo", "| Total".
    text = text.strip().lstrip("\u2018\u2019'\"|\u00a9\u2022*+").strip()  # and "+19 % USt."
    found = _label_at_start(text)
    if found is not None and found.field in _TAIL_FIELDS and not found.colon:
        # "NUMERO FATTURA ELETTRONICA VALIDA AI FINI FISCALI:": words qualifying the
        # label before its colon; the value is after it, or under the label. Not after
        # a bare "Numero" or "Date": "Numero cliente:" numbers something else.
        qualifier, colon, after = found.rest.partition(":")
        words = qualifier.split()
        label = fold(text[: len(text) - len(found.rest)]).replace(".", " ").split()
        named = any(word not in _GENERIC_WORDS for word in label)
        qualified = 0 < len(words) <= _QUALIFIER_WORDS and all(w.isalpha() for w in words)
        if colon and named and qualified:
            return LabelMatch(found.field, after.strip(), True)
        if colon and qualified and not named and _OF_ANOTHER.search(fold(qualifier).strip()):
            # "Fecha de cargo:", "Date of delivery:": a bare "date" or "number" that
            # the words before the colon make some other one's ("Fecha y Hora:" stays).
            return LabelMatch("other", after.strip(), True)
    if found is not None and (both := _combined(found)) is not None:
        return both
    if found is not None or ":" not in text:
        return found
    before, after = text.strip().split(":", 1)
    words = before.split()
    for count in range(min(4, len(words) - 1), 0, -1):
        tail = _label_at_start(" ".join(words[-count:]) + ":" + after)
        # Only labels whose last word says what they are: "... Rechnungsdatum:" is a
        # date, but "N° de compte client :" is an account number, not a customer, and
        # "Uw BTW nummer:" a VAT number: a bare "number" or "date" is some other one's.
        if count == 1 and fold(words[-1]).rstrip(".") in _GENERIC_WORDS:
            continue
        if tail is not None and tail.colon and tail.field in _TAIL_FIELDS:
            return tail
    return None


_TAIL_FIELDS = ("invoice_date", "due_date", "invoice_number")
_QUALIFIER_WORDS = 6
# "de cargo", "final del contrato", "of delivery": the dates and numbers of other things
# a bare "date" or "number" may be qualified with before its colon. Named one by one: a
# date of invoicing, billing or issue, in any inflection, stays the invoice's.
_OF_ANOTHER = re.compile(
    r"\b(?:de|del|of|der|des|du|di|da|do|van)\s+(?:\w+\s+)?(?:cargo|contrato|entrega|envio|"
    r"pedido|lectura|alta|baja|pago|delivery|dispatch|shipment|order|service|supply|reading|"
    r"payment|contract|lieferung|leistung|bestellung|zahlung|livraison|commande|paiement|"
    r"levering|bestelling|betaling|consegna|ordine|pagamento|spedizione|entrega)\b"
)
_GENERIC_WORDS = frozenset(
    {"nummer", "numero", "number", "no", "nr", "date", "datum", "data", "fecha", "dated"}
)


def _label_at_start(original: str) -> LabelMatch | None:
    folded = fold(original)
    best: tuple[int, int, LabelMatch] | None = None
    for field, pattern in _COMPILED:
        match = pattern.match(folded)
        if match is None:
            continue
        length = match.start("sep")
        rank = (length, -_FIELD_ORDER.index(field))
        if best is None or rank > best[:2]:
            rest = original[match.start("rest") :].strip()
            # A dash after a label serves as its colon: "Invoice Date— Feb 14, 2026".
            best = (*rank, LabelMatch(field, rest, match["sep"] in (":", "\u2013", "\u2014")))
    return best[2] if best else None
