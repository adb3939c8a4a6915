// Package redact keeps secrets out of everything harness prints or writes.
//
// A Redactor is built from the values of a scenario's sensitive variables
// (`variable { sensitive = true }`). It replaces every occurrence of each
// value, as written and in the escaped forms it takes inside URLs, JSON and
// quoted Go strings, with "(sensitive)", and it always masks the password
// of a URL's userinfo ("https://user:***@host"), secret or not. It is
// applied at the output boundaries: the results file before it is written
// or rendered (JUnit, HTML), the console and diagnostic streams, and errors.
//
// Only string values are secrets: a sensitive number or bool is not
// searched for, since its digits occur everywhere in a report.
package redact

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/dsl"
)

// Mask replaces a sensitive value.
const Mask = "(sensitive)"

// userinfo matches the password of a URL's userinfo: scheme://user:PASSWORD@.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^/?#@\s:"'<>]*):[^/?#@\s"'<>]*@`)

// Redactor replaces secrets in text. A nil *Redactor knows no secrets and
// still masks userinfo passwords.
type Redactor struct {
	secrets *strings.Replacer // nil when there are none
}

// New returns a Redactor for the given secret values; empty ones are ignored.
func New(secrets ...string) *Redactor {
	var forms []string
	for _, s := range secrets {
		if s != "" {
			forms = append(forms, escapedForms(s)...)
		}
	}
	if len(forms) == 0 {
		return &Redactor{}
	}
	// Mask maps to itself so that redacting twice changes nothing, even for
	// a secret that occurs inside "(sensitive)". Longest first: the
	// replacer tries them in order at each position.
	forms = append(forms, Mask)
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	forms = slices.Compact(forms)
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	return &Redactor{secrets: strings.NewReplacer(pairs...)}
}

// escapedForms is s as written and as URL query, URL path, URL userinfo,
// JSON and Go-quoted text escape it; a secret in a URL appears in errors in
// any of these.
func escapedForms(s string) []string {
	js, _ := json.Marshal(s) // a string always encodes
	forms := []string{
		s,
		url.QueryEscape(s),
		url.PathEscape(s),
		strings.TrimPrefix(url.UserPassword("", s).String(), ":"),
		string(js[1 : len(js)-1]),
		strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(js[1 : len(js)-1])),
		strings.Trim(strconv.Quote(s), `"`),
	}
	var out []string
	for _, f := range forms {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// ForScenario is the Redactor for scn's sensitive variables: every string
// in each value (a list's or object's strings too).
func ForScenario(scn *dsl.Scenario) *Redactor {
	var secrets []string
	for _, v := range scn.Variables {
		if !v.Sensitive || v.Value == cty.NilVal {
			continue
		}
		_ = cty.Walk(v.Value, func(_ cty.Path, val cty.Value) (bool, error) {
			if val.IsKnown() && !val.IsNull() && val.Type() == cty.String {
				secrets = append(secrets, val.AsString())
			}
			return val.IsKnown() && !val.IsNull(), nil
		})
	}
	return New(secrets...)
}

// String returns s with every secret replaced and userinfo passwords masked.
func (r *Redactor) String(s string) string {
	if r != nil && r.secrets != nil {
		s = r.secrets.Replace(s)
	}
	if strings.Contains(s, "@") {
		s = userinfo.ReplaceAllString(s, "${1}:***@")
	}
	return s
}

// Error returns err with a redacted message; errors.Is and errors.As still
// see err (and its exit code) through Unwrap. A nil err stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	return &redacted{msg: r.String(err.Error()), err: err}
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
