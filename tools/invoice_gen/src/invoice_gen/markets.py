"""Countries an invoice can come from: currency, tax, addresses and how they write.

A market ties a language to one country's conventions, so a German invoice from
Zurich uses francs, 8.1 % MWST and 1'234.50, while one from Berlin uses euros,
19 % MwSt. and 1.234,50. The format lists repeat the most common entries so they
are drawn more often.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    """One country's invoice conventions, for one of its languages."""

    code: str  # language-COUNTRY, e.g. "de-CH"
    currency: str
    symbol: str
    page_format: str
    tax_names: tuple[str, ...]
    tax_rates: tuple[str, ...]
    number_formats: tuple[str, ...]
    date_formats: tuple[str, ...]
    currency_formats: tuple[str, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    # How a street line is written: {street} and {n} (the house number).
    street_line: str
    phone: str
    tax_id: str
    iban_country: str

    @property
    def language(self) -> str:
        return self.code.split("-")[0]


_EN_STREET = "{n} {street}"
_DE_STREET = "{street} {n}"
_ROMANCE_STREET = "{street}, {n}"

MARKETS: dict[str, Market] = {
    market.code: market
    for market in (
        Market(
            "en-US", "USD", "$", "Letter", ("Sales Tax", "Tax"), ("8.25", "7", "6.5"),
            ("comma_dot", "comma_dot", "comma_dot", "plain_dot"),
            ("mdy_slash", "mdy_slash", "mdy_long", "mdy_abbr", "iso", "mdy_dash"),
            ("symbol_before", "symbol_before", "symbol_before", "code_before", "code_after",
             "word"),
            ("Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205"),
            ("Market Street", "Elm Street", "Commerce Drive"), _EN_STREET,
            "+1 (512) 555-0142", "EIN: 12-3456789", "US",
        ),
        Market(
            "en-GB", "GBP", "£", "A4", ("VAT",), ("20", "5"),
            ("comma_dot", "comma_dot", "comma_dot", "plain_dot"),
            ("dmy_slash", "dmy_slash", "dmy_long", "dmy_abbr", "iso", "dmy_dash"),
            ("symbol_before", "symbol_before", "symbol_before", "code_before", "code_after"),
            ("London EC1A 1BB", "Manchester M1 2AB", "Leeds LS1 4DY"),
            ("High Street", "Station Road", "Mill Lane"), _EN_STREET,
            "+44 20 7946 0958", "VAT Reg. No.: GB 123 4567 89", "GB",
        ),
        Market(
            "en-IE", "EUR", "€", "A4", ("VAT",), ("23", "13.5"),
            ("comma_dot", "comma_dot", "plain_dot"),
            ("dmy_slash", "dmy_long", "dmy_abbr", "dmy_dash", "iso"),
            ("symbol_before", "symbol_before", "code_before", "code_after", "word"),
            ("Dublin D02 X285", "Cork T12 RW26", "Galway H91 E2K3"),
            ("Grafton Street", "Main Street", "Quay Road"), _EN_STREET,
            "+353 1 234 5678", "VAT No.: IE1234567T", "IE",
        ),
        Market(
            "de-DE", "EUR", "€", "A4", ("MwSt.", "USt.", "Umsatzsteuer"), ("19", "7"),
            ("dot_comma", "dot_comma", "dot_comma", "plain_comma", "space_comma"),
            ("dmy_dot", "dmy_dot", "dmy_dot", "dmy_long", "dmy_abbr", "iso"),
            ("symbol_after", "symbol_after", "symbol_after", "code_after", "code_after",
             "code_before", "word", "symbol_before_space"),
            ("10115 Berlin", "80331 München", "50667 Köln", "20095 Hamburg"),
            ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenweg"), _DE_STREET,
            "+49 30 1234 5678", "USt-IdNr.: DE123456789", "DE",
        ),
        Market(
            "de-AT", "EUR", "€", "A4", ("USt.", "MwSt."), ("20", "10"),
            ("dot_comma", "dot_comma", "space_comma"),
            ("dmy_dot", "dmy_dot", "dmy_long", "dmy_abbr"),
            ("symbol_after", "symbol_before_space", "code_after", "code_before", "word"),
            ("1010 Wien", "8010 Graz", "5020 Salzburg"),
            ("Mariahilfer Straße", "Landstraße", "Kärntner Straße"), _DE_STREET,
            "+43 1 234 56 78", "UID-Nr.: ATU12345678", "AT",
        ),
        Market(
            "de-CH", "CHF", "Fr.", "A4", ("MWST", "MwSt."), ("8.1", "2.6"),
            ("apos_dot", "apos_dot", "apos_dot", "plain_dot"),
            ("dmy_dot", "dmy_dot", "dmy_long", "dmy_abbr", "ymd_dot"),
            ("code_before", "code_before", "code_after", "symbol_before_space", "word"),
            ("8001 Zürich", "3011 Bern", "4051 Basel"),
            ("Bahnhofstrasse", "Seestrasse", "Dorfstrasse"), _DE_STREET,
            "+41 44 668 18 00", "UID: CHE-123.456.789 MWST", "CH",
        ),
        Market(
            "fr-FR", "EUR", "€", "A4", ("TVA",), ("20", "10", "5.5"),
            ("narrow_space_comma", "narrow_space_comma", "space_comma", "space_comma",
             "ascii_space_comma", "plain_comma", "dot_comma"),
            ("dmy_slash", "dmy_slash", "dmy_slash", "dmy_long", "dmy_long", "dmy_abbr", "dmy_dash"),
            ("symbol_after", "symbol_after", "symbol_after", "code_after", "word"),
            ("75002 Paris", "69002 Lyon", "13001 Marseille", "33000 Bordeaux"),
            ("rue de la République", "avenue Victor Hugo", "boulevard Voltaire"), _EN_STREET,
            "+33 1 23 45 67 89", "N° TVA intracom. : FR12 345678901", "FR",
        ),
        Market(
            "fr-BE", "EUR", "€", "A4", ("TVA",), ("21", "6"),
            ("dot_comma", "dot_comma", "space_comma"),
            ("dmy_slash", "dmy_slash", "dmy_long", "dmy_abbr", "dmy_dot"),
            ("symbol_after", "symbol_after", "code_after", "symbol_before_space", "word"),
            ("1000 Bruxelles", "4000 Liège", "5000 Namur"),
            ("rue Neuve", "avenue Louise", "rue du Midi"), _ROMANCE_STREET,
            "+32 2 123 45 67", "N° TVA : BE 0123.456.789", "BE",
        ),
        Market(
            "fr-CH", "CHF", "Fr.", "A4", ("TVA",), ("8.1", "2.6"),
            ("apos_dot", "apos_dot", "plain_dot"),
            ("dmy_dot", "dmy_dot", "dmy_long", "dmy_slash"),
            ("code_before", "code_before", "code_after", "symbol_before_space", "word"),
            ("1201 Genève", "1003 Lausanne", "2000 Neuchâtel"),
            ("rue du Rhône", "avenue de la Gare", "rue du Lac"), _EN_STREET,
            "+41 22 345 67 89", "IDE : CHE-123.456.789 TVA", "CH",
        ),
        Market(
            "nl-NL", "EUR", "€", "A4", ("BTW", "btw"), ("21", "9"),
            ("dot_comma", "dot_comma", "dot_comma", "plain_comma"),
            ("dmy_dash", "dmy_dash", "dmy_slash", "dmy_long", "dmy_abbr", "iso"),
            ("symbol_before_space", "symbol_before_space", "symbol_before_space",
             "symbol_before", "code_before", "code_after", "word"),
            ("1012 AB Amsterdam", "3011 AD Rotterdam", "3511 LX Utrecht"),
            ("Keizersgracht", "Stationsweg", "Dorpsstraat"), _DE_STREET,
            "+31 20 123 4567", "BTW-nr.: NL123456789B01", "NL",
        ),
        Market(
            "nl-BE", "EUR", "€", "A4", ("BTW", "btw"), ("21", "6"),
            ("dot_comma", "dot_comma", "space_comma"),
            ("dmy_slash", "dmy_slash", "dmy_dash", "dmy_long", "dmy_abbr"),
            ("symbol_before_space", "symbol_after", "code_after", "word"),
            ("2000 Antwerpen", "9000 Gent", "3000 Leuven"),
            ("Meir", "Veldstraat", "Bondgenotenlaan"), _DE_STREET,
            "+32 3 123 45 67", "Btw: BE 0123.456.789", "BE",
        ),
        Market(
            "es-ES", "EUR", "€", "A4", ("IVA",), ("21", "10"),
            ("dot_comma", "dot_comma", "dot_comma", "plain_comma", "space_comma"),
            ("dmy_slash", "dmy_slash", "dmy_dash", "dmy_long", "dmy_abbr", "dmy_dot",
             "ymd_slash"),
            ("symbol_after", "symbol_after", "symbol_after", "code_after", "word"),
            ("28013 Madrid", "08002 Barcelona", "46002 Valencia", "41001 Sevilla"),
            ("Calle Mayor", "Avenida de la Constitución", "Calle del Sol"), _ROMANCE_STREET,
            "+34 912 345 678", "NIF: B12345678", "ES",
        ),
        Market(
            "it-IT", "EUR", "€", "A4", ("IVA",), ("22", "10"),
            ("dot_comma", "dot_comma", "dot_comma", "plain_comma"),
            ("dmy_slash", "dmy_slash", "dmy_long", "dmy_abbr", "dmy_dot", "dmy_dash"),
            ("symbol_before_space", "symbol_before_space", "symbol_after", "code_before",
             "code_after", "word"),
            ("20121 Milano", "00184 Roma", "10121 Torino", "50122 Firenze"),
            ("Via Roma", "Corso Italia", "Via Garibaldi"), _ROMANCE_STREET,
            "+39 02 1234 5678", "P. IVA: IT12345678901", "IT",
        ),
        Market(
            "pt-PT", "EUR", "€", "A4", ("IVA",), ("23", "13", "6"),
            ("space_comma", "space_comma", "dot_comma", "dot_comma", "narrow_space_comma",
             "plain_comma"),
            ("dmy_dash", "dmy_dash", "dmy_slash", "iso", "dmy_long", "dmy_abbr", "ymd_slash"),
            ("symbol_after", "symbol_after", "code_after", "code_before", "word"),
            ("1100-148 Lisboa", "4000-322 Porto", "3000-150 Coimbra"),
            ("Rua Augusta", "Avenida da Liberdade", "Rua do Comércio"), _ROMANCE_STREET,
            "+351 21 123 4567", "NIF: PT123456789", "PT",
        ),
    )
}  # fmt: skip


def markets_for(language: str) -> tuple[Market, ...]:
    """The markets writing in `language`, in a fixed order."""
    return tuple(market for market in MARKETS.values() if market.language == language)
