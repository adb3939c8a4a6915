package dsl

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Stream formats of a target's `stream { format }` (docs/scenario-language.md).
const (
	StreamOpenAI = "openai" // OpenAI-compatible SSE: JSON chunks, usage, [DONE]
	StreamSSE    = "sse"    // any SSE: event timing only
)

// Stream is a target's `stream` block: the response body is read as it
// arrives and timed chunk by chunk.
type Stream struct {
	Format    string
	DeclRange hcl.Range
}

// SLO is a target's `slo` block: per-request objectives; a request meets
// them when it succeeded and each one set (non-zero) holds. Goodput counts
// such requests.
type SLO struct {
	Latency   time.Duration // end-to-end
	TTFT      time.Duration // time to first token (streaming targets)
	TPOT      time.Duration // time per output token (streaming targets)
	DeclRange hcl.Range
}

var streamSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "format", Required: true}}}

// decodeStreamBlock reads `stream { format = "openai" | "sse" }`.
func decodeStreamBlock(b *hcl.Block, ctx *hcl.EvalContext) (*Stream, hcl.Diagnostics) {
	s := &Stream{DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, streamSchema)
	a := newAttrs(content.Attributes, ctx)
	s.Format, _ = a.oneOf("format", "Unknown stream format",
		`"openai" (OpenAI-compatible chunks with usage and [DONE]) or "sse" (any server-sent events, timed only)`,
		StreamOpenAI, StreamSSE)
	return s, append(diags, a.diags...)
}

var sloSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "latency"}, {Name: "ttft"}, {Name: "tpot"}}}

// decodeSLOBlock reads `slo { latency ttft tpot }`: positive durations, at
// least one; ttft and tpot only on a streaming target (hasStream).
func decodeSLOBlock(b *hcl.Block, ctx *hcl.EvalContext, hasStream bool) (*SLO, hcl.Diagnostics) {
	s := &SLO{DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, sloSchema)
	a := newAttrs(content.Attributes, ctx)
	s.Latency, _ = a.positiveDuration("latency")
	s.TTFT, _ = a.positiveDuration("ttft")
	s.TPOT, _ = a.positiveDuration("tpot")
	for _, name := range []string{"ttft", "tpot"} {
		if a.has(name) && !hasStream {
			a.errorf(name, "Objective needs a streaming target",
				"%s is measured on a streamed response; add stream { format = \"openai\" } to this target, or remove %s.", name, name)
		}
	}
	if len(content.Attributes) == 0 && !diags.HasErrors() {
		r := b.DefRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty slo block",
			Detail:   "An slo block sets at least one of latency, ttft and tpot, e.g. ttft = \"500ms\".",
			Subject:  &r,
		})
	}
	return s, append(diags, a.diags...)
}

// maxWords bounds words(n): a prompt of a million words is surely a slip.
const maxWords = 1_000_000

// wordList is the vocabulary of words(): common English words of one to
// three syllables, so that a tokenizer splits the text as it would prose.
var wordList = strings.Fields(`
the of and to in is was for on are with as be at by this had not but from or have
an they which one you were her all she there would their we him been has when who
will more no if out so said what up its about into than them can only other new
some could time these two may then do first any my now such like our over man me
even most made after also did many before must through back years where much your
way well down should because each just those people how too little state good very
make world still own see men work long get here between both life being under never
day same another know while last might us great old year off come since against go
came right used take three house model prompt token river light water garden window
morning evening simple number system power memory question answer letter paper city
music market story green yellow bright quiet heavy open close early later together
`)

// wordsFunc is words(n[, seed]): n pseudo-English words separated by single
// spaces, the same for the same n and seed, for prompts of a chosen size.
var wordsFunc = function.New(&function.Spec{
	Description: "Returns n deterministic pseudo-English words separated by spaces.",
	Params:      []function.Parameter{{Name: "n", Type: cty.Number}},
	VarParam:    &function.Parameter{Name: "seed", Type: cty.Number},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) > 2 {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(2, "words takes n and at most one seed")
		}
		n, err := wholeArg(args, 0, "n", 0, maxWords)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		var seed int64
		if len(args) == 2 {
			if seed, err = wholeArg(args, 1, "seed", -1<<62, 1<<62); err != nil {
				return cty.UnknownVal(cty.String), err
			}
		}
		return cty.StringVal(Words(int(n), seed)), nil
	},
})

// Words is n pseudo-English words from seed, as words() returns them.
func Words(n int, seed int64) string {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	var b strings.Builder
	b.Grow(n * 6)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(wordList[r.IntN(len(wordList))])
	}
	return b.String()
}

// checkTargetStream rejects a stream block on a kserve target (an inference
// answers with one response), extracts on a streaming target (its body is
// a stream of chunks, not one JSON document) and a target whose timeout is
// shorter than its own latency objective (every request would be cut
// before it could meet it). It reports the first of these only.
func checkTargetStream(t *Target) hcl.Diagnostics {
	if t.Stream != nil && t.KServe != nil {
		r := t.Stream.DeclRange
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Stream on a kserve target",
			Detail:   "A KServe v2 inference answers with one response, not a stream of server-sent events. Remove the stream block, or the kserve block.",
			Subject:  &r,
		}}
	}
	if t.Stream != nil && len(t.Extracts) > 0 {
		r := t.Extracts[0].DeclRange
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Extract on a streaming target",
			Detail:   "extract reads fields of one JSON response body; a streamed body is a series of chunks. Remove the extract, or the stream block.",
			Subject:  &r,
		}}
	}
	if t.SLO == nil || t.SLO.Latency <= t.Timeout {
		return nil
	}
	r := t.SLO.DeclRange
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Latency objective longer than the timeout",
		Detail: fmt.Sprintf("slo latency %s is longer than the target's timeout %s, so a request that meets it would already have timed out; raise timeout or lower latency.",
			t.SLO.Latency, t.Timeout),
		Subject: &r,
	}}
}

// checkStreamRefs rejects a condition that reads `stream` in a scenario
// with no streaming target: every step's value would be unknown.
func checkStreamRefs(s *Scenario, expr hcl.Expression) hcl.Diagnostics {
	for _, t := range s.Targets {
		if t.Stream != nil {
			return nil
		}
	}
	var diags hcl.Diagnostics
	for _, tr := range expr.Variables() {
		if tr.RootName() != "stream" {
			continue
		}
		r := tr[0].SourceRange()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No streaming target",
			Detail:   "stream is measured only on a target with a stream block; add stream { format = \"openai\" } to the target, or read latency instead.",
			Subject:  &r,
		})
	}
	return diags
}
