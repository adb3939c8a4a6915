package dsl

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in the canonical layout: hclwrite.Format's indentation,
// spacing and `=` alignment, then, as gofmt does, runs of blank lines
// collapsed to one and exactly one newline at the end of a non-empty file.
// Heredoc bodies and comments are content and are never touched. Format
// changes only whitespace; it does not check that src is valid (FormatFile
// does).
func Format(src []byte) []byte {
	return tidyBlankLines(hclwrite.Format(src))
}

// FormatFile parses src as a scenario file and returns it formatted. A file
// with syntax errors gets its diagnostics and no output: hclwrite works on
// tokens and would happily "format" a broken file into a different broken
// file.
func FormatFile(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if diags := checkSource(filename, src); diags != nil {
		return nil, diags
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	out := Format(src)
	if diags := tokensKept(filename, src, out); diags != nil {
		return nil, diags
	}
	return out, nil
}

// tokensKept checks that formatting changed only white space: hclwrite
// works on tokens and drops the space in "0 .0" (a legacy index), which
// then lexes as the number 0.0. A file it would change that way is refused
// with the place, rather than rewritten into a different file.
func tokensKept(filename string, src, out []byte) hcl.Diagnostics {
	in, got := significantTokens(src), significantTokens(out)
	for i := range in {
		if i < len(got) && in[i].text == got[i].text {
			continue
		}
		rng := in[i].rng
		rng.Filename = filename
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot format safely",
			Detail:   fmt.Sprintf("Formatting would change the tokens here (%q would not survive as written), so the file is left as it is. Rewrite the expression, e.g. without the space before a dot.", in[i].src),
			Subject:  &rng,
		}}
	}
	if len(got) != len(in) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot format safely",
			Detail:   "Formatting would change the tokens at the end of the file, so the file is left as it is.",
			Subject:  &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
		}}
	}
	return nil
}

// token is one significant token: its type and text, and where it was.
type token struct {
	text, src string
	rng       hcl.Range
}

// significantTokens lists the tokens of src other than newlines, with
// trailing white space of comments ignored: what formatting must keep.
func significantTokens(src []byte) []token {
	tokens, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	var out []token
	for _, tok := range tokens {
		if tok.Type == hclsyntax.TokenNewline || tok.Type == hclsyntax.TokenEOF {
			continue
		}
		text := string(tok.Bytes)
		if tok.Type == hclsyntax.TokenComment {
			text = strings.TrimRight(text, " \t\r\n")
		}
		out = append(out, token{text: tok.Type.String() + " " + text, src: text, rng: tok.Range})
	}
	return out
}

// tidyBlankLines drops leading blank lines, collapses runs of blank lines to
// one and ends the text with one newline, leaving the lines of heredocs and
// comments alone. Input the lexer rejects is returned unchanged.
func tidyBlankLines(src []byte) []byte {
	protected, ok := contentLines(src)
	if !ok {
		return src
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	out := make([]byte, 0, len(src))
	prevBlank := true // drops blank lines at the start
	for i, line := range lines {
		blank := len(bytes.TrimSpace(line)) == 0
		if blank && prevBlank && !protected[i+1] {
			continue
		}
		out = append(out, line...)
		prevBlank = blank
	}
	// Exactly one trailing newline; a file of only whitespace becomes empty.
	trimmed := bytes.TrimRight(out, " \t\r\n")
	if len(trimmed) == 0 {
		return trimmed
	}
	return append(trimmed, '\n')
}

// contentLines returns the 1-based line numbers inside heredocs and
// multi-line comments, whose blank lines belong to the content; ok is false
// when src does not lex.
func contentLines(src []byte) (map[int]bool, bool) {
	tokens, diags := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, false
	}
	protected := map[int]bool{}
	mark := func(from, to hcl.Pos) {
		last := to.Line
		if to.Column == 1 && last > from.Line {
			last-- // the token ends with its newline
		}
		for l := from.Line; l <= last; l++ {
			protected[l] = true
		}
	}
	var heredocStart *hcl.Pos
	for _, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOHeredoc:
			heredocStart = &tok.Range.Start
		case hclsyntax.TokenCHeredoc:
			if heredocStart != nil {
				mark(*heredocStart, tok.Range.End)
				heredocStart = nil
			}
		case hclsyntax.TokenComment:
			mark(tok.Range.Start, tok.Range.End)
		}
	}
	return protected, true
}
