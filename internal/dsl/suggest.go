package dsl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
)

// suggestions returns the names in candidates close enough to name to be a
// likely typo, closest first (at most three).
func suggestions(name string, candidates []string) []string {
	type scored struct {
		name string
		dist int
	}
	var close []scored
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := levenshtein.Distance(name, c, nil)
		if d > 2 && !(d <= 3 && len(name) > 6) {
			continue
		}
		// Scores are doubled so that a swap of letters (p59 for p95), the
		// likeliest typo, ranks ahead of a single substitution.
		score := 2 * d
		if sameLetters(name, c) {
			score = 1
		}
		close = append(close, scored{c, score})
	}
	sort.Slice(close, func(i, j int) bool {
		if close[i].dist != close[j].dist {
			return close[i].dist < close[j].dist
		}
		return close[i].name < close[j].name
	})
	var out []string
	for i := 0; i < len(close) && i < 3; i++ {
		out = append(out, close[i].name)
	}
	return out
}

// sameLetters reports whether a and b are anagrams of each other.
func sameLetters(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	sort.Slice(ra, func(i, j int) bool { return ra[i] < ra[j] })
	sort.Slice(rb, func(i, j int) bool { return rb[i] < rb[j] })
	return string(ra) == string(rb)
}

// suggestSuffix is " Did you mean "x"?" for the closest candidate, or "".
func suggestSuffix(name string, candidates []string) string {
	s := suggestions(name, candidates)
	if len(s) == 0 {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", s[0])
}

// orList joins names as `"a", "b" or "c"`.
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// sortedAttrNames returns the attribute names in source order, so that
// diagnostics come out in the order of the file.
func sortedAttrNames(m hcl.Attributes) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return m[names[i]].Range.Start.Byte < m[names[j]].Range.Start.Byte
	})
	return names
}
