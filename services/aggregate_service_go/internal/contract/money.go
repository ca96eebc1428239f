package contract

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"invoice/aggregate-service-go/internal/pyjson"
)

// Money is an amount rounded to cents, as Python's Decimal quantized to 0.01 holds it.
// neg is the sign, kept for a zero too: -0.001 arrives as Decimal("-0.00"), which
// Python writes as "-0.00" in a warning and as -0.0 in JSON.
type Money struct {
	cents int64
	neg   bool
}

// Cents makes an amount of cents (a positive zero for 0).
func Cents(c int64) Money { return Money{cents: c, neg: c < 0} }

// Cents is the amount in cents.
func (m Money) Cents() int64 { return m.cents }

// Equal compares amounts as numbers: -0.00 equals 0.00, as Decimals do.
func (m Money) Equal(o Money) bool { return m.cents == o.cents }

// Add is Decimal addition: the sum of two zeros is negative only if both are.
func (m Money) Add(o Money) Money {
	c := m.cents + o.cents
	return Money{cents: c, neg: c < 0 || (c == 0 && m.neg && o.neg)}
}

// String is str() of the Decimal and its format(".2f"): "1234.50", "-0.00".
func (m Money) String() string {
	c := m.cents
	if c < 0 {
		c = -c
	}
	digits := strconv.FormatInt(c, 10)
	if len(digits) < 3 {
		digits = strings.Repeat("0", 3-len(digits)) + digits
	}
	s := digits[:len(digits)-2] + "." + digits[len(digits)-2:]
	if m.neg {
		return "-" + s
	}
	return s
}

// Float64 is float(Decimal), the number an answer carries: the double nearest to it.
func (m Money) Float64() float64 {
	const exact = 1 << 53 // below it, one division is the only rounding
	if m.cents > -exact && m.cents < exact {
		f := float64(m.cents) / 100
		if f == 0 && m.neg {
			return math.Copysign(0, -1)
		}
		return f
	}
	f, _ := strconv.ParseFloat(m.String(), 64)
	return f
}

// FormatCents writes an amount of cents with two decimals, as format(".2f") does.
func FormatCents(c *big.Int) string {
	digits := new(big.Int).Abs(c).String()
	if len(digits) < 3 {
		digits = strings.Repeat("0", 3-len(digits)) + digits
	}
	s := digits[:len(digits)-2] + "." + digits[len(digits)-2:]
	if c.Sign() < 0 {
		return "-" + s
	}
	return s
}

// decimal is a JSON number as Python's Decimal field reads it: ±digits × 10^exp.
type decimal struct {
	neg    bool
	digits string // no leading zeros; "0" for zero
	exp    int
	// For a float literal: the float it was written as.
	isFloat bool
	f       float64
}

// readDecimal is what pydantic makes of a JSON number for a Decimal: an integer
// exactly, a float through its repr (so 2.675 is 2.675, not 2.67499...). ok is false
// for NaN and infinities (and 1e400, an infinite float).
func readDecimal(v *pyjson.Value) (d decimal, ok bool) {
	if !v.IsFloat {
		digits, neg := strings.CutPrefix(v.Str, "-")
		neg = neg && digits != "0" // Python's int has no negative zero
		return decimal{neg: neg, digits: digits}, true
	}
	f, _ := strconv.ParseFloat(v.Str, 64) // out of range: ±Inf, as float() gives
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return decimal{}, false
	}
	d = decimal{neg: math.Signbit(f), isFloat: true, f: f}
	if f == 0 {
		d.digits, d.exp = "0", -1 // Decimal("0.0")
		return d, true
	}
	digits, point := pyjson.Shortest(math.Abs(f))
	d.digits, d.exp = digits, point-len(digits)
	return d, true
}

// shown is str() of the Decimal, as a message names it.
func (d decimal) shown() string {
	switch {
	case d.isFloat:
		return pyjson.DecimalStr(d.f)
	case d.neg:
		return "-" + d.digits
	}
	return d.digits
}

// tooLarge: |d| >= 1e15, the bound of every amount and quantity.
func (d decimal) tooLarge() bool {
	return d.digits != "0" && len(d.digits)+d.exp-1 >= 15
}

// cents rounds d to cents, half to even (Decimal.quantize); d is below 1e15.
func (d decimal) cents() Money {
	digits, exp := d.digits, d.exp
	var c int64
	if exp >= -2 {
		c, _ = strconv.ParseInt(digits+strings.Repeat("0", exp+2), 10, 64)
	} else {
		drop := -2 - exp
		if len(digits) < drop+1 {
			digits = strings.Repeat("0", drop+1-len(digits)) + digits
		}
		keep, rest := digits[:len(digits)-drop], digits[len(digits)-drop:]
		c, _ = strconv.ParseInt(keep, 10, 64)
		half := "5" + strings.Repeat("0", drop-1)
		if rest > half || (rest == half && c%2 == 1) {
			c++
		}
	}
	if d.neg {
		c = -c
	}
	return Money{cents: c, neg: d.neg}
}

// float is float(Decimal): for a float literal the float itself (its repr reads back
// as it), for an integer the nearest double (exact below 1e15), never -0.
func (d decimal) float() float64 {
	if d.isFloat {
		return d.f
	}
	f, _ := strconv.ParseFloat(d.digits, 64)
	if d.neg {
		return -f
	}
	return f
}

// ParseMoney reads a JSON number as an amount field does: rounded to cents, half to
// even, refused when not finite or not below 1e15.
func ParseMoney(literal string) (Money, error) {
	v, err := pyjson.Decode([]byte(literal))
	if err != nil || v.Kind != pyjson.Number {
		return Money{}, fmt.Errorf("not a JSON number: %q", literal)
	}
	d, finite := readDecimal(&v)
	if !finite || d.tooLarge() {
		return Money{}, fmt.Errorf("out of range: %q", literal)
	}
	return d.cents(), nil
}
