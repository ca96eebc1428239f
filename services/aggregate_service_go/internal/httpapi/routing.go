package httpapi

import (
	_ "embed"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// route is one path the service answers and the methods it takes there.
type route struct {
	methods []string
	serve   func(w *exchange, r *http.Request)
}

// dispatch routes as Starlette does: the route of the path, 405 with Allow when it
// takes another method, a 307 to the path without its trailing slashes when that is a
// route, else 404.
func (s *Server) dispatch(w *exchange, r *http.Request, path string) {
	rt, ok := s.routes[path]
	if !ok {
		if target, ok := s.slashRedirect(path); ok {
			location := "http://" + r.Host + quotePath(target)
			if r.URL.RawQuery != "" {
				location += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", location)
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "there is nothing at "+path)
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		allowed := slices.Sorted(slices.Values(rt.methods))
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
			path+" does not take "+r.Method+"; it takes "+strings.Join(allowed, ", "))
		return
	}
	rt.serve(w, r)
}

// slashRedirect is where Starlette sends a path no route takes: the same path without
// its trailing slashes (or with one added) when a route takes that.
func (s *Server) slashRedirect(path string) (string, bool) {
	if path == "/" {
		return "", false
	}
	other := path + "/"
	if strings.HasSuffix(path, "/") {
		other = strings.TrimRight(path, "/")
	}
	_, ok := s.routes[other]
	return other, ok
}

// requestPath is the decoded path, as uvicorn gives it: bytes that are not UTF-8 are
// replaced as urllib's unquote does (errors="replace": one U+FFFD for each maximal
// start of a sequence that goes wrong).
func requestPath(r *http.Request) string {
	p := r.URL.Path
	if utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		c, size := utf8.DecodeRuneInString(p[i:])
		if c == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i += invalidPrefix(p[i:])
			continue
		}
		b.WriteString(p[i : i+size])
		i += size
	}
	return b.String()
}

// invalidPrefix is how many bytes at the start of s, which is not UTF-8 there, one
// replacement character stands for: a lead byte and the continuation bytes that could
// still have completed it (Unicode's "maximal subpart").
func invalidPrefix(s string) int {
	lead := s[0]
	need, low, high := 0, byte(0x80), byte(0xBF) // continuation bytes, range of the first
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead == 0xE0:
		need, low = 2, 0xA0
	case lead == 0xED:
		need, high = 2, 0x9F
	case lead >= 0xE1 && lead <= 0xEF:
		need = 2
	case lead == 0xF0:
		need, low = 3, 0x90
	case lead == 0xF4:
		need, high = 3, 0x8F
	case lead >= 0xF1 && lead <= 0xF3:
		need = 3
	}
	n := 1
	for ; n <= need && n < len(s); n++ {
		if c := s[n]; c < low || c > high {
			break
		}
		low, high = 0x80, 0xBF
	}
	return n
}

// quotePath is urllib.parse.quote(path, safe=":/%#?=@[]!$&'()*+,;"), as Starlette's
// RedirectResponse writes its Location.
func quotePath(p string) string {
	const safe = ":/%#?=@[]!$&'()*+,;_.-~"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte(safe, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// latin1 reads header bytes as Starlette does: each byte is one character.
func latin1(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			rs := make([]rune, len(s))
			for j := 0; j < len(s); j++ {
				rs[j] = rune(s[j])
			}
			return string(rs)
		}
	}
	return s
}

// pyStrip is Python's str.strip() for Latin-1 text.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1C && r <= 0x1F) || r == 0x85 || r == 0xA0
	})
}

// pyLower is Python's str.lower() for Latin-1 text.
func pyLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 0xC0 && r <= 0xDE && r != 0xD7 {
			return r + 0x20
		}
		return r
	}, s)
}

// openAPI is the Python app's OpenAPI document, the contract this service implements,
// recorded as that app serves it: with the app running,
//
//	curl -H "dapr-api-token: $APP_API_TOKEN" http://127.0.0.1:7104/openapi.json > openapi.json
//
// Record it again when the contract changes (the differential check compares both).
//
//go:embed openapi.json
var openAPI []byte

// serveOpenAPI is GET /openapi.json, which tools and the contract checks read.
func serveOpenAPI(w *exchange, _ *http.Request) {
	writeJSON(w, http.StatusOK, openAPI)
}
