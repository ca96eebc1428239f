package pyjson

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf16"
)

// What json.loads(body) makes of a body, as Python 3.11 reads it.
func TestDecodeReadsWhatPythonReads(t *testing.T) {
	cases := []struct {
		body string
		want func(v Value) bool
	}{
		{`{"a":1,"b":2,"a":3}`, func(v Value) bool { // a repeated key: first place, last value
			return len(v.Members) == 2 && v.Members[0].Key == "a" && v.Members[0].Value.Str == "3"
		}},
		{`[NaN, Infinity, -Infinity]`, func(v Value) bool {
			return v.Items[0].IsFloat && v.Items[1].Str == "Infinity" && v.Items[2].Str == "-Infinity"
		}},
		{`[3, 3.0, 1e2, -0]`, func(v Value) bool {
			return !v.Items[0].IsFloat && v.Items[1].IsFloat && v.Items[2].IsFloat && v.Items[3].Str == "-0"
		}},
		{`"\ud83d\ude00"`, func(v Value) bool { return v.Str == "😀" }},
		{`"\ud800x"`, func(v Value) bool { return v.Str == "\xed\xa0\x80x" && HasSurrogate(v.Str) }},
		{`"\u00e9\/\b"`, func(v Value) bool { return v.Str == "é/\b" }},
		{" \t\r\n{} \n", func(v Value) bool { return v.Kind == Object }},
		{"\xef\xbb\xbf[]", func(v Value) bool { return v.Kind == Array }}, // one UTF-8 BOM is read past
		{string(utf16le(`{"a":"é"}`)), func(v Value) bool { return v.Members[0].Value.Str == "é" }},
		{"\"\xed\xa0\x80\"", func(v Value) bool { return HasSurrogate(v.Str) }}, // surrogatepass
		{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), func(v Value) bool { return v.Kind == Array }},
		{strings.Repeat("1", maxIntDigits), func(v Value) bool { return v.Kind == Number }},
	}
	for _, c := range cases {
		v, err := Decode([]byte(c.body))
		if err != nil || !c.want(v) {
			t.Errorf("%.40q: %+v %v", c.body, v, err)
		}
	}
}

func utf16le(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// Malformed JSON gives the message Python's JSONDecodeError gives; a body Python cannot
// read at all (not text, too deep, too long an integer) gives none.
func TestDecodeRefusesAsPythonDoes(t *testing.T) {
	cases := map[string]string{
		``:                     "Expecting value",
		`{"invoice_id": `:      "Expecting value",
		`{`:                    "Expecting property name enclosed in double quotes",
		`{"a":1,}`:             "Expecting property name enclosed in double quotes",
		`{"a" 1}`:              "Expecting ':' delimiter",
		`{"a":1 "b":2}`:        "Expecting ',' delimiter",
		`[1,]`:                 "Expecting value",
		`[1 2]`:                "Expecting ',' delimiter",
		`[] x`:                 "Extra data",
		`01`:                   "Extra data",
		`1.`:                   "Extra data",
		`-`:                    "Expecting value",
		`-Inf`:                 "Expecting value",
		`nul`:                  "Expecting value",
		`"abc`:                 "Unterminated string starting at",
		"\"a\x01\"":            "Invalid control character at",
		`"\q"`:                 "Invalid \\escape",
		`"\u12"`:               "Invalid \\uXXXX escape",
		`"\ud800\uzzzz"`:       "Invalid \\uXXXX escape",
		"\xef\xbb\xbf\ufeff{}": "Expecting value", // a second BOM is a character
	}
	for body, want := range cases {
		_, err := Decode([]byte(body))
		var syntax *SyntaxError
		if !errors.As(err, &syntax) || syntax.Msg != want {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
	for _, body := range []string{
		"\"\xff\"",
		"\"\xc0\xaf\"",
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
		strings.Repeat("1", maxIntDigits+1),
		"\xff\xfe{\x00}", // UTF-16 cut short
	} {
		if _, err := Decode([]byte(body)); err != ErrUnreadable {
			t.Errorf("%.30q: %v, want ErrUnreadable", body, err)
		}
	}
}

func TestAppendStringEscapesOnlyWhatJSONRequires(t *testing.T) {
	got, err := AppendString(nil, "a\"\\\n\r\t\b\f\x01\x7f/<>&\u2028é😀")
	if err != nil || string(got) != `"a\"\\\n\r\t\b\f\u0001`+"\x7f/<>&\u2028é😀\"" {
		t.Fatalf("%s %v", got, err)
	}
}

func TestAppendStringRefusesLoneSurrogatesAsPythonsEncoder(t *testing.T) {
	for s, want := range map[string]string{
		"Page 1: a\xed\xa0\x80\xed\xaf\xbfb": "'utf-8' codec can't encode characters in position 9-10: surrogates not allowed",
		"é\xed\xb0\x80":                      "'utf-8' codec can't encode character '\\udc00' in position 1: surrogates not allowed",
	} {
		if _, err := AppendString(nil, s); err == nil || err.Error() != want {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestLossyReplacesEachByteOfASurrogate(t *testing.T) {
	if got := Lossy("a\xed\xa0\x80b"); got != "a\ufffd\ufffd\ufffdb" {
		t.Fatalf("%q", got)
	}
}

// Floats as pydantic writes them (ryu) and as Python's repr() and Decimal name them.
func TestFloatFormats(t *testing.T) {
	cases := []struct {
		f                float64
		json, repr, decs string
	}{
		{12.5, "12.5", "12.5", "12.5"},
		{100, "100.0", "100.0", "100.0"},
		{-0.0, "0.0", "0.0", ""},
		{math.Copysign(0, -1), "-0.0", "-0.0", ""},
		{1e-7, "1e-7", "1e-07", "1E-7"},
		{0.00001, "0.00001", "1e-05", "0.00001"},
		{0.0001, "0.0001", "0.0001", "0.0001"},
		{5e-324, "5e-324", "5e-324", "5E-324"},
		{123456789012345.67, "123456789012345.67", "123456789012345.67", "123456789012345.67"},
		{1e15, "1000000000000000.0", "1000000000000000.0", "1000000000000000.0"},
		{1e16, "1e+16", "1e+16", "1E+16"},
		{-1.5e16, "-1.5e+16", "-1.5e+16", "-1.5E+16"},
		{12345678901234567e1, "1.2345678901234566e+17", "1.2345678901234566e+17", "1.2345678901234566E+17"},
		{1.2345678901234567e16, "1.2345678901234568e+16", "1.2345678901234568e+16", "12345678901234568"},
		{1e100, "1e+100", "1e+100", "1E+100"},
		{1e-6, "1e-6", "1e-06", "0.000001"},
		{1.0 / 3, "0.3333333333333333", "0.3333333333333333", "0.3333333333333333"},
	}
	for _, c := range cases {
		if got := string(AppendFloat(nil, c.f)); got != c.json {
			t.Errorf("AppendFloat(%v) = %s, want %s", c.f, got, c.json)
		}
		if got := Repr(c.f); got != c.repr {
			t.Errorf("Repr(%v) = %s, want %s", c.f, got, c.repr)
		}
		if c.decs != "" {
			if got := DecimalStr(c.f); got != c.decs {
				t.Errorf("DecimalStr(%v) = %s, want %s", c.f, got, c.decs)
			}
		}
	}
}
