// Package contract holds the JSON the aggregate service speaks (invoice_shared.models
// in Python): AggregateRequest in, AggregatedInvoice out, and the strict reading of
// the request that every app shares: a value must already have its schema's JSON type,
// unknown fields are refused, a null optional field is an absent one, amounts are
// rounded to cents.
package contract

// MaxPageNumber bounds page numbers and the page count of an answer.
const MaxPageNumber = 100_000

// Sources a field's value may have been read from.
const (
	SourceText        = "text"
	SourceOCR         = "ocr"
	SourceEmbeddedXML = "embedded_xml"
)

// LineItem is one line of an invoice's table; quantity and unit price are nil when
// the invoice prints only the line's amount.
type LineItem struct {
	Description string
	Quantity    *float64
	UnitPrice   *Money
	Amount      Money
}

// InvoiceFields are the header and totals fields, as a page or the merged invoice has
// them; nil when unknown.
type InvoiceFields struct {
	InvoiceNumber *string
	InvoiceDate   *string
	DueDate       *string
	VendorName    *string
	CustomerName  *string
	Currency      *string
	Subtotal      *Money
	Tax           *Money
	Total         *Money
}

// PageExtraction is what one page says about the invoice. Dates are YYYY-MM-DD.
type PageExtraction struct {
	Confidence map[string]float64
	Source     map[string]string

	InvoiceFields

	InvoiceID  string
	PageNumber int
	LineItems  []LineItem
	Warnings   []string
}

// AggregateRequest is the body of POST /aggregate.
type AggregateRequest struct {
	InvoiceID string
	Pages     []PageExtraction
}

// Evidence is one field's confidence or source in an answer, in field order.
type Evidence[T any] struct {
	Field string
	Value T
}

// AggregatedInvoice is the merged invoice: every field is written, null when unknown.
type AggregatedInvoice struct {
	Confidence []Evidence[float64]
	Source     []Evidence[string]

	InvoiceFields

	InvoiceID string
	LineItems []LineItem
	PageCount int
	Warnings  []string
}
