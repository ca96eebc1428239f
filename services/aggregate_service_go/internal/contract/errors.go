package contract

import (
	"strconv"
	"strings"
)

// Messages are pydantic's (and the models' own validators'), word for word: a refusal
// reads the same whichever implementation answers it.
const (
	msgModelType   = "Input should be a valid dictionary or object to extract fields from"
	msgMissing     = "Field required"
	msgExtra       = "Extra inputs are not permitted"
	msgString      = "Input should be a valid string"
	msgStringBytes = "Input should be a valid string, unable to parse raw data as a unicode string"
	msgPattern     = "String should match pattern '" + invoiceIDPattern + "'"
	msgNumber      = "Value error, must be a JSON number, not a string or a boolean"
	msgDateForm    = "Value error, must be a date written YYYY-MM-DD"
	msgMonth       = "Input should be a valid date or datetime, month value is outside expected range of 1-12"
	msgDay         = "Input should be a valid date or datetime, day value is outside expected range"
	msgYearZero    = "Input should be a valid date in the format YYYY-MM-DD, year 0 is out of range"
	msgFinite      = "Input should be a finite number"
	msgOutOfRange  = "Value error, %s is out of range (its magnitude must be below 1e15)"
	msgFraction    = "Input should be a valid integer, got a number with a fractional part"
	msgIntSize     = "Unable to parse input string as an integer, exceeded maximum size"
	msgPageMin     = "Input should be greater than or equal to 1"
	msgPageMax     = "Input should be less than or equal to 100000"
	msgFloat       = "Input should be a valid number"
	msgAtMostOne   = "Input should be less than or equal to 1"
	msgAtLeastZero = "Input should be greater than or equal to 0"
	msgDict        = "Input should be a valid dictionary"
	msgSource      = "Input should be 'text', 'ocr' or 'embedded_xml'"
	msgList        = "Input should be a valid list"
	msgNoPages     = "List should have at least 1 item after validation, not 0"
)

// Segment is one step of an error's location: a key, or an index into a list.
type Segment struct {
	Key     string
	Index   int
	IsIndex bool
}

// Loc is where in the body an error is.
type Loc []Segment

// Error is one reason a body does not fit the contract.
type Error struct {
	Loc Loc
	Msg string
}

// Describe joins errors as the Python apps' 422 message does:
// "<dotted.path>: <reason>; ...". Like FastAPI's, the path leaves out every key
// named "body" (its own prefix, but also a field of that name) and is "body" when
// nothing is left.
func Describe(errs []Error) string {
	if len(errs) == 0 {
		return "invalid request body"
	}
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		var parts []string
		for _, s := range e.Loc {
			switch {
			case s.IsIndex:
				parts = append(parts, strconv.Itoa(s.Index))
			case s.Key != "body":
				parts = append(parts, s.Key)
			}
		}
		where := strings.Join(parts, ".")
		if where == "" {
			where = "body"
		}
		b.WriteString(where)
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	return b.String()
}
