// Package i18n is the one message catalog of what fieldproof writes for
// people to read (PDF reports now; the office console and the field app
// next). The county's staff read Chinese, so Simplified Chinese is the
// default and English is given on request. Every key has both languages,
// which a test holds.
package i18n

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lang is a language the catalog speaks, as a BCP 47 tag.
type Lang string

// The languages of the catalog.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Default is the language when the reader asks for none the catalog has.
const Default = ZH

// Langs lists every language of the catalog.
var Langs = []Lang{ZH, EN}

// Key names one message.
type Key string

// T returns the message k in l, formatted with args as fmt.Sprintf does.
// An unknown language falls back to Default; an unknown key returns the
// key itself, so a gap shows in the output rather than an empty line.
func T(l Lang, k Key, args ...any) string {
	msgs, ok := catalog[k]
	if !ok {
		return string(k)
	}
	m, ok := msgs[l]
	if !ok {
		m = msgs[Default]
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// Value names an enumerated value (a category, a status, a role…) in l:
// the message "kind.value" when the catalog has one, else the value as
// the API spells it, so a new value prints as itself until it is named.
func Value(l Lang, kind, value string) string {
	k := Key(kind + "." + value)
	if _, ok := catalog[k]; !ok {
		return value
	}
	return T(l, k)
}

// Keys lists the catalog's keys, sorted.
func Keys() []Key {
	out := make([]Key, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Has reports whether the catalog has k in l, without falling back.
func Has(l Lang, k Key) bool {
	_, ok := catalog[k][l]
	return ok
}

// Parse maps one language tag to a catalog language: "en", "en-GB" → EN;
// "zh", "zh-CN", "zh-Hans", "zh-Hans-CN" → ZH. Traditional Chinese tags
// (zh-TW, zh-HK, zh-Hant) are not matched: the catalog has no such
// language, and a caller can then fall back to Default knowingly.
func Parse(tag string) (Lang, bool) {
	t := strings.ToLower(strings.TrimSpace(tag))
	t = strings.ReplaceAll(t, "_", "-")
	base, rest, _ := strings.Cut(t, "-")
	switch base {
	case "en":
		return EN, true
	case "zh":
		switch {
		case rest == "", rest == "cn", rest == "sg", strings.HasPrefix(rest, "hans"):
			return ZH, true
		}
	}
	return "", false
}

// Negotiate picks the language of an answer: the explicit choice (a
// ?lang= parameter) when it names a catalog language, else the first
// catalog language of an Accept-Language header by its q values, else
// Default.
func Negotiate(explicit, acceptLanguage string) Lang {
	if l, ok := Parse(explicit); ok {
		return l
	}
	best, bestQ := Lang(""), 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			q = f
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	if best != "" {
		return best
	}
	return Default
}

// catalog is every message set joined. A key defined twice is a
// programmer's mistake that would make one text silently win, so it stops
// the program at start-up (and TestEveryKeyHasEveryLanguage at test time).
var catalog = join(coreMessages, valueMessages, consoleMessages, consoleQueueMessages, consoleCheckMessages,
	consoleProjectsMessages, consoleOrdersMessages, appMessages, appWorkMessages,
	circularMessages, indicatorMessages, consoleCircularsMessages, consoleMonthlyMessages,
	appMonthlyMessages)

func join(sets ...map[Key]map[Lang]string) map[Key]map[Lang]string {
	out := map[Key]map[Lang]string{}
	for _, set := range sets {
		for k, v := range set {
			if _, dup := out[k]; dup {
				panic("i18n: message key defined twice: " + string(k))
			}
			out[k] = v
		}
	}
	return out
}
