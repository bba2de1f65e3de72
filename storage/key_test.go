package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestBuildKey(t *testing.T) {
	const id = "abcd1234-5678-90ef-abcd-1234567890ab"
	for _, tc := range []struct {
		kind, id, want string
	}{
		{"originals", id, "originals/ab/cd/" + id},
		{"renditions", id, "renditions/ab/cd/" + id},
		{"staging", id, "staging/ab/cd/" + id},
		// Dashes are skipped when picking the shard digits.
		{"originals", "ab-cd-ef", "originals/ab/cd/ab-cd-ef"},
		{"originals", "a-b-c-d", "originals/ab/cd/a-b-c-d"},
		{"x_y.z", "0123_a.b", "x_y.z/01/23/0123_a.b"},
	} {
		got, err := BuildKey(tc.kind, tc.id)
		if err != nil {
			t.Errorf("BuildKey(%q, %q): %v", tc.kind, tc.id, err)
			continue
		}
		if got != tc.want {
			t.Errorf("BuildKey(%q, %q) = %q, want %q", tc.kind, tc.id, got, tc.want)
		}
		if k := Key(tc.kind, tc.id); k != tc.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tc.kind, tc.id, k, tc.want)
		}
	}
}

func TestBuildKeyRejects(t *testing.T) {
	const id = "abcd1234-5678-90ef-abcd-1234567890ab"
	for _, tc := range []struct{ kind, id string }{
		{"", id},
		{"originals", ""},
		{"Originals", id},
		{"originals", strings.ToUpper(id)},
		{"orig/inals", id},
		{"originals", "abcd/../../etc"},
		{"originals", "abcd\\x"},
		{"..", id},
		{".", id},
		{".hidden", id},
		{"originals", "..abcd"},
		{"originals", ".abcd"},
		{"originals", "ab..cd"}, // shard would contain dots
		{"originals", "abc"},    // too short to shard
		{"originals", "a-b-c"},  // too short once dashes go
		{"originals", "zzzz1234"},
		{"originals", "abcd\x00"},
		{"originals", "abcd é"},
		{"originals", "abcd efgh"},
	} {
		if k, err := BuildKey(tc.kind, tc.id); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("BuildKey(%q, %q) = %q, %v; want ErrInvalidKey", tc.kind, tc.id, k, err)
		}
		// The panic-free variant must still produce something harmless.
		k := Key(tc.kind, tc.id)
		assertHarmless(t, k)
		if !strings.HasPrefix(k, "invalid/") {
			t.Errorf("Key(%q, %q) = %q, want the invalid/ fallback", tc.kind, tc.id, k)
		}
		if k2 := Key(tc.kind, tc.id); k2 != k {
			t.Errorf("Key fallback not deterministic: %q then %q", k, k2)
		}
	}
}

func TestKeyFallbackDistinct(t *testing.T) {
	a := Key("a", "bc/")
	b := Key("ab", "c/")
	if a == b {
		t.Fatalf("fallback keys collide: %q", a)
	}
}

func TestRenditionKey(t *testing.T) {
	const id = "abcd1234-5678-90ef-abcd-1234567890ab"
	got, err := BuildRenditionKey(id, "thumb")
	if err != nil {
		t.Fatal(err)
	}
	want := "renditions/ab/cd/" + id + "_thumb.jpg"
	if got != want {
		t.Fatalf("BuildRenditionKey = %q, want %q", got, want)
	}
	if k := RenditionKey(id, "thumb"); k != want {
		t.Fatalf("RenditionKey = %q, want %q", k, want)
	}
	for _, tc := range []struct{ id, name string }{
		{id, ""},
		{id, "../x"},
		{id, "Thumb"},
		{id, ".x"},
		{"../etc", "thumb"},
		{"", "thumb"},
	} {
		if _, err := BuildRenditionKey(tc.id, tc.name); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("BuildRenditionKey(%q, %q): err = %v, want ErrInvalidKey", tc.id, tc.name, err)
		}
		assertHarmless(t, RenditionKey(tc.id, tc.name))
	}
}

func assertHarmless(t *testing.T, k string) {
	t.Helper()
	if k == "" || strings.HasPrefix(k, "/") || strings.ContainsAny(k, "\\\x00") {
		t.Errorf("key %q is not harmless", k)
	}
	for _, seg := range strings.Split(k, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			t.Errorf("key %q has bad segment %q", k, seg)
		}
	}
}

func TestCheckKey(t *testing.T) {
	good := []string{
		"originals/ab/cd/abcd-1",
		"a",
		"a/b.c",
		Key(KindOriginals, "abcd"),
		Key("..", "x"), // the fallback is a valid key too
		RenditionKey("abcd", "thumb"),
	}
	for _, k := range good {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q): %v", k, err)
		}
	}
	bad := []string{
		"", "/a", "a/", "a//b", ".", "..", "../a", "a/../b", "a/./b", "./a",
		"a/.b", ".a", "a\\b", "C:/a", "a\x00", "a\nb", "a\x7f",
		strings.Repeat("a", MaxKeyLen+1),
	}
	for _, k := range bad {
		if err := CheckKey(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	for _, p := range []string{"", "originals/", "originals/ab/c", "o", "originals/.."} {
		// A partial last segment cannot traverse: it is only matched as a
		// string prefix, never opened as a path.
		if err := CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q): %v", p, err)
		}
	}
	for _, p := range []string{"/", "../", "a/../", "/etc", "a\\", "a//", ".x/"} {
		if err := CheckPrefix(p); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrInvalidKey", p, err)
		}
	}
}
