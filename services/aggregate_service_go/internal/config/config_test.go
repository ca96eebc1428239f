package config

import (
	"strings"
	"testing"
)

func env(vars map[string]string) Env {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestParseIntReadsIntegersAsPydanticDoes(t *testing.T) {
	for text, want := range map[string]int64{
		"100": 100, " 100 ": 100, "1_000": 1000, "100.0": 100, "100.000": 100, "+5": 5, "-0": 0,
		"00012": 12, "\u00a012": 12, "99999999999999999999999": 1<<63 - 1,
	} {
		if got, err := ParseInt(text); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", text, got, err, want)
		}
	}
	for _, text := range []string{"", "abc", "100.5", "1e3", "0x10", "1__0", "_1", "1_", "100.", ".0", "1 0", "１２"} {
		if got, err := ParseInt(text); err == nil {
			t.Errorf("%q: read as %d", text, got)
		}
	}
}

func TestTheAppTokenIsRequiredAndLongEnough(t *testing.T) {
	for _, vars := range []map[string]string{{}, {"APP_API_TOKEN": ""}, {"APP_API_TOKEN": "fifteen-chars-x"}} {
		_, err := AppToken(env(vars))
		if err == nil || !strings.HasPrefix(err.Error(), "APP_API_TOKEN must be set to a secret of at least 16 characters") {
			t.Errorf("%v: %v", vars, err)
		}
	}
	// Characters, not bytes: sixteen of them, some of two bytes each.
	if token, err := AppToken(env(map[string]string{"APP_API_TOKEN": "ééééééééééééééééé"[:32]})); err != nil || token == "" {
		t.Error(err)
	}
}

func TestMaxJSONBytes(t *testing.T) {
	if n, err := MaxJSONBytes(env(nil)); err != nil || n != 32*1024*1024 {
		t.Error(n, err)
	}
	if n, err := MaxJSONBytes(env(map[string]string{"MAX_JSON_BYTES": " 1_000 "})); err != nil || n != 1000 {
		t.Error(n, err)
	}
	for _, text := range []string{"0", "-1", "abc", ""} {
		if _, err := MaxJSONBytes(env(map[string]string{"MAX_JSON_BYTES": text})); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
}

func TestNamesAreReadInAnyCaseTheLastSetWinning(t *testing.T) {
	environ := []string{"APP_API_TOKEN=first", "PATH=/bin", "app_api_token=second", "OTHER=x=y"}
	if v, ok := lookup(environ, "APP_API_TOKEN"); !ok || v != "second" {
		t.Error(v, ok)
	}
	if v, ok := lookup(environ, "other"); !ok || v != "x=y" {
		t.Error(v, ok)
	}
	if _, ok := lookup(environ, "MISSING"); ok {
		t.Error("found")
	}
}
