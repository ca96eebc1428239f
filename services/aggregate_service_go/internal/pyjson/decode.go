// Package pyjson reads JSON exactly as the Python services do (json.loads on the
// request's bytes) and writes it as they do (pydantic's serializer, json.dumps), so the
// Go service accepts, refuses and answers the same bytes.
//
// Where Python's reading differs from encoding/json, Python's way is kept:
//   - NaN, Infinity and -Infinity are numbers;
//   - a number keeps its literal: Python reads one with a fraction or exponent as a
//     float (a double) and any other as an exact integer;
//   - a repeated key keeps its first position and its last value;
//   - UTF-16 and UTF-32 bodies are read, and lone surrogates are kept (see text.go);
//   - the reasons for malformed JSON are Python's messages.
package pyjson

import (
	"errors"
)

// Kind is the JSON type of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is one decoded JSON value.
type Value struct {
	Kind Kind
	Bool bool
	// Str is a String's text, or a Number's literal as written.
	Str string
	// IsFloat: a Number Python reads as a float (fraction, exponent, NaN, Infinity).
	IsFloat bool
	Items   []Value
	Members []Member
}

// Member is one key of an Object; keys are unique, in the order they first appear.
type Member struct {
	Key   string
	Value Value
}

// Get returns the member named key, if present.
func (v *Value) Get(key string) (*Value, bool) {
	for i := range v.Members {
		if v.Members[i].Key == key {
			return &v.Members[i].Value, true
		}
	}
	return nil, false
}

// SyntaxError is malformed JSON; Msg is what Python's JSONDecodeError says (its msg).
type SyntaxError struct{ Msg string }

func (e *SyntaxError) Error() string { return e.Msg }

// ErrUnreadable is a body Python fails to read for another reason (not text in any
// encoding it detects, an integer of more than 4300 digits, nesting deeper than its
// recursion limit allows): answered without a reason.
var ErrUnreadable = errors.New("unreadable body")

const (
	// Python refuses to convert integers of more digits (sys.int_info.default_max_str_digits).
	maxIntDigits = 4300
	// The deepest nesting the Python service decodes: its decoder recurses per level and
	// hits the interpreter's limit of 1000 frames at 974 levels, below uvicorn's frames.
	maxDepth = 973
)

// Decode reads a request body as the Python services' json.loads(body) does.
func Decode(body []byte) (Value, error) {
	text, err := toText(body)
	if err != nil {
		return Value{}, ErrUnreadable
	}
	d := decoder{s: text}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return Value{}, err
	}
	d.skipSpace()
	if d.i != len(d.s) {
		return Value{}, &SyntaxError{"Extra data"}
	}
	return v, nil
}

type decoder struct {
	s []byte
	i int
	// Containers being read keep their children here; each is copied out once, at its
	// end, into a slice of the right size.
	items   []Value
	members []Member
}

func syntax(msg string) error { return &SyntaxError{msg} }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (d *decoder) skipSpace() {
	for d.i < len(d.s) && isSpace(d.s[d.i]) {
		d.i++
	}
}

func (d *decoder) has(word string) bool {
	return d.i+len(word) <= len(d.s) && string(d.s[d.i:d.i+len(word)]) == word
}

// value reads the value at d.i ("scan_once").
func (d *decoder) value(depth int) (Value, error) {
	if d.i >= len(d.s) {
		return Value{}, syntax("Expecting value")
	}
	switch c := d.s[d.i]; c {
	case '"':
		d.i++
		s, err := d.str()
		return Value{Kind: String, Str: s}, err
	case '{', '[':
		if depth >= maxDepth {
			return Value{}, ErrUnreadable
		}
		d.i++
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case 'n':
		if d.has("null") {
			d.i += 4
			return Value{Kind: Null}, nil
		}
	case 't':
		if d.has("true") {
			d.i += 4
			return Value{Kind: Bool, Bool: true}, nil
		}
	case 'f':
		if d.has("false") {
			d.i += 5
			return Value{Kind: Bool}, nil
		}
	case 'N':
		if d.has("NaN") {
			d.i += 3
			return Value{Kind: Number, Str: "NaN", IsFloat: true}, nil
		}
	case 'I':
		if d.has("Infinity") {
			d.i += 8
			return Value{Kind: Number, Str: "Infinity", IsFloat: true}, nil
		}
	case '-':
		if d.has("-Infinity") {
			d.i += 9
			return Value{Kind: Number, Str: "-Infinity", IsFloat: true}, nil
		}
	}
	return d.number()
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, leaving a '.' or an 'e'
// that no digit follows for the caller, as Python's scanner does.
func (d *decoder) number() (Value, error) {
	s, start := d.s, d.i
	i := start
	if s[i] == '-' {
		i++
		if i >= len(s) {
			return Value{}, syntax("Expecting value")
		}
	}
	switch {
	case s[i] >= '1' && s[i] <= '9':
		for i++; i < len(s) && isDigit(s[i]); i++ {
		}
	case s[i] == '0':
		i++
	default:
		return Value{}, syntax("Expecting value")
	}
	isFloat := false
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		isFloat = true
		for i += 2; i < len(s) && isDigit(s[i]); i++ {
		}
	}
	if i+1 < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j+1 < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		for ; j < len(s) && isDigit(s[j]); j++ {
		}
		if isDigit(s[j-1]) {
			isFloat, i = true, j
		}
	}
	d.i = i
	literal := string(s[start:i])
	if !isFloat {
		digits := len(literal)
		if literal[0] == '-' {
			digits--
		}
		if digits > maxIntDigits {
			return Value{}, ErrUnreadable
		}
	}
	return Value{Kind: Number, Str: literal, IsFloat: isFloat}, nil
}

// str reads a string whose opening quote is behind d.i ("scanstring", strict).
func (d *decoder) str() (string, error) {
	s := d.s
	var out []byte
	chunk := d.i
	for {
		j := d.i
		for j < len(s) && s[j] != '"' && s[j] != '\\' {
			if s[j] < 0x20 {
				return "", syntax("Invalid control character at")
			}
			j++
		}
		if j >= len(s) {
			return "", syntax("Unterminated string starting at")
		}
		if s[j] == '"' {
			d.i = j + 1
			if out == nil {
				return string(s[chunk:j]), nil
			}
			return string(append(out, s[chunk:j]...)), nil
		}
		out = append(out, s[chunk:j]...)
		j++ // the backslash
		if j >= len(s) {
			return "", syntax("Unterminated string starting at")
		}
		if s[j] != 'u' {
			c, ok := simpleEscapes[s[j]]
			if !ok {
				return "", syntax("Invalid \\escape")
			}
			out = append(out, c)
			d.i, chunk = j+1, j+1
			continue
		}
		// \uXXXX: Python wants a character after the four digits (end >= len fails).
		end := j + 5
		if end >= len(s) {
			return "", syntax("Invalid \\uXXXX escape")
		}
		r, ok := hex4(s[j+1 : end])
		if !ok {
			return "", syntax("Invalid \\uXXXX escape")
		}
		if r >= 0xD800 && r <= 0xDBFF && end+6 < len(s) && s[end] == '\\' && s[end+1] == 'u' {
			low, ok := hex4(s[end+2 : end+6])
			if !ok {
				return "", syntax("Invalid \\uXXXX escape")
			}
			if low >= 0xDC00 && low <= 0xDFFF {
				r = 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
				end += 6
			}
		}
		out = appendCodePoint(out, r)
		d.i, chunk = end, end
	}
}

var simpleEscapes = map[byte]byte{
	'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// object reads the members of an object whose '{' is behind d.i.
func (d *decoder) object(depth int) (Value, error) {
	v := Value{Kind: Object}
	var index map[string]int // built once an object is large enough to need it
	mark := len(d.members)
	done := func() (Value, error) {
		v.Members = append([]Member(nil), d.members[mark:]...)
		clear(d.members[mark:]) // let the collector have what was copied out
		d.members = d.members[:mark]
		return v, nil
	}
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return v, nil
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return Value{}, syntax("Expecting property name enclosed in double quotes")
		}
		d.i++
		key, err := d.str()
		if err != nil {
			return Value{}, err
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return Value{}, syntax("Expecting ':' delimiter")
		}
		d.i++
		d.skipSpace()
		item, err := d.value(depth)
		if err != nil {
			return Value{}, err
		}
		index = d.set(mark, key, item, index)
		d.skipSpace()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return done()
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return Value{}, syntax("Expecting ',' delimiter")
		}
		d.i++
		d.skipSpace()
	}
}

// set adds a member to the object whose members start at mark, or replaces the value
// of a repeated key where it first appeared.
func (d *decoder) set(mark int, key string, item Value, index map[string]int) map[string]int {
	const small = 16
	members := d.members[mark:]
	if index == nil && len(members) < small {
		for i := range members {
			if members[i].Key == key {
				members[i].Value = item
				return nil
			}
		}
		d.members = append(d.members, Member{key, item})
		return nil
	}
	if index == nil {
		index = make(map[string]int, 2*small)
		for i, m := range members {
			index[m.Key] = i
		}
	}
	if i, ok := index[key]; ok {
		members[i].Value = item
		return index
	}
	index[key] = len(members)
	d.members = append(d.members, Member{key, item})
	return index
}

// array reads the items of an array whose '[' is behind d.i.
func (d *decoder) array(depth int) (Value, error) {
	v := Value{Kind: Array}
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return v, nil
	}
	mark := len(d.items)
	for {
		item, err := d.value(depth)
		if err != nil {
			return Value{}, err
		}
		d.items = append(d.items, item)
		d.skipSpace()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			v.Items = append([]Value(nil), d.items[mark:]...)
			clear(d.items[mark:])
			d.items = d.items[:mark]
			return v, nil
		}
		if d.i >= len(d.s) || d.s[d.i] != ',' {
			return Value{}, syntax("Expecting ',' delimiter")
		}
		d.i++
		d.skipSpace()
	}
}
