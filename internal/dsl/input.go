package dsl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Limits on what a scenario may read from outside. They keep a mistaken or
// hostile input (a device, a named pipe, a generated file) from exhausting
// memory, blocking forever or overflowing the parser's stack; each error
// states its limit.
const (
	// MaxScenarioSize caps a scenario file and a --var-file.
	MaxScenarioSize = 4 << 20
	// MaxFileSize caps what file() and filebase64() read: a request body
	// larger than this is almost certainly a mistake, and the whole file is
	// held in memory (twice, for base64) for the whole run.
	MaxFileSize = 64 << 20
	// MaxNesting caps how deeply brackets, strings, templates, unary
	// operators, operator chains and conditionals may nest in one file or
	// value. The HCL parser and evaluator recurse once per level, and Go
	// cannot recover from a stack overflow; real scenarios nest a handful
	// of levels.
	MaxNesting = 256
)

// Limits on what one scenario may ask of one harness process. Larger loads
// are split across several processes; each error says so and states the
// limit.
const (
	// MaxUsers caps a closed step's users.
	MaxUsers = 50000
	// MaxInFlight caps an open step's max_in_flight.
	MaxInFlight = 50000
	// MinRate and MaxRate bound an open step's rate (requests per second)
	// and every ramp_rate (users or requests per second, per second).
	// MaxRate is five times what one process sends flat out against a
	// trivial server (about 20,000 req/s, BENCHMARKS.md): a plan above it
	// would measure only the sender's own backlog.
	MinRate = 0.001
	MaxRate = 100_000
	// MaxDuration caps every duration (a step's duration, ramp, pace and
	// think, timeouts, intervals, sustain) and the whole scenario's run.
	MaxDuration = 168 * time.Hour
	// MinBurstiness is the lowest gamma shape (burstiness) an open step may
	// draw its gaps with, a variance of per-second counts 100 times
	// Poisson's; below it most gaps underflow to 0 in float64 and the
	// schedule would send far more than its rate.
	MinBurstiness = 0.01
	// MaxPaceJitter caps pace_jitter: each interval is drawn in
	// pace·(1 ± pace_jitter), so at most half or one and a half paces.
	MaxPaceJitter = 0.5
)

// DefaultSeed seeds a step's random draws (arrival = "poisson" or "gamma",
// pace_jitter) when it sets no seed, so two runs of one file send the same
// schedule. The results file records the seed a step used.
const DefaultSeed = 1

// readInput reads a file named by the user, refusing what is not a regular
// file (a named pipe would block, a device may never end) and anything over
// limit bytes. what names the file in errors ("scenario file", "--var-file").
func readInput(path, what string, limit int64) ([]byte, error) {
	// Stat before opening: opening a named pipe for reading blocks until
	// someone writes to it.
	st, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // as the user sees it, and as os.ReadFile says
		}
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is a %s, not a regular file; a %s must be a regular file (reading a pipe or device can block or never end)", path, fileKind(st.Mode()), what)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s is larger than the %s limit for a %s (%d bytes)", path, mib(limit), what, st.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read one byte past the limit: the file may have grown since Stat.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %s limit for a %s", path, mib(limit), what)
	}
	return data, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// tooLarge reports src over MaxScenarioSize, for sources that did not come
// through readInput.
func tooLarge(filename string, src []byte) hcl.Diagnostics {
	if len(src) <= MaxScenarioSize {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Scenario too large",
		Detail:   fmt.Sprintf("%s is larger than the %s limit for a scenario file (%d bytes).", filename, mib(MaxScenarioSize), len(src)),
	}}
}

// checkSource is what every HCL source (scenario file, --var-file, a file
// to format) passes before the parser sees it: at most MaxScenarioSize
// bytes, UTF-8, nested at most MaxNesting deep.
func checkSource(filename string, src []byte) hcl.Diagnostics {
	if diags := tooLarge(filename, src); diags != nil {
		return diags
	}
	if diags := notUTF8(filename, src); diags != nil {
		return diags
	}
	return checkNesting(src, filename, false)
}

// notUTF8 reports the first byte of src that is not UTF-8. HCL source is
// UTF-8; the lexer folds a stray byte into the token beside it, so such a
// file would load with a name no one wrote and format into different
// tokens.
func notUTF8(filename string, src []byte) hcl.Diagnostics {
	if utf8.Valid(src) {
		return nil
	}
	pos := hcl.InitialPos
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			end := pos
			end.Byte, end.Column = pos.Byte+1, pos.Column+1
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid character encoding",
				Detail:   fmt.Sprintf("Byte 0x%02x is not UTF-8. A scenario file or --var-file must be UTF-8 text; for binary data use filebase64().", src[i]),
				Subject:  &hcl.Range{Filename: filename, Start: pos, End: end},
			}}
		}
		pos.Byte += n
		if r == '\n' {
			pos.Line, pos.Column = pos.Line+1, 1
		} else {
			pos.Column++
		}
		i += n
	}
	return nil
}

// checkNesting reports the first place where src nests deeper than
// MaxNesting, before the recursive parser sees it. It walks the lexer's
// tokens and counts what makes the parser or the evaluator recurse: open
// brackets, strings and template sequences, template if/for directives,
// runs of unary - and !, and the links of an operator chain (a + b + c is
// a tree two deep; so are a ? b : c ? d : e and a[x][y]), each of which
// lasts until its expression ends at a newline or comma of the same bracket
// level. expr says src is a lone expression (a --var value) rather than a
// file of blocks and attributes.
func checkNesting(src []byte, filename string, expr bool) hcl.Diagnostics {
	var toks hclsyntax.Tokens
	if expr {
		toks, _ = hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	} else {
		toks, _ = hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	}
	// chains[i] counts the operator links open at bracket level i.
	chains := []int{0}
	depth := 0 // open brackets, strings, template sequences and directives
	links := 0 // sum of chains
	unary := 0 // the current run of unary operators
	afterControl := false
	for _, tok := range toks {
		if chainLink[tok.Type] {
			chains[len(chains)-1]++
			links++
		}
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
			chains = append(chains, 0)
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(chains) > 1 {
				depth--
				links -= chains[len(chains)-1]
				chains = chains[:len(chains)-1]
			}
		case hclsyntax.TokenNewline, hclsyntax.TokenComma:
			links -= chains[len(chains)-1]
			chains[len(chains)-1] = 0
		case hclsyntax.TokenIdent:
			if afterControl {
				switch string(tok.Bytes) {
				case "if", "for":
					depth++
				case "endif", "endfor":
					depth--
				}
			}
		}
		if tok.Type == hclsyntax.TokenMinus || tok.Type == hclsyntax.TokenBang {
			unary++
		} else {
			unary = 0
		}
		afterControl = tok.Type == hclsyntax.TokenTemplateControl
		if depth+links+unary > MaxNesting {
			r := tok.Range
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Nesting too deep",
				Detail: fmt.Sprintf("Brackets, strings, templates, operators and conditionals nest more than %d levels deep here; %d is the limit. Split the expression, e.g. into locals.",
					MaxNesting, MaxNesting),
				Subject: &r,
			}}
		}
	}
	return nil
}

// chainLink are the tokens that add a level to the expression tree they
// continue: binary operators, a conditional's ?, and an index's [.
var chainLink = map[hclsyntax.TokenType]bool{
	hclsyntax.TokenOr: true, hclsyntax.TokenAnd: true,
	hclsyntax.TokenEqualOp: true, hclsyntax.TokenNotEqual: true,
	hclsyntax.TokenLessThan: true, hclsyntax.TokenLessThanEq: true,
	hclsyntax.TokenGreaterThan: true, hclsyntax.TokenGreaterThanEq: true,
	hclsyntax.TokenPlus: true, hclsyntax.TokenMinus: true,
	hclsyntax.TokenStar: true, hclsyntax.TokenSlash: true, hclsyntax.TokenPercent: true,
	hclsyntax.TokenQuestion: true, hclsyntax.TokenOBrack: true,
}

// ReadScenario reads a scenario file as LoadFile does: a regular file of at
// most MaxScenarioSize bytes. harness fmt reads through it, so a named pipe
// or /dev/zero given to fmt is refused as run refuses it.
func ReadScenario(path string) ([]byte, error) {
	return readInput(path, "scenario file", MaxScenarioSize)
}
