package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every key speaks every language, with the same formatting verbs in the
// same order: a translation that drops or swaps a %s would print
// %!s(MISSING) or another value in a report.
func TestEveryKeyHasEveryLanguage(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	for _, k := range Keys() {
		var want []string
		for i, l := range Langs {
			if !Has(l, k) {
				t.Errorf("%s has no %s", k, l)
				continue
			}
			msg := T(l, k)
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s is empty in %s", k, l)
			}
			got := verbs.FindAllString(msg, -1)
			if i == 0 {
				want = got
			} else if !slices.Equal(got, want) {
				t.Errorf("%s: %s has verbs %v, %s has %v", k, l, got, Langs[0], want)
			}
		}
		if len(catalog[k]) != len(Langs) {
			t.Errorf("%s has %d languages, the catalog speaks %d", k, len(catalog[k]), len(Langs))
		}
	}
}

func TestT(t *testing.T) {
	if got := T(ZH, "report.checks", 3); got != "检查记录（3 条，最新在前）" {
		t.Errorf("zh: %q", got)
	}
	if got := T(EN, "report.checks", 3); got != "Checks (3, newest first)" {
		t.Errorf("en: %q", got)
	}
	if got := T("fr", "report.printed"); got != "打印时间" {
		t.Errorf("unknown language falls back to the default: %q", got)
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
	if got := Value(ZH, "category", "road"); got != "农村公路" {
		t.Errorf("value: %q", got)
	}
	if got := Value(ZH, "category", "spaceport"); got != "spaceport" {
		t.Errorf("an unnamed value prints as itself: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		explicit, accept string
		want             Lang
	}{
		{"", "", ZH},
		{"en", "", EN},
		{"EN-us", "zh-CN", EN},
		{"zh", "en", ZH},
		{"fr", "en-GB,en;q=0.8", EN}, // an unknown ?lang= is ignored, not an error
		{"", "en-US,en;q=0.9,zh-CN;q=0.8", EN},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"", "fr-FR, en;q=0.5, zh-Hans;q=0.7", ZH},
		{"", "zh-TW", ZH},      // no Traditional Chinese: the default
		{"", "en;q=bad", ZH},   // a malformed q is skipped
		{"", "de, en;q=0", ZH}, // q=0 means "not this"
		{"", "zh_CN", ZH},
	} {
		if got := Negotiate(c.explicit, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", c.explicit, c.accept, got, c.want)
		}
	}
}
