package merge

import (
	"slices"
	"testing"

	"invoice/aggregate-service-go/internal/contract"
)

func TestNameKeyFoldsCaseAccentsAndPunctuationAsPythonDoes(t *testing.T) {
	for name, key := range map[string]string{
		"Enel Energia S.p.A.": "enelenergiaspa",
		"SOCIÉTÉ GÉNÉRALE":    "societegenerale",
		"Straße & Söhne GmbH": "strassesohnegmbh", // casefold's ß is "ss"
		"ﬁne Ｗines ２":         "finewines2",       // compatibility forms, as NFKD
		"— · —":               "",
	} {
		if got := nameKey(name); got != key {
			t.Errorf("nameKey(%q) = %q, want %q", name, got, key)
		}
	}
}

func TestSameParty(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"Enel", "Enel Energia S.p.A.", true},
		{"Société Générale SA", "SOCIETE GENERALE", true},
		{"Acme GmbH", "Acme GmbH", true},
		{"SA", "SAP SE", false}, // too short to begin another name
		{"AG", "ag", true},      // equal letters, however short
		{"Acme", "Globex", false},
	} {
		if got := sameParty(c.a, c.b); got != c.same {
			t.Errorf("sameParty(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
		if got := sameParty(c.b, c.a); got != c.same {
			t.Errorf("sameParty(%q, %q) = %v, want %v", c.b, c.a, got, c.same)
		}
	}
}

func TestAPartyInFullAndInShortVotesForTheFullName(t *testing.T) {
	pages := consistentInvoice()
	pages[0].VendorName = str("ENEL")
	pages[0].Confidence = map[string]float64{"vendor_name": 0.4}
	pages[1].VendorName = str("Enel Energia S.p.A.")
	pages[1].Confidence = map[string]float64{"vendor_name": 0.9}
	third := page(3)
	third.VendorName = str("Other Vendor Srl")
	pages = append(pages, third)

	invoice := aggregate(t, pages)
	if *invoice.VendorName != "Enel Energia S.p.A." {
		t.Fatalf("vendor %q", *invoice.VendorName)
	}
	want := `Pages disagree on the vendor name: "Enel Energia S.p.A." on pages 1 and 2; ` +
		`"Other Vendor Srl" on page 3. Using "Enel Energia S.p.A.".`
	if !slices.Contains(invoice.Warnings, want) {
		t.Fatalf("warnings %q", invoice.Warnings)
	}
	// Both printings back the name; the third page does not.
	if got := evidenceOf(invoice.Confidence, "vendor_name"); got != round3(0.9*2/3) {
		t.Fatalf("vendor confidence %v", got)
	}
}

func TestShortNamesAreNotOneParty(t *testing.T) {
	pages := consistentInvoice()
	pages[0].VendorName = str("SA")
	pages[1].VendorName = str("SAP SE")
	if got := *aggregate(t, pages).VendorName; got != "SA" {
		t.Fatalf("vendor %q: the earliest of two parties wins the tie", got)
	}
}

func TestADetailPagesNetDoesNotReplaceTheSummarysTotals(t *testing.T) {
	summary := withHeader(page(1))
	summary.Subtotal, summary.Tax, summary.Total = money("50.37"), money("9.57"), money("59.94")
	detail := page(3)
	detail.Total = money("50.37")
	invoice := aggregate(t, []contract.PageExtraction{summary, page(2), detail})
	if invoice.Subtotal.String() != "50.37" || invoice.Tax.String() != "9.57" ||
		invoice.Total.String() != "59.94" {
		t.Fatalf("totals %v %v %v", invoice.Subtotal, invoice.Tax, invoice.Total)
	}

	// A lone last total that is not the summary's net stays the invoice's total.
	detail.Total = money("61.00")
	invoice = aggregate(t, []contract.PageExtraction{summary, page(2), detail})
	if invoice.Total.String() != "61.00" {
		t.Fatalf("total %v", invoice.Total)
	}
}
