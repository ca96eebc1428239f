package pyjson

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// SurrogateError is a string that cannot be written as UTF-8: it holds a lone
// surrogate. Its message is the one Python's encoder gives.
type SurrogateError struct {
	First, Last int // code-point positions of the first run of surrogates
	Char        string
}

func (e *SurrogateError) Error() string {
	if e.First == e.Last {
		return fmt.Sprintf("'utf-8' codec can't encode character '\\u%s' in position %d: "+
			"surrogates not allowed", e.Char, e.First)
	}
	return fmt.Sprintf("'utf-8' codec can't encode characters in position %d-%d: "+
		"surrogates not allowed", e.First, e.Last)
}

// AppendString writes s as a JSON string the way both pydantic and json.dumps
// (ensure_ascii=False) do: only '"', '\\' and control characters are escaped.
func AppendString(dst []byte, s string) ([]byte, error) {
	if first, last, ok := surrogateRun(s); ok {
		return dst, &SurrogateError{First: first, Last: last, Char: surrogateHex(s, first)}
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}

// surrogateHex is the hex code of the surrogate at code-point position pos.
func surrogateHex(s string, pos int) string {
	n := 0
	for i := 0; i < len(s); {
		if isSurrogateAt([]byte(s[i:min(i+3, len(s))]), 0) {
			if n == pos {
				r := rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				return strconv.FormatInt(int64(r), 16)
			}
			i += 3
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		n++
	}
	return ""
}

// AppendFloat writes a finite float as pydantic's serializer does: the shortest
// digits that read back as f, plainly from 1e-5 up to 1e16, otherwise with an exponent
// ("1e-7", "1.5e+16"); integral values keep ".0".
func AppendFloat(dst []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	digits, exp := shortest(&buf, f) // f = 0.digits × 10^exp
	n := len(digits)
	switch {
	case exp >= n && exp <= 16:
		dst = append(dst, digits...)
		for range exp - n {
			dst = append(dst, '0')
		}
		return append(dst, ".0"...)
	case exp > 0 && exp <= 16:
		dst = append(dst, digits[:exp]...)
		dst = append(dst, '.')
		return append(dst, digits[exp:]...)
	case exp > -5 && exp <= 0:
		dst = append(dst, "0."...)
		for range -exp {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0])
	if n > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	dst = append(dst, 'e')
	if exp > 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(exp-1), 10)
}

// Shortest gives the shortest decimal digits that read back as f (> 0), and the
// exponent that places the decimal point before them: f = 0.digits × 10^exp.
func Shortest(f float64) (string, int) {
	var buf [32]byte
	digits, exp := shortest(&buf, f)
	return string(digits), exp
}

// shortest is Shortest into buf, without allocating.
func shortest(buf *[32]byte, f float64) ([]byte, int) {
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // d.ddde±XX
	e := bytes.LastIndexByte(s, 'e')
	exp := 0
	for _, c := range s[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if s[e+1] == '-' {
		exp = -exp
	}
	if e > 1 { // d.ddd: drop the point
		copy(s[1:], s[2:e])
		return s[:e-1], exp + 1
	}
	return s[:1], exp + 1
}

// Repr is Python's repr() of a float: plain from 1e-4 up to 1e16, else "1e+16",
// "1.5e-05"; integral values keep ".0".
func Repr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	digits, exp := Shortest(f)
	n := len(digits)
	if exp > -4 && exp <= 16 {
		switch {
		case exp <= 0:
			return sign + "0." + strings.Repeat("0", -exp) + digits
		case exp >= n:
			return sign + digits + strings.Repeat("0", exp-n) + ".0"
		default:
			return sign + digits[:exp] + "." + digits[exp:]
		}
	}
	mantissa := digits[:1]
	if n > 1 {
		mantissa += "." + digits[1:]
	}
	e := exp - 1
	esign := "+"
	if e < 0 {
		esign, e = "-", -e
	}
	return fmt.Sprintf("%s%se%s%02d", sign, mantissa, esign, e)
}

// DecimalStr is str(Decimal(repr(f))): how Python names a float that a Decimal field
// read, e.g. in "1E+16 is out of range".
func DecimalStr(f float64) string {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return Repr(f) // not reached for the values that are named (out of range)
	}
	r := Repr(f)
	if !strings.Contains(r, "e") {
		return r // plain repr: Decimal keeps its digits and point as written
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	digits, exp := Shortest(f)
	return sign + DecimalSci(digits, exp-len(digits))
}

// DecimalSci is Decimal's to-sci-string of digits × 10^exponent (digits without
// leading zeros): plain when the exponent is not positive and the number is not tiny.
func DecimalSci(digits string, exponent int) string {
	n := len(digits)
	adjusted := exponent + n - 1
	if exponent <= 0 && adjusted >= -6 {
		if exponent == 0 {
			return digits
		}
		point := n + exponent
		if point > 0 {
			return digits[:point] + "." + digits[point:]
		}
		return "0." + strings.Repeat("0", -point) + digits
	}
	s := digits[:1]
	if n > 1 {
		s += "." + digits[1:]
	}
	if adjusted >= 0 {
		return s + "E+" + strconv.Itoa(adjusted)
	}
	return s + "E" + strconv.Itoa(adjusted)
}
