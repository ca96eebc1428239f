"""Word lists the generator draws from: parties, addresses and things to sell.

Everything here is latin-1 so fpdf2's built-in Helvetica can draw it without
embedding a font. Names deliberately avoid starting with words an invoice uses as
labels ("Total", "Date", "Tax", ...) and never contain a currency code, because a
real invoice that did would be ambiguous for any reader, human or parser.
"""

from __future__ import annotations

from dataclasses import dataclass

VENDORS: tuple[str, ...] = (
    "Northwind Traders Ltd",
    "Blue Harbor Logistics LLC",
    "Keller & Sohn GmbH",
    "Aurora Office Supplies Inc.",
    "Redwood Analytics Corp.",
    "Müller Maschinenbau GmbH",
    "Lindqvist Design AB",
    "Brightwave Media Ltd",
    "Copperleaf Software B.V.",
    "Alpine Präzision AG",
    "Harbourside Printing Co.",
    "Greenfield Catering Ltd",
    "Summit Cloud Services Inc.",
    "Tanaka Engineering KK",
    "Maple Leaf Hardware Ltd.",
    "Southern Cross Electrical Pty Ltd",
    "Atelier Lumière SARL",
    "Baltic Freight Solutions",
    "Ironbridge Components plc",
    "Pinecrest Legal LLP",
    "Oakridge Facility Services",
    "Starling Data Labs Inc.",
    "Helvetia Tooling AG",
    "Nordic Pulp & Paper AB",
    "Quantum Leap Marketing Ltd",
    "Riverbend Furniture Co.",
    "Silverline Security Systems Ltd",
    "Cascade Water Technologies Inc.",
    "Eastgate Electronics Ltd",
    "Golden Gate Translation Services",
    "Bergström Akustik AB",
    "Sakura Trading Co., Ltd.",
    "Meridian Health Supplies LLC",
    "Westbrook Architecture Studio",
    "Kangaroo Valley Coffee Roasters",
    "Orion Precision Parts GmbH",
    "Lakeside IT Solutions Ltd",
    "Coastal Print & Sign Inc.",
    "Vertex Engineering S.A.",
    "Bluebird Design Studio",
)

CUSTOMERS: tuple[str, ...] = (
    "Contoso Ltd",
    "Fabrikam Inc.",
    "Globex Corporation",
    "Initech LLC",
    "Bramble & Finch Bakery",
    "Crescent Moon Hotels Ltd",
    "Dunmore Veterinary Clinic",
    "Elmstead Primary School",
    "Foxglove Interiors Ltd",
    "Granite Peak Outfitters Inc.",
    "Hollowell Dental Group",
    "Ivy Lane Publishing Ltd",
    "Juniper Wealth Advisors LLC",
    "Kestrel Aviation Services",
    "Larkspur Florists",
    "Marlowe & Pike Solicitors",
    "Nettlefield Farms Ltd",
    "Osprey Marine Engineering",
    "Primrose Care Homes Ltd",
    "Quayside Brewing Co.",
    "Rosewood Retail Group",
    "Saltmarsh Studios",
    "Thistle Mountain Resorts",
    "Upland Robotics GmbH",
    "Vireo Biotech AG",
    "Willowbank Medical Centre",
    "Yarrow Event Management",
    "Zephyr Wind Energy AB",
    "Åkesson Bygg AB",
    "Château Verdier SAS",
    "Hoffmann Elektrotechnik GmbH",
    "Nakamura Foods KK",
    "Tremblay Construction Inc.",
    "Kowalski Transport",
    "O'Brien & Daughters Ltd",
    "Whitlock Property Management",
    "Alder & Ash Landscaping",
    "Beacon Hill Academy",
    "Clearwater Pharmacy Ltd",
    "Driftwood Surf School",
)

STREETS: tuple[str, ...] = (
    "Harbour Road",
    "Market Street",
    "Hauptstraße",
    "Rue de la Paix",
    "Kings Avenue",
    "Industrial Park Way",
    "Bahnhofstrasse",
    "Drottninggatan",
    "Queen Street West",
    "George Street",
    "Elm Street",
    "Mill Lane",
    "Station Road",
    "Keizersgracht",
    "Via Roma",
    "Commerce Drive",
)

# City lines by currency, so an address looks like it belongs with the money.
CITIES: dict[str, tuple[str, ...]] = {
    "USD": ("Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205", "Boston, MA 02110"),
    "EUR": ("10115 Berlin", "75002 Paris", "1012 AB Amsterdam", "Dublin D02 X285", "20121 Milano"),
    "GBP": ("London EC1A 1BB", "Manchester M1 2AB", "Leeds LS1 4DY", "Bristol BS1 5TR"),
    "CHF": ("8001 Zürich", "1201 Genève", "3011 Bern", "4051 Basel"),
    "CAD": ("Toronto, ON M5H 2N2", "Montréal, QC H3B 4W8", "Vancouver, BC V6B 1A1"),
    "AUD": ("Sydney NSW 2000", "Melbourne VIC 3000", "Brisbane QLD 4000"),
    "JPY": ("Tokyo 100-0005", "Osaka 530-0001", "Yokohama 220-0012"),
    "SEK": ("111 52 Stockholm", "411 06 Göteborg", "211 22 Malmö"),
}


@dataclass(frozen=True)
class CatalogItem:
    """Something an invoice can bill for, with a plausible unit price range in USD."""

    description: str
    kind: str  # "hour" (fractional quantities), "unit" or "month"
    low: int
    high: int
    code_prefix: str


CATALOG: tuple[CatalogItem, ...] = (
    CatalogItem("Consulting services", "hour", 90, 240, "SRV"),
    CatalogItem("Software development", "hour", 70, 180, "SRV"),
    CatalogItem("Project management", "hour", 60, 150, "SRV"),
    CatalogItem("On-site technical support", "hour", 55, 130, "SRV"),
    CatalogItem("UX design workshop", "hour", 80, 200, "SRV"),
    CatalogItem("Data migration", "hour", 75, 160, "SRV"),
    CatalogItem("Legal advisory", "hour", 150, 420, "LGL"),
    CatalogItem("Copywriting", "hour", 40, 110, "SRV"),
    CatalogItem("Training session", "hour", 60, 140, "TRN"),
    CatalogItem("Network installation", "hour", 65, 120, "SRV"),
    CatalogItem("Code review", "hour", 85, 190, "SRV"),
    CatalogItem("Bookkeeping services", "hour", 45, 95, "ACC"),
    CatalogItem("Event photography", "hour", 70, 160, "SRV"),
    CatalogItem("Video editing", "hour", 50, 130, "SRV"),
    CatalogItem("Office chair, ergonomic", "unit", 180, 690, "FUR"),
    CatalogItem("Standing desk frame", "unit", 250, 900, "FUR"),
    CatalogItem("27-inch monitor", "unit", 190, 480, "HW"),
    CatalogItem("Wireless keyboard", "unit", 25, 120, "HW"),
    CatalogItem("USB-C docking station", "unit", 90, 280, "HW"),
    CatalogItem("Laser printer toner", "unit", 40, 160, "SUP"),
    CatalogItem("A4 copy paper (5 reams)", "unit", 18, 45, "SUP"),
    CatalogItem("Safety gloves, size L", "unit", 3, 12, "PPE"),
    CatalogItem("Steel bracket M8", "unit", 1, 9, "MEC"),
    CatalogItem("LED panel light", "unit", 35, 140, "ELE"),
    CatalogItem("Coffee beans, 1 kg", "unit", 14, 38, "FB"),
    CatalogItem("Printed brochures (pack of 100)", "unit", 45, 190, "PRT"),
    CatalogItem("Stainless steel bolts (box)", "unit", 8, 35, "MEC"),
    CatalogItem("Cable ties (pack)", "unit", 2, 9, "ELE"),
    CatalogItem("Shipping pallet", "unit", 12, 40, "LOG"),
    CatalogItem("Ceramic floor tiles (box)", "unit", 22, 75, "BLD"),
    CatalogItem("Network switch, 24-port", "unit", 140, 620, "HW"),
    CatalogItem("Laptop stand", "unit", 20, 85, "HW"),
    CatalogItem("Hydraulic hose assembly", "unit", 30, 210, "MEC"),
    CatalogItem("Cloud hosting plan", "month", 30, 900, "SUB"),
    CatalogItem("Software licence (per seat)", "month", 8, 60, "SUB"),
    CatalogItem("Managed backup service", "month", 25, 300, "SUB"),
    CatalogItem("Website maintenance", "month", 90, 600, "SUB"),
    CatalogItem("Office cleaning (monthly)", "month", 200, 1400, "SUB"),
    CatalogItem("Delivery charge", "unit", 10, 90, "FEE"),
    CatalogItem("Installation fee", "unit", 50, 400, "FEE"),
    CatalogItem("Travel expenses", "unit", 60, 950, "FEE"),
)

# Fractional hours an hourly line may bill; integers dominate, as on real timesheets.
HOURS: tuple[str, ...] = (
    "1", "2", "3", "4", "5", "6", "8", "10", "12", "16", "20", "24", "40",
    "0.5", "1.5", "2.25", "2.5", "3.75", "4.5", "7.5", "12.5",
)  # fmt: skip

PAYMENT_NOTES: tuple[str, ...] = (
    "Thank you for your business!",
    "Please include the invoice number with your payment.",
    "Payment by bank transfer only.",
    "Questions about this invoice? Contact accounts@example.com",
)

BANKS: tuple[str, ...] = (
    "First Harbor Bank",
    "Nordbank AG",
    "Crown Commercial Bank",
    "Banque Lafayette",
    "Pacific Trust",
)
