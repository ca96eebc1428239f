package merge

import (
	"slices"
	"strings"
	"testing"

	"invoice/aggregate-service-go/internal/contract"
)

// The cases of tests/unit/test_merge.py, and the evidence and edge rules around them.

const id = "INV-TEST-1"

// money reads "1271.94" as an amount.
func money(s string) *contract.Money {
	m, err := contract.ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return &m
}

func str(s string) *string { return &s }

// item is a line whose amount is quantity × price rounded to cents.
func item(description string, quantity int64, price string) contract.LineItem {
	p := money(price)
	q := float64(quantity)
	return contract.LineItem{Description: description, Quantity: &q, UnitPrice: p,
		Amount: contract.Cents(p.Cents() * quantity)}
}

func withHeader(p contract.PageExtraction) contract.PageExtraction {
	p.InvoiceNumber = str("INV-2025-0042")
	p.InvoiceDate = str("2025-03-14")
	p.DueDate = str("2025-04-13")
	p.VendorName = str("Northwind Traders Ltd")
	p.CustomerName = str("Contoso Ltd")
	p.Currency = str("GBP")
	return p
}

func page(n int) contract.PageExtraction {
	return contract.PageExtraction{InvoiceID: id, PageNumber: n}
}

func consistentInvoice() []contract.PageExtraction {
	first := withHeader(page(1))
	first.LineItems = []contract.LineItem{item("Consulting services", 3, "120.00"), item("Toner", 12, "45.50")}
	last := page(2)
	last.InvoiceNumber = str("INV-2025-0042")
	last.Currency = str("GBP")
	last.LineItems = []contract.LineItem{item("Wireless keyboard", 6, "60.99")}
	last.Subtotal, last.Tax, last.Total = money("1271.94"), money("254.39"), money("1526.33")
	return []contract.PageExtraction{first, last}
}

func aggregate(t *testing.T, pages []contract.PageExtraction) *contract.AggregatedInvoice {
	t.Helper()
	invoice, err := Aggregate(id, pages)
	if err != nil {
		t.Fatal(err)
	}
	return invoice
}

func descriptions(items []contract.LineItem) []string {
	var out []string
	for _, i := range items {
		out = append(out, i.Description)
	}
	return out
}

func TestConsistentInvoiceMergesWithoutWarnings(t *testing.T) {
	got := aggregate(t, consistentInvoice())
	if len(got.Warnings) != 0 || got.InvoiceID != id || got.PageCount != 2 ||
		*got.InvoiceNumber != "INV-2025-0042" || *got.VendorName != "Northwind Traders Ltd" ||
		got.Total.String() != "1526.33" {
		t.Fatalf("%+v", got)
	}
	want := []string{"Consulting services", "Toner", "Wireless keyboard"}
	if !slices.Equal(descriptions(got.LineItems), want) {
		t.Fatal(descriptions(got.LineItems))
	}
}

func TestPagesAreMergedInPageNumberOrder(t *testing.T) {
	pages := consistentInvoice()
	slices.Reverse(pages)
	got := aggregate(t, pages)
	if d := descriptions(got.LineItems); d[len(d)-1] != "Wireless keyboard" || len(got.Warnings) != 0 {
		t.Fatal(d, got.Warnings)
	}
}

// warningsCase is one invoice and the warnings its merge must give.
type warningsCase struct {
	name     string
	pages    func() []contract.PageExtraction
	exactly  []string // the whole list, when set
	contains []string // each of these among them
	check    func(t *testing.T, got *contract.AggregatedInvoice)
}

func TestWarnings(t *testing.T) {
	cases := []warningsCase{
		{
			name: "header fields take the value most pages agree on",
			pages: func() []contract.PageExtraction {
				p1, p2, p3 := page(1), page(2), page(3)
				p1.InvoiceNumber, p2.InvoiceNumber, p3.InvoiceNumber = str("INV-1"), str("INV-7"), str("INV-7")
				return []contract.PageExtraction{p1, p2, p3}
			},
			contains: []string{`Pages disagree on the invoice number: "INV-1" on page 1; "INV-7" on pages 2 and 3. Using "INV-7".`},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if *got.InvoiceNumber != "INV-7" {
					t.Error(*got.InvoiceNumber)
				}
			},
		},
		{
			name: "the first page wins a tie",
			pages: func() []contract.PageExtraction {
				p1, p2 := page(1), page(2)
				p1.InvoiceDate, p2.InvoiceDate = str("2025-05-04"), str("2025-04-05")
				return []contract.PageExtraction{p1, p2}
			},
			contains: []string{"Pages disagree on the invoice date: 2025-05-04 on page 1; 2025-04-05 on page 2. Using 2025-05-04."},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if *got.InvoiceDate != "2025-05-04" {
					t.Error(*got.InvoiceDate)
				}
			},
		},
		{
			name: "pages that do not show a field do not count against it",
			pages: func() []contract.PageExtraction {
				p1 := page(1)
				p1.VendorName = str("Acme Ltd")
				return []contract.PageExtraction{p1, page(2), page(3)}
			},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if *got.VendorName != "Acme Ltd" || slices.ContainsFunc(got.Warnings, func(w string) bool {
					return strings.Contains(w, "disagree")
				}) {
					t.Error(got.Warnings)
				}
			},
		},
		{
			name: "totals come from the last page that has them",
			pages: func() []contract.PageExtraction {
				p1, p2 := page(1), page(2)
				p1.Subtotal, p1.Total = money("10.00"), money("12.00")
				p2.Subtotal, p2.Tax, p2.Total = money("30.00"), money("6.00"), money("36.00")
				return []contract.PageExtraction{p1, p2, page(3)}
			},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if got.Subtotal.String() != "30.00" || got.Tax.String() != "6.00" || got.Total.String() != "36.00" {
					t.Error(got.Subtotal, got.Tax, got.Total)
				}
			},
		},
		{
			name: "line items that do not add up to the subtotal are flagged",
			pages: func() []contract.PageExtraction {
				pages := consistentInvoice()
				pages[1].Subtotal = money("1200.00")
				return pages
			},
			contains: []string{"Line items add up to 1271.94, but the subtotal is 1200.00."},
		},
		{
			name: "a cent per line of rounding is tolerated",
			pages: func() []contract.PageExtraction {
				pages := consistentInvoice()
				pages[1].Subtotal, pages[1].Total = money("1271.96"), money("1526.35")
				return pages
			},
			exactly: []string{},
		},
		{
			name: "a total that is not subtotal plus tax is flagged",
			pages: func() []contract.PageExtraction {
				pages := consistentInvoice()
				pages[1].Total = money("1530.00")
				return pages
			},
			exactly: []string{"Subtotal 1271.94 plus tax 254.39 is 1526.33, but the invoice total is 1530.00."},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if got.Total.String() != "1530.00" {
					t.Error(got.Total)
				}
			},
		},
		{
			name: "a total without tax must equal the subtotal",
			pages: func() []contract.PageExtraction {
				p := withHeader(page(1))
				p.Subtotal, p.Total = money("100.00"), money("120.00")
				return []contract.PageExtraction{p}
			},
			exactly: []string{"Subtotal 100.00 differs from the invoice total 120.00 and no page shows a tax amount."},
		},
		{
			name: "without a subtotal the line items are checked against the total",
			pages: func() []contract.PageExtraction {
				p := withHeader(page(1))
				p.LineItems = []contract.LineItem{item("Toner", 2, "10.00")}
				p.Tax, p.Total = money("2.00"), money("30.00")
				return []contract.PageExtraction{p}
			},
			exactly: []string{"Line items plus tax add up to 22.00, but the invoice total is 30.00."},
		},
		{
			name: "without a subtotal or tax the line items alone meet the total",
			pages: func() []contract.PageExtraction {
				p := withHeader(page(1))
				p.LineItems = []contract.LineItem{item("Toner", 2, "10.00")}
				p.Total = money("30.00")
				return []contract.PageExtraction{p}
			},
			exactly: []string{"Line items add up to 20.00, but the invoice total is 30.00."},
		},
		{
			name: "missing required fields are named",
			pages: func() []contract.PageExtraction {
				p := page(1)
				p.CustomerName = str("Contoso Ltd")
				return []contract.PageExtraction{p}
			},
			exactly: []string{
				"No page shows the invoice number.",
				"No page shows the invoice date.",
				"No page shows the vendor name.",
				"No page shows the currency.",
				"No page shows the total.",
			},
		},
		{
			name: "page warnings are prefixed with the page number",
			pages: func() []contract.PageExtraction {
				pages := consistentInvoice()
				pages[1].Warnings = []string{"The date '04/05/2025' is ambiguous."}
				return pages
			},
			exactly: []string{"Page 2: The date '04/05/2025' is ambiguous."},
		},
		{
			name: "missing and repeated pages are flagged",
			pages: func() []contract.PageExtraction {
				return []contract.PageExtraction{page(1), page(3), page(3), page(5)}
			},
			contains: []string{
				"Page 3 was extracted more than once.",
				"No extraction for pages 2 and 4; the invoice may be incomplete.",
			},
			check: func(t *testing.T, got *contract.AggregatedInvoice) {
				if got.PageCount != 4 {
					t.Error(got.PageCount)
				}
			},
		},
		{
			name: "a page of another invoice is flagged",
			pages: func() []contract.PageExtraction {
				other := page(3)
				other.InvoiceID = "OTHER-9"
				return append(consistentInvoice(), other)
			},
			contains: []string{"Page 3 belongs to invoice 'OTHER-9', not 'INV-TEST-1'."},
		},
		{
			name: "a negative zero keeps its sign in a sentence, as Decimal does",
			pages: func() []contract.PageExtraction {
				p := withHeader(page(1))
				negativeZero, _ := contract.ParseMoney("-0.001")
				p.Subtotal, p.Tax, p.Total = &negativeZero, &negativeZero, money("5.00")
				return []contract.PageExtraction{p}
			},
			exactly: []string{"Subtotal -0.00 plus tax -0.00 is -0.00, but the invoice total is 5.00."},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := aggregate(t, c.pages())
			if c.exactly != nil && !slices.Equal(got.Warnings, c.exactly) {
				t.Errorf("warnings\n got %q\nwant %q", got.Warnings, c.exactly)
			}
			for _, w := range c.contains {
				if !slices.Contains(got.Warnings, w) {
					t.Errorf("no %q among %q", w, got.Warnings)
				}
			}
			if c.check != nil {
				c.check(t, got)
			}
		})
	}
}

func TestAnInvoiceNeedsAtLeastOnePage(t *testing.T) {
	if _, err := Aggregate(id, nil); err != ErrNoPages {
		t.Fatal(err)
	}
}

func TestTheWrongTotalSentenceIsTheGenerators(t *testing.T) {
	got := TotalMismatchWarning(*money("1271.94"), *money("254.39"), *money("1530.00"))
	if got != "Subtotal 1271.94 plus tax 254.39 is 1526.33, but the invoice total is 1530.00." {
		t.Fatal(got)
	}
}

func TestTheEmbeddedEInvoiceWinsAndItsContradictionsAreReported(t *testing.T) {
	pages := consistentInvoice()
	first, last := pages[0], pages[1]
	xmlItems := append(slices.Clone(first.LineItems), last.LineItems...)
	structured := first
	structured.Total = money("1626.33")
	structured.LineItems = xmlItems
	structured.Source = map[string]string{"total": "embedded_xml", "line_items": "embedded_xml"}
	structured.Confidence = map[string]float64{"total": 0.99}
	got := aggregate(t, []contract.PageExtraction{structured, last})
	if got.Total.String() != "1626.33" {
		t.Error("the XML's total, not the last page's text:", got.Total)
	}
	if !slices.Equal(descriptions(got.LineItems), descriptions(xmlItems)) {
		t.Error("the XML's whole list, not the pages' again:", descriptions(got.LineItems))
	}
	if source := evidenceOf(got.Source, "total"); source != "embedded_xml" {
		t.Error(source)
	}
	if !slices.ContainsFunc(got.Warnings, func(w string) bool {
		return strings.Contains(w, `e-invoice says total "1626.33" but page 2 shows "1526.33"`)
	}) {
		t.Error(got.Warnings)
	}
	if c := evidenceOf(got.Confidence, "total"); c != 0.5 {
		t.Error("a total that does not add up keeps at most 0.5:", c)
	}
}

func TestAnEmbeddedFieldWithoutAValueIsNone(t *testing.T) {
	p1, p2 := page(1), page(2)
	p1.Source = map[string]string{"total": "embedded_xml"}
	p2.Total = money("12.00")
	got := aggregate(t, []contract.PageExtraction{p1, p2})
	if got.Total != nil {
		t.Error(got.Total)
	}
	if !slices.Contains(got.Warnings, `The embedded e-invoice says total "None" but page 2 shows "12.00".`) {
		t.Error(got.Warnings)
	}
}

func evidenceOf[T any](list []contract.Evidence[T], field string) T {
	for _, e := range list {
		if e.Field == field {
			return e.Value
		}
	}
	var zero T
	return zero
}

func TestEvidence(t *testing.T) {
	cases := []struct {
		name       string
		pages      func() []contract.PageExtraction
		field      string
		confidence float64
		source     string
	}{
		{
			name: "a page that states nothing is half sure, and read the text",
			pages: func() []contract.PageExtraction {
				p := page(1)
				p.Currency = str("EUR")
				return []contract.PageExtraction{p}
			},
			field: "currency", confidence: 0.5, source: "text",
		},
		{
			name: "the surest agreeing page, lowered by the share that agrees",
			pages: func() []contract.PageExtraction {
				p1, p2, p3 := page(1), page(2), page(3)
				p1.Currency, p2.Currency, p3.Currency = str("EUR"), str("EUR"), str("USD")
				p1.Confidence = map[string]float64{"currency": 0.6}
				p2.Confidence = map[string]float64{"currency": 0.9}
				p2.Source = map[string]string{"currency": "ocr"}
				p3.Confidence = map[string]float64{"currency": 1}
				return []contract.PageExtraction{p1, p2, p3}
			},
			field: "currency", confidence: 0.6, source: "ocr", // 0.9 × 2/3, rounded to 3 places
		},
		{
			name: "of equally sure pages the first is the one named",
			pages: func() []contract.PageExtraction {
				p1, p2 := page(1), page(2)
				p1.VendorName, p2.VendorName = str("V"), str("V")
				p1.Source = map[string]string{"vendor_name": "ocr"}
				return []contract.PageExtraction{p1, p2}
			},
			field: "vendor_name", confidence: 0.5, source: "ocr",
		},
		{
			name: "round(x, 3) rounds the exact binary value half to even",
			pages: func() []contract.PageExtraction {
				p := page(1)
				p.Currency = str("EUR")
				p.Confidence = map[string]float64{"currency": 0.0625}
				return []contract.PageExtraction{p}
			},
			field: "currency", confidence: 0.062, source: "text",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := aggregate(t, c.pages())
			if v := evidenceOf(got.Confidence, c.field); v != c.confidence {
				t.Errorf("confidence %v, want %v", v, c.confidence)
			}
			if v := evidenceOf(got.Source, c.field); v != c.source {
				t.Errorf("source %q, want %q", v, c.source)
			}
		})
	}
}

func TestMorePagesThanAPageCountMayBeIsTheErrorPythonGives(t *testing.T) {
	pages := make([]contract.PageExtraction, contract.MaxPageNumber+1)
	for i := range pages {
		pages[i] = page(1)
	}
	_, err := Aggregate(id, pages)
	if err == nil || !strings.HasPrefix(err.Error(), "ValidationError: 1 validation error for AggregatedInvoice\npage_count\n") {
		t.Fatal(err)
	}
}

func TestPagesPhrase(t *testing.T) {
	for numbers, want := range map[string]string{"3": "page 3", "2 4": "pages 2 and 4", "1 2 5": "pages 1, 2 and 5"} {
		var ns []int
		for _, f := range strings.Fields(numbers) {
			ns = append(ns, int(f[0]-'0'))
		}
		if got := pagesPhrase(ns); got != want {
			t.Errorf("%v: %q, want %q", ns, got, want)
		}
	}
}
