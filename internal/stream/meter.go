package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/valyala/fastjson"
)

// Format is a target's `stream { format }`.
type Format string

// Formats.
const (
	// FormatOpenAI is an OpenAI-compatible SSE stream: JSON chunks, a usage
	// chunk, the [DONE] sentinel.
	FormatOpenAI Format = "openai"
	// FormatSSE is any SSE stream: every event with data is a chunk, timed
	// but not interpreted.
	FormatSSE Format = "sse"
)

// Formats lists the formats in the order the docs give them.
var Formats = []Format{FormatOpenAI, FormatSSE}

// Token sources: where a request's token counts came from.
const (
	SourceUsage  = "usage"  // the server's usage object
	SourceChunks = "chunks" // no usage: each chunk carrying output counts one token
)

// Error is a failure of the stream itself (class `stream` in the results):
// an in-band error, a malformed chunk, a stream that ended early. A read
// error of the connection is returned as it is instead.
type Error struct{ Msg string }

func (e *Error) Error() string { return "stream: " + e.Msg }

// maxErrText bounds the server's error text quoted in a message.
const maxErrText = 200

// Meter measures one streamed response at a time; Reset readies it for the
// next. It keeps one entry per chunk that carries output, reused across
// requests, so a sender's meter stops allocating once warm.
type Meter struct {
	format Format
	parser *Parser
	buf    []byte

	start    time.Time
	chunks   []chunkAt // chunks that carried output, in arrival order (at most MaxTimedChunks)
	untimed  int       // output chunks past MaxTimedChunks
	lastAt   time.Time // the last output chunk's arrival
	events   int
	done     bool
	usage    bool  // a usage object with completion_tokens was seen
	outUsage int64 // the last usage's completion_tokens
	inUsage  int64 // the last usage's prompt_tokens, -1 when none gave it
	failed   error

	json fastjson.Parser // reused: it keeps its buffers across chunks
}

// chunkAt is one chunk that carried output: when it arrived and, when the
// chunk had a usage object (vLLM's continuous_usage_stats), the cumulative
// completion tokens it reported (-1 otherwise).
type chunkAt struct {
	at  time.Time
	cum int64
}

// chunk is what the meter reads from an OpenAI-compatible chunk.
type chunk struct {
	errText                     []byte // the error member, when there is one and it is not null
	output                      bool   // some choice carries output
	hasPrompt, hasCompletion    bool
	promptTokens, completionTok int64
}

// errNotChunk is a JSON value that is not an OpenAI chunk's shape: a member
// the meter reads has the wrong type.
var errNotChunk = errors.New("not a chunk")

// parseChunk parses data, one event's, with p and reads it (decodeChunk).
func parseChunk(p *fastjson.Parser, data []byte) (chunk, error) {
	// fastjson's parser is lenient (it takes 1.2.3 or nan for a number), and
	// so is its validator (a raw control byte in a string): encoding/json's
	// validator is strict JSON, and does not allocate.
	if !json.Valid(data) {
		return chunk{}, errNotChunk
	}
	v, err := p.ParseBytes(data)
	if err != nil {
		return chunk{}, err
	}
	return decodeChunk(v)
}

// decodeChunk reads from v the members the meter needs, in any order,
// ignoring the rest: error; choices[].text and choices[].delta.{content,
// reasoning, reasoning_content, tool_calls}; usage.{prompt_tokens,
// completion_tokens}. Member names match exactly (as the OpenAI API spells
// them), a null member is an absent one, and a member of another type than
// those makes the chunk malformed. It parses with fastjson, without
// reflection: at thousands of chunks a second this is most of the meter's
// work.
func decodeChunk(v *fastjson.Value) (chunk, error) {
	var c chunk
	switch v.Type() {
	case fastjson.TypeNull:
		return c, nil
	case fastjson.TypeObject:
	default:
		return c, errNotChunk
	}
	if e := v.Get("error"); e != nil && e.Type() != fastjson.TypeNull {
		c.errText = e.MarshalTo(nil)
		return c, nil
	}
	if ch := v.Get("choices"); ch != nil && ch.Type() != fastjson.TypeNull {
		choices, err := ch.Array()
		if err != nil {
			return c, errNotChunk
		}
		for _, choice := range choices {
			out, err := choiceOutput(choice)
			if err != nil {
				return c, err
			}
			c.output = c.output || out
		}
	}
	if u := v.Get("usage"); u != nil && u.Type() != fastjson.TypeNull {
		if u.Type() != fastjson.TypeObject {
			return c, errNotChunk
		}
		var err error
		if c.promptTokens, c.hasPrompt, err = tokenCount(u.Get("prompt_tokens")); err != nil {
			return c, err
		}
		if c.completionTok, c.hasCompletion, err = tokenCount(u.Get("completion_tokens")); err != nil {
			return c, err
		}
	}
	return c, nil
}

// choiceOutput says whether a choice carries output: text, reasoning or a
// tool call. A role-only opening chunk, a finish chunk with an empty delta
// and a usage chunk carry none.
func choiceOutput(choice *fastjson.Value) (bool, error) {
	switch choice.Type() {
	case fastjson.TypeNull:
		return false, nil
	case fastjson.TypeObject:
	default:
		return false, errNotChunk
	}
	out, err := nonEmptyString(choice.Get("text"))
	if out || err != nil {
		return out, err
	}
	d := choice.Get("delta")
	if d == nil || d.Type() == fastjson.TypeNull {
		return false, nil
	}
	if d.Type() != fastjson.TypeObject {
		return false, errNotChunk
	}
	for _, name := range [...]string{"content", "reasoning", "reasoning_content"} {
		if out, err := nonEmptyString(d.Get(name)); out || err != nil {
			return out, err
		}
	}
	switch t := d.Get("tool_calls"); {
	case t == nil || t.Type() == fastjson.TypeNull:
		return false, nil
	case t.Type() == fastjson.TypeArray:
		a, _ := t.Array()
		return len(a) > 0, nil
	default:
		return true, nil
	}
}

func nonEmptyString(v *fastjson.Value) (bool, error) {
	if v == nil || v.Type() == fastjson.TypeNull {
		return false, nil
	}
	if v.Type() != fastjson.TypeString {
		return false, errNotChunk
	}
	b, _ := v.StringBytes()
	return len(b) > 0, nil
}

// tokenCount is a usage count: an integer (no fraction or exponent), or
// absent when nil or null.
func tokenCount(v *fastjson.Value) (int64, bool, error) {
	if v == nil || v.Type() == fastjson.TypeNull {
		return 0, false, nil
	}
	if v.Type() != fastjson.TypeNumber {
		return 0, false, errNotChunk
	}
	n, err := strconv.ParseInt(string(v.MarshalTo(nil)), 10, 64)
	if err != nil {
		return 0, false, errNotChunk
	}
	return n, true, nil
}

// NewMeter returns a meter for format.
func NewMeter(format Format) *Meter {
	m := &Meter{format: format, buf: make([]byte, 16<<10)}
	m.parser = NewParser(m.event)
	return m
}

// Reset starts a new request sent at start.
func (m *Meter) Reset(start time.Time) {
	m.parser.Reset()
	m.start = start
	m.chunks, m.untimed = m.chunks[:0], 0
	m.events = 0
	m.done, m.usage, m.failed = false, false, nil
	m.outUsage, m.inUsage = 0, -1
}

// Read reads body to its end, timing each read with now as it returns: the
// first byte of a chunk is its time. It returns the bytes read and the
// first error: a read error as it is, a stream failure as an *Error (the
// rest of the body is still read, so the connection can be reused).
func (m *Meter) Read(body io.Reader, now func() time.Time) (int64, error) {
	var n int64
	for {
		k, err := body.Read(m.buf)
		if k > 0 {
			n += int64(k)
			m.Feed(m.buf[:k], now())
		}
		if err == io.EOF {
			return n, m.Finish()
		}
		if err != nil {
			return n, err
		}
	}
}

// Feed parses p, which arrived at at; Finish ends the stream. They are
// Read's parts, for callers that read the body themselves.
func (m *Meter) Feed(p []byte, at time.Time) {
	if m.failed == nil && !m.done {
		m.failed = m.parser.Feed(p, at)
	}
}

// Finish ends the stream and returns its failure, if any.
func (m *Meter) Finish() error {
	switch {
	case m.failed != nil:
		if se, ok := m.failed.(*Error); ok {
			return se
		}
		return &Error{Msg: m.failed.Error()}
	case m.format == FormatOpenAI && !m.done:
		if m.events == 0 {
			return &Error{Msg: "the response is no event stream (no data: event before it ended)"}
		}
		return &Error{Msg: "the stream ended without data: [DONE]"}
	}
	return nil
}

func (m *Meter) event(e Event) error {
	if m.done {
		return nil // what follows [DONE] in the same read is not the response's
	}
	if e.Name == "error" {
		return &Error{Msg: "the server sent an error event: " + clip(e.Data)}
	}
	if e.Name != "" && e.Name != "message" {
		return nil // an out-of-band event: not part of the output
	}
	if bytes.Equal(bytes.TrimSpace(e.Data), []byte("[DONE]")) {
		m.done = true
		return nil
	}
	m.events++
	if m.format == FormatSSE {
		m.add(chunkAt{at: e.At, cum: -1})
		return nil
	}
	c, err := parseChunk(&m.json, e.Data)
	if err != nil {
		return &Error{Msg: fmt.Sprintf("event %d is not a JSON chunk: %s", m.events, clip(e.Data))}
	}
	if len(c.errText) > 0 {
		return &Error{Msg: "the server sent an error object: " + clip(c.errText)}
	}
	cum := int64(-1)
	if c.hasCompletion {
		m.usage, m.outUsage, cum = true, c.completionTok, c.completionTok
	}
	if c.hasPrompt {
		m.inUsage = c.promptTokens
	}
	if c.output {
		m.add(chunkAt{at: e.At, cum: cum})
	}
	return nil
}

// MaxTimedChunks bounds the output chunks of one response whose times are
// kept for the gaps: past it, chunks still count (tokens, TPOT's last
// chunk) but add no gap, so a server that never stops cannot grow a
// request's memory without bound.
const MaxTimedChunks = 1 << 18

// add records an output chunk.
func (m *Meter) add(c chunkAt) {
	m.lastAt = c.at
	if len(m.chunks) < MaxTimedChunks {
		m.chunks = append(m.chunks, c)
		return
	}
	m.untimed++
}

// clip is b as text, cut to maxErrText bytes.
func clip(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > maxErrText {
		return string(b[:maxErrText]) + "…"
	}
	return string(b)
}

// Stats is what one request's stream measured.
type Stats struct {
	// TTFT is from the request's start to the first chunk carrying output;
	// HasOutput is false when no chunk did (TTFT and TPOT are then unknown).
	TTFT      time.Duration
	HasOutput bool
	// TPOT is (last output chunk − first output chunk) / (output tokens − 1);
	// HasTPOT is false with fewer than two output tokens.
	TPOT    time.Duration
	HasTPOT bool
	// OutputTokens is usage.completion_tokens, or the chunks that carried
	// output when the server sent no usage (Source says which).
	OutputTokens int64
	// InputTokens is usage.prompt_tokens, -1 when unknown.
	InputTokens int64
	Source      string
	// Chunks is the number of chunks that carried output.
	Chunks int
}

// Stats returns the request's measurements; gap is called once per gap
// between consecutive output chunks with the raw gap and the per-token
// inter-token latency (the gap divided by the tokens the later chunk
// carried). The tokens a chunk carried come from the cumulative counts of
// vLLM's continuous_usage_stats when every output chunk had one; otherwise
// the output tokens after the first are spread evenly over the later chunks.
// A chunk that carried no new token (by the counts) has its gap joined to
// the next one's for the per-token value, and perToken < 0 for itself.
func (m *Meter) Stats(gap func(raw, perToken time.Duration)) Stats {
	total := len(m.chunks) + m.untimed
	s := Stats{InputTokens: m.inUsage, Chunks: total, Source: SourceChunks, OutputTokens: int64(total)}
	if m.usage {
		s.Source, s.OutputTokens = SourceUsage, m.outUsage
	}
	if len(m.chunks) == 0 {
		return s
	}
	first, last := m.chunks[0].at, m.lastAt
	s.TTFT, s.HasOutput = first.Sub(m.start), true
	if s.OutputTokens >= 2 {
		s.TPOT, s.HasTPOT = last.Sub(first)/time.Duration(s.OutputTokens-1), true
	}
	if gap == nil || len(m.chunks) < 2 {
		return s
	}
	perChunk := true
	for _, c := range m.chunks {
		if c.cum < 0 {
			perChunk = false
			break
		}
	}
	even := 1.0
	if !perChunk && s.OutputTokens > 1 {
		even = float64(s.OutputTokens-1) / float64(total-1)
	}
	var pending time.Duration
	for i := 1; i < len(m.chunks); i++ {
		raw := m.chunks[i].at.Sub(m.chunks[i-1].at)
		tokens := even
		if perChunk {
			tokens = float64(m.chunks[i].cum - m.chunks[i-1].cum)
		}
		if tokens <= 0 {
			pending += raw
			gap(raw, -1)
			continue
		}
		gap(raw, time.Duration(float64(raw+pending)/tokens))
		pending = 0
	}
	return s
}
