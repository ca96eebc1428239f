package pyjson

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// errNotText is a body that is not text in the encoding Python's json.loads detects
// (a UnicodeDecodeError there): answered as an unreadable body without a reason.
var errNotText = errors.New("not text")

// Lone surrogates are kept the way Python keeps them ('surrogatepass'): as the 3-byte
// sequence ED A0..BF 80..BF, which Go's utf8 package calls invalid. Strings holding
// one are accepted where Python accepts them and refused where Python refuses them.

// toText decodes a body as json.loads(bytes) does: the encoding is detected from a
// BOM or from where the zero bytes are (JSON starts with ASCII), then decoded with
// surrogates passed through. The result is UTF-8, lone surrogates in the form above.
func toText(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return fromUTF32(b[4:], true)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return fromUTF32(b[4:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return fromUTF16(b[2:], true)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return fromUTF16(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return fromUTF8(b[3:])
	}
	if len(b) >= 4 {
		if b[0] == 0 {
			if b[1] != 0 {
				return fromUTF16(b, true)
			}
			return fromUTF32(b, true)
		}
		if b[1] == 0 {
			if b[2] != 0 || b[3] != 0 {
				return fromUTF16(b, false)
			}
			return fromUTF32(b, false)
		}
	} else if len(b) == 2 {
		if b[0] == 0 {
			return fromUTF16(b, true)
		}
		if b[1] == 0 {
			return fromUTF16(b, false)
		}
	}
	return fromUTF8(b)
}

// fromUTF8 checks UTF-8 as Python's decoder does with 'surrogatepass'.
func fromUTF8(b []byte) ([]byte, error) {
	if utf8.Valid(b) {
		return b, nil
	}
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if !isSurrogateAt(b, i) {
				return nil, errNotText
			}
			size = 3
		}
		i += size
	}
	return b, nil
}

func isSurrogateAt(b []byte, i int) bool {
	return i+2 < len(b) && b[i] == 0xED && b[i+1] >= 0xA0 && b[i+1] <= 0xBF &&
		b[i+2] >= 0x80 && b[i+2] <= 0xBF
}

func fromUTF16(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errNotText
	}
	out := make([]byte, 0, len(b))
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	for i := 0; i < len(b); i += 2 {
		r := unit(i)
		if r >= 0xD800 && r <= 0xDBFF && i+3 < len(b) {
			if low := unit(i + 2); low >= 0xDC00 && low <= 0xDFFF {
				r = 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
				i += 2
			}
		}
		out = appendCodePoint(out, r)
	}
	return out, nil
}

func fromUTF32(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%4 != 0 {
		return nil, errNotText
	}
	out := make([]byte, 0, len(b)/2)
	for i := 0; i < len(b); i += 4 {
		var r uint32
		if bigEndian {
			r = uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
		} else {
			r = uint32(b[i+3])<<24 | uint32(b[i+2])<<16 | uint32(b[i+1])<<8 | uint32(b[i])
		}
		if r > utf8.MaxRune {
			return nil, errNotText
		}
		out = appendCodePoint(out, rune(r))
	}
	return out, nil
}

// appendCodePoint writes any code point, a surrogate included, as (generalized) UTF-8.
func appendCodePoint(dst []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(dst, 0xED, byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(dst, r)
}

// HasSurrogate reports whether s holds a lone surrogate, which Python's str can hold
// but a UTF-8 encoder (and so any answer) refuses.
func HasSurrogate(s string) bool {
	_, _, ok := surrogateRun(s)
	return ok
}

// surrogateRun finds the first run of lone surrogates in s: the code-point positions
// of its first and last, as Python's UnicodeEncodeError names them.
func surrogateRun(s string) (first, last int, ok bool) {
	if utf8.ValidString(s) {
		return 0, 0, false
	}
	pos := 0
	for i := 0; i < len(s); {
		if isSurrogateAt([]byte(s[i:min(i+3, len(s))]), 0) {
			first, last = pos, pos
			for i += 3; i < len(s) && isSurrogateAt([]byte(s[i:min(i+3, len(s))]), 0); i += 3 {
				last++
			}
			return first, last, true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		pos++
	}
	return 0, 0, false
}

// Lossy replaces each byte of every lone surrogate with U+FFFD, as pydantic does when
// it names a dict key holding one in an error's location.
func Lossy(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var out []byte
	for i := 0; i < len(s); {
		if isSurrogateAt([]byte(s[i:min(i+3, len(s))]), 0) {
			for range 3 {
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			i += 3
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		out = append(out, s[i:i+size]...)
		i += size
	}
	return string(out)
}
