package contract

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"invoice/aggregate-service-go/internal/pyjson"
)

// read decodes a body and checks it: the request, or the 422 message Python gives.
func read(t *testing.T, body string) (*AggregateRequest, string) {
	t.Helper()
	v, err := pyjson.Decode([]byte(body))
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	req, errs := ReadAggregateRequest(&v)
	if errs != nil {
		return nil, Describe(errs)
	}
	return req, ""
}

// withPage is a request of one page holding `fields` (JSON members, without braces).
func withPage(fields string) string {
	if fields != "" {
		fields = "," + fields
	}
	return `{"invoice_id":"INV-1","pages":[{"invoice_id":"INV-1","page_number":1` + fields + `}]}`
}

func withItem(fields string) string {
	return withPage(`"line_items":[{` + fields + `}]`)
}

// Each strictness rule of invoice_shared.models, accepted and refused, with the
// message the Python service gives (the differential check compares every one).
func TestStrictness(t *testing.T) {
	const notNumber = "Value error, must be a JSON number, not a string or a boolean"
	cases := []struct {
		name, body, refusal string
	}{
		// numbers are JSON numbers
		{"an amount as a number", withPage(`"total":12.5`), ""},
		{"an amount in a string", withPage(`"total":"12.50"`), "pages.0.total: " + notNumber},
		{"an amount as a boolean", withPage(`"total":true`), "pages.0.total: " + notNumber},
		{"a page number in a string", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":"1"}]}`,
			"pages.0.page_number: " + notNumber},
		{"a confidence as a boolean", withPage(`"confidence":{"total":true}`), "pages.0.confidence.total: " + notNumber},
		{"a quantity in a string", withItem(`"description":"x","quantity":"3","amount":1`),
			"pages.0.line_items.0.quantity: " + notNumber},
		// integers may be written 3.0, not 3.5
		{"a page number written 3.0", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":3.0}]}`, ""},
		{"a page number written 1e2", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":1e2}]}`, ""},
		{"a page number of 3.5", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":3.5}]}`,
			"pages.0.page_number: Input should be a valid integer, got a number with a fractional part"},
		{"a page number beyond int64", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":1e19}]}`,
			"pages.0.page_number: Unable to parse input string as an integer, exceeded maximum size"},
		{"a page number that is NaN", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":NaN}]}`,
			"pages.0.page_number: Input should be a finite number"},
		// page numbers 1..100000
		{"page number 100000", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":100000}]}`, ""},
		{"page number 0", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":0}]}`,
			"pages.0.page_number: Input should be greater than or equal to 1"},
		{"page number 100001", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":100001}]}`,
			"pages.0.page_number: Input should be less than or equal to 100000"},
		// dates are YYYY-MM-DD strings naming real days
		{"a date", withPage(`"invoice_date":"2024-02-29"`), ""},
		{"a date as a number", withPage(`"due_date":0`), "pages.0.due_date: Value error, must be a date written YYYY-MM-DD"},
		{"a date-time", withPage(`"due_date":"2024-01-01T00:00:00"`), "pages.0.due_date: Value error, must be a date written YYYY-MM-DD"},
		{"a date not zero-padded", withPage(`"due_date":"2024-1-01"`), "pages.0.due_date: Value error, must be a date written YYYY-MM-DD"},
		{"February 30th", withPage(`"invoice_date":"2024-02-30"`),
			"pages.0.invoice_date: Input should be a valid date or datetime, day value is outside expected range"},
		{"February 29th of a common year", withPage(`"invoice_date":"2023-02-29"`),
			"pages.0.invoice_date: Input should be a valid date or datetime, day value is outside expected range"},
		{"month 13", withPage(`"invoice_date":"2024-13-01"`),
			"pages.0.invoice_date: Input should be a valid date or datetime, month value is outside expected range of 1-12"},
		{"year 0", withPage(`"invoice_date":"0000-02-29"`),
			"pages.0.invoice_date: Input should be a valid date in the format YYYY-MM-DD, year 0 is out of range"},
		// strings are strings
		{"a name as a number", withPage(`"vendor_name":5`), "pages.0.vendor_name: Input should be a valid string"},
		{"a warning as null", withPage(`"warnings":[null]`), "pages.0.warnings.0: Input should be a valid string"},
		// unknown fields are refused everywhere
		{"an unknown field at the top", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":1}],"x":1}`,
			"x: Extra inputs are not permitted"},
		{"an unknown field named body", `{"invoice_id":"A","pages":[{"invoice_id":"A","page_number":1}],"body":1}`,
			"body: Extra inputs are not permitted"},
		{"an unknown field in a page", withPage(`"Total":1`), "pages.0.Total: Extra inputs are not permitted"},
		{"an unknown field in an item", withItem(`"description":"x","amount":1,"sku":"A1"`),
			"pages.0.line_items.0.sku: Extra inputs are not permitted"},
		// null optional fields are absent ones; null elsewhere is refused
		{"null optional fields", withPage(`"total":null,"invoice_date":null,"vendor_name":null`), ""},
		{"a null quantity and price", withItem(`"description":"x","quantity":null,"unit_price":null,"amount":1`), ""},
		{"a null amount", withItem(`"description":"x","amount":null`), "pages.0.line_items.0.amount: " + notNumber},
		{"null line items", withPage(`"line_items":null`), "pages.0.line_items: Input should be a valid list"},
		{"null confidences", withPage(`"confidence":null`), "pages.0.confidence: Input should be a valid dictionary"},
		// amounts and quantities are finite and below 1e15
		{"an amount just below 1e15", withPage(`"total":999999999999999.9`), ""},
		{"an amount of 1e15", withPage(`"total":1e15`),
			"pages.0.total: Value error, 1000000000000000.0 is out of range (its magnitude must be below 1e15)"},
		{"an integer amount of 1e16", withPage(`"total":10000000000000000`),
			"pages.0.total: Value error, 10000000000000000 is out of range (its magnitude must be below 1e15)"},
		{"an amount of 1e16 as a float", withPage(`"total":-1.5e16`),
			"pages.0.total: Value error, -1.5E+16 is out of range (its magnitude must be below 1e15)"},
		{"an infinite amount", withPage(`"total":1e400`), "pages.0.total: Input should be a finite number"},
		{"a quantity of 1e15", withItem(`"description":"x","quantity":1e15,"amount":1`),
			"pages.0.line_items.0.quantity: Value error, 1000000000000000.0 is out of range (its magnitude must be below 1e15)"},
		// confidences from 0 to 1
		{"confidences 0 and 1", withPage(`"confidence":{"a":0,"b":1,"c":0.5}`), ""},
		{"a confidence above 1", withPage(`"confidence":{"total":1.5}`), "pages.0.confidence.total: Input should be less than or equal to 1"},
		{"a negative confidence", withPage(`"confidence":{"total":-0.1}`), "pages.0.confidence.total: Input should be greater than or equal to 0"},
		{"a NaN confidence", withPage(`"confidence":{"total":NaN}`), "pages.0.confidence.total: Input should be less than or equal to 1"},
		{"a confidence too large for a float", withPage(`"confidence":{"total":` + strings.Repeat("9", 400) + `}`),
			"pages.0.confidence.total: Input should be a valid number"},
		// sources are text, ocr or embedded_xml
		{"the three sources", withPage(`"source":{"a":"text","b":"ocr","c":"embedded_xml"}`), ""},
		{"another source", withPage(`"source":{"total":"pdf"}`), "pages.0.source.total: Input should be 'text', 'ocr' or 'embedded_xml'"},
		// invoice ids
		{"an id of 128 characters", `{"invoice_id":"` + strings.Repeat("a", 128) + `","pages":[{"invoice_id":"A","page_number":1}]}`, ""},
		{"an id of 129 characters", `{"invoice_id":"` + strings.Repeat("a", 129) + `","pages":[{"invoice_id":"A","page_number":1}]}`,
			"invoice_id: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'"},
		{"an id starting with a dash", `{"invoice_id":"-A","pages":[{"invoice_id":"A","page_number":1}]}`,
			"invoice_id: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'"},
		{"an id ending in a line break", `{"invoice_id":"A\n","pages":[{"invoice_id":"A","page_number":1}]}`,
			"invoice_id: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'"},
		{"an id holding a lone surrogate", `{"invoice_id":"A\ud800","pages":[{"invoice_id":"A","page_number":1}]}`,
			"invoice_id: Input should be a valid string, unable to parse raw data as a unicode string"},
		// pages: at least one
		{"no pages", `{"invoice_id":"A","pages":[]}`, "pages: List should have at least 1 item after validation, not 0"},
		{"pages not a list", `{"invoice_id":"A","pages":{}}`, "pages: Input should be a valid list"},
		{"a page not an object", `{"invoice_id":"A","pages":[1]}`,
			"pages.0: Input should be a valid dictionary or object to extract fields from"},
		{"a body not an object", `[]`, "body: Input should be a valid dictionary or object to extract fields from"},
		{"nothing required given", `{}`, "invoice_id: Field required; pages: Field required"},
		// a key pydantic cannot read as text fails its whole object, alone
		{"a key holding a lone surrogate", `{"invoice_id":"A","pages":[{"page_number":0,"\udc00":1}],"x":1}`,
			"pages.0: Input should be a valid string, unable to parse raw data as a unicode string; x: Extra inputs are not permitted"},
		// errors in field order, then unknown keys in written order
		{"several errors", `{"z":1,"pages":[{"page_number":0,"total":"1","confidence":{"a":2}}],"invoice_id":5,"a":2}`,
			"invoice_id: Input should be a valid string; pages.0.confidence.a: Input should be less than or equal to 1; " +
				"pages.0.total: " + notNumber + "; pages.0.invoice_id: Field required; " +
				"pages.0.page_number: Input should be greater than or equal to 1; z: Extra inputs are not permitted; " +
				"a: Extra inputs are not permitted"},
	}
	dumpCases(t, cases)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, refusal := read(t, c.body)
			if refusal != c.refusal {
				t.Errorf("\n got %q\nwant %q", refusal, c.refusal)
			}
		})
	}
}

func TestAmountsAreRoundedToCentsHalfToEvenFromTheirRepr(t *testing.T) {
	for literal, want := range map[string]string{
		"12.345": "12.34", "12.355": "12.36", "2.675": "2.68", "1.005": "1.00", "0.125": "0.12",
		"-0.001": "-0.00", "-0": "0.00", "-0.0": "-0.00", "1e2": "100.00", "5e-324": "0.00",
		"999999999999999.994": "", "123456789012345.675": "123456789012345.67", "7": "7.00",
	} {
		m, err := ParseMoney(literal)
		switch {
		case want == "" && err == nil:
			t.Errorf("%s: accepted as %s", literal, m)
		case want != "" && (err != nil || m.String() != want):
			t.Errorf("%s: %v %v, want %s", literal, m, err, want)
		}
	}
}

func TestQuantitiesAreKeptAsTheyWere(t *testing.T) {
	req, refusal := read(t, withItem(`"description":"x","quantity":0.1234567890123456789,"amount":1`))
	if refusal != "" || *req.Pages[0].LineItems[0].Quantity != 0.12345678901234568 {
		t.Fatal(refusal, req)
	}
}

// dumpCases writes the cases as JSON lines to $DUMP_CASES, for checking them against
// the Python service.
func dumpCases(t *testing.T, cases []struct{ name, body, refusal string }) {
	path := os.Getenv("DUMP_CASES")
	if path == "" {
		return
	}
	var out []byte
	for _, c := range cases {
		line, _ := json.Marshal(map[string]string{"name": c.name, "body": c.body, "refusal": c.refusal})
		out = append(append(out, line...), '\n')
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
