// Package config reads the settings the Python apps read from the environment, the way
// pydantic-settings reads them: names in any case, integers as pydantic parses them.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MinSecretLength is the shortest APP_API_TOKEN an app starts with.
const MinSecretLength = 16

// DefaultMaxJSONBytes is the largest JSON body a service takes: an aggregate request
// carries every page's extraction (up to 2,000 pages of up to 16 KiB each), under the
// sidecars' 64 MiB body limit (invoice_shared.policy.MAX_SERVICE_JSON_BYTES).
const DefaultMaxJSONBytes = 32 * 1024 * 1024

// Env is where settings come from: os.LookupEnv's shape, with pydantic-settings'
// case-insensitive names.
type Env func(name string) (string, bool)

// OSEnv looks a name up in any case; when several spellings are set, the one set last
// wins (pydantic-settings lower-cases the environment into one dict).
func OSEnv(name string) (string, bool) {
	return lookup(os.Environ(), name)
}

func lookup(environ []string, name string) (value string, found bool) {
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.EqualFold(k, name) {
			value, found = v, true
		}
	}
	return value, found
}

// AppToken is APP_API_TOKEN, which every request but the health probes and /metrics
// must carry; without one of MinSecretLength characters the service refuses to start.
func AppToken(env Env) (string, error) {
	token, ok := env("APP_API_TOKEN")
	if !ok || utf8.RuneCountInString(token) < MinSecretLength {
		return "", fmt.Errorf("APP_API_TOKEN must be set to a secret of at least %d characters "+
			"(`make up` generates one per stack; see README, Security)", MinSecretLength)
	}
	return token, nil
}

// MaxJSONBytes is MAX_JSON_BYTES, a positive integer, else the default.
func MaxJSONBytes(env Env) (int64, error) {
	text, ok := env("MAX_JSON_BYTES")
	if !ok {
		return DefaultMaxJSONBytes, nil
	}
	n, err := ParseInt(text)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("MAX_JSON_BYTES must be a positive number of bytes, not %q", text)
	}
	return n, nil
}

// ParseInt reads an integer setting as pydantic does from text: surrounding white
// space, a sign, '_' between digits and a fraction of zeros are allowed ("1_000",
// " +5 ", "100.0"). Values beyond int64 are clamped (pydantic keeps them exactly).
func ParseInt(text string) (int64, error) {
	s := strings.TrimSpace(text)
	if whole, fraction, ok := strings.Cut(s, "."); ok {
		if fraction == "" || strings.Trim(fraction, "0") != "" {
			return 0, fmt.Errorf("not an integer: %q", text)
		}
		s = whole
	}
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, fmt.Errorf("not an integer: %q", text)
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not an integer: %q", text)
		}
	}
	n, err := strconv.ParseInt(sign+digits, 10, 64)
	if err != nil { // out of range: every digit was checked
		if sign == "-" {
			return -1 << 63, nil
		}
		return 1<<63 - 1, nil
	}
	return n, nil
}

// Port is the port to listen on when --port is not given: APP_PORT, else 7104.
func Port(env Env) (int, error) {
	text, ok := env("APP_PORT")
	if !ok {
		return 7104, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("APP_PORT must be a port number, not %q", text)
	}
	return n, nil
}
