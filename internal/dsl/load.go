package dsl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// LoadOptions are the inputs of a load that come from outside the file.
type LoadOptions struct {
	Vars     []string                    // --var name=value, in command-line order
	VarFiles []string                    // --var-file paths, in order
	Getenv   func(string) (string, bool) // nil = os.LookupEnv; for env() and HARNESS_VAR_name
	Environ  func() []string             // nil = os.Environ; to enumerate HARNESS_VAR_*
}

func (o LoadOptions) getenv() func(string) (string, bool) {
	if o.Getenv != nil {
		return o.Getenv
	}
	return os.LookupEnv
}

func (o LoadOptions) environ() func() []string {
	if o.Environ != nil {
		return o.Environ
	}
	return os.Environ
}

// LoadFile reads and decodes the scenario at path. See LoadBytes.
func LoadFile(path string, opts LoadOptions) (*Scenario, hcl.Diagnostics) {
	src, err := readInput(path, "scenario file", MaxScenarioSize)
	if err != nil {
		s := &Scenario{File: path, Files: map[string]*hcl.File{}}
		return s, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read scenario file",
			Detail:   fmt.Sprintf("%v.", err),
		}}
	}
	return LoadBytes(path, src, opts)
}

// LoadBytes decodes a scenario from src; filename names it in diagnostics and
// anchors relative paths (file(), tls files). It always returns a non-nil
// Scenario whose Files are set, so that callers can render diagnostics with
// source lines even when diags has errors; the Scenario is only usable when
// !diags.HasErrors(). It never panics, whatever src holds.
func LoadBytes(filename string, src []byte, opts LoadOptions) (*Scenario, hcl.Diagnostics) {
	sum := sha256.Sum256(src)
	s := &Scenario{File: filename, SHA256: hex.EncodeToString(sum[:]), Files: map[string]*hcl.File{}}
	if diags := checkSource(filename, src); diags != nil {
		return s, diags
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if f != nil {
		s.Files[filename] = f
	}
	if diags.HasErrors() || f == nil {
		// Decoding a file that does not parse only adds noise.
		return s, diags
	}
	l := &loader{s: s, opts: opts, baseDir: filepath.Dir(filename)}
	diags = append(diags, l.load(f.Body)...)
	return s, sortDiags(dedupe(diags))
}

// sortDiags orders diagnostics as they appear in the files, those without a
// position first, keeping the decoder's order among equals.
func sortDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}

// dedupe drops repeated diagnostics: the raw and the expanded pass over the
// body both see an unknown block, and an error inside `dynamic` content is
// found once per iteration.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev     hcl.DiagnosticSeverity
		summary string
		subject hcl.Range
	}
	seen := map[key]bool{}
	out := hcl.Diagnostics{}
	for _, d := range diags {
		if d == nil {
			continue
		}
		k := key{sev: d.Severity, summary: d.Summary}
		if d.Subject != nil {
			k.subject = *d.Subject
		} else {
			k.summary += "\x00" + d.Detail
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// definitions records where each name of one kind (target, step, extract,
// local value…) was first defined, so that every duplicate-name check in a
// scenario reports the same way: on the later name, pointing at the first.
type definitions struct {
	what  string
	first map[string]hcl.Range
}

func newDefinitions(what string) *definitions {
	return &definitions{what: what, first: map[string]hcl.Range{}}
}

// claim records name as defined at `at`. A name already claimed adds a
// "Duplicate <what>" error on `at` to diags and returns false: the caller
// drops the later definition.
func (d *definitions) claim(name string, at hcl.Range, diags *hcl.Diagnostics) bool {
	if first, dup := d.first[name]; dup {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate " + d.what,
			Detail: fmt.Sprintf("%s %q was first defined at %s:%d:%d; names must be unique, so rename or remove one.",
				upperFirst(d.what), name, first.Filename, first.Start.Line, first.Start.Column),
			Subject: &at,
		})
		return false
	}
	d.first[name] = at
	return true
}

// has reports whether name was defined.
func (d *definitions) has(name string) bool {
	_, ok := d.first[name]
	return ok
}

// labelRange is where a block's name is written: its last label.
func labelRange(b *hcl.Block) hcl.Range {
	if n := len(b.LabelRanges); n > 0 {
		return b.LabelRanges[n-1]
	}
	return b.DefRange
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
