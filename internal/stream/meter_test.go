package stream

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// feedAll feeds body in pieces of size n (all at once when n <= 0), each
// piece arriving 1 ms after the last, and returns the meter's error and stats.
func feedAll(format Format, body []byte, n int) (Stats, []time.Duration, error) {
	m := NewMeter(format)
	m.Reset(t0)
	at := t0
	if n <= 0 {
		n = len(body) + 1
	}
	for len(body) > 0 {
		k := min(n, len(body))
		at = at.Add(time.Millisecond)
		m.Feed(body[:k], at)
		body = body[k:]
	}
	err := m.Finish()
	var gaps []time.Duration
	s := m.Stats(func(raw, _ time.Duration) { gaps = append(gaps, raw) })
	return s, gaps, err
}

// TestMeterCaptures reads the real captured streams of testdata (see
// NOTES.md there), whole and split into reads of 1 and 7 bytes.
func TestMeterCaptures(t *testing.T) {
	tests := []struct {
		file    string
		err     string // substring of the stream error; "" for none
		chunks  int
		out, in int64
		source  string
	}{
		{"vllm-0.24.0_crusoe_llama-3.3-70b_chat_stream_include-usage.sse", "", 13, 14, 46, SourceUsage},
		{"openai_gpt-3.5-turbo_chat_stream_include-usage.sse", "", 13, 13, 14, SourceUsage},
		{"openai_babbage-002_completions_stream_include-usage.sse", "", 25, 25, 31, SourceUsage},
		{"tgi-3.0.1_hf-inference_llama-3.1-8b_chat_stream.sse", "", 20, 20, -1, SourceChunks},
		{"openrouter_minimax-m2_chat_stream_midstream-error_keepalive-comments.sse", "error object", 2, 2, -1, SourceChunks},
		{"groq_gpt-oss-120b_chat_stream_event-error.sse", "error event", 93, 93, -1, SourceChunks},
	}
	for _, tt := range tests {
		body, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 7} {
			t.Run(fmt.Sprintf("%s/%d", tt.file, n), func(t *testing.T) {
				s, gaps, err := feedAll(FormatOpenAI, body, n)
				switch {
				case tt.err == "" && err != nil:
					t.Fatalf("error %v, want none", err)
				case tt.err != "":
					var se *Error
					if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.err) {
						t.Fatalf("error %v, want a stream error with %q", err, tt.err)
					}
				}
				if s.Chunks != tt.chunks || s.OutputTokens != tt.out || s.InputTokens != tt.in || s.Source != tt.source {
					t.Errorf("chunks %d out %d in %d source %s, want %d %d %d %s",
						s.Chunks, s.OutputTokens, s.InputTokens, s.Source, tt.chunks, tt.out, tt.in, tt.source)
				}
				if len(gaps) != tt.chunks-1 {
					t.Errorf("%d gaps, want %d", len(gaps), tt.chunks-1)
				}
			})
		}
	}
}

// chunkJSON is an OpenAI chat chunk with content (and a cumulative usage
// when cum >= 0, as vLLM's continuous_usage_stats send).
func chunkJSON(content string, cum int) string {
	u := ""
	if cum >= 0 {
		u = fmt.Sprintf(`,"usage":{"prompt_tokens":9,"completion_tokens":%d,"total_tokens":%d}`, cum, cum+9)
	}
	return fmt.Sprintf(`data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]%s}`+"\n\n", content, u)
}

const (
	roleChunk  = `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n"
	finishOnly = `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n"
	usageChunk = `data: {"choices":[],"usage":{"prompt_tokens":9,"total_tokens":15,"completion_tokens":6}}` + "\n\n"
	done       = "data: [DONE]\n\n"
)

type timed struct {
	ms   int
	text string
}

// TestMeterTiming: a role chunk at once, the first token at 100 ms, then
// one token every 20 ms, one chunk with two tokens, comment lines between,
// and a usage chunk: TTFT, TPOT, per-token ITL and raw gaps as defined.
func TestMeterTiming(t *testing.T) {
	type want struct {
		ttft, tpot time.Duration
		raw, itl   []time.Duration
		out        int64
		source     string
	}
	ms := func(v ...float64) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x * float64(time.Millisecond))
		}
		return out
	}
	tests := []struct {
		name   string
		format Format
		events []timed
		want   want
	}{
		{
			name: "usage at the end: tokens spread evenly", format: FormatOpenAI,
			events: []timed{{0, roleChunk}, {100, ": ping\n\n"}, {100, chunkJSON("a", -1)}, {120, chunkJSON("b", -1)},
				{140, ": ping\n\n"}, {160, chunkJSON("c d", -1)}, {180, chunkJSON("e", -1)}, {180, finishOnly}, {181, usageChunk}, {181, done}},
			// 6 tokens over 4 chunks: (180-100)/(6-1) = 16 ms; gaps of 20, 40, 20 ms each carry 5/3 tokens.
			want: want{ttft: ms(100)[0], tpot: ms(16)[0], raw: ms(20, 40, 20), itl: ms(12, 24, 12), out: 6, source: SourceUsage},
		},
		{
			name: "continuous usage stats: per-chunk counts", format: FormatOpenAI,
			events: []timed{{0, roleChunk}, {100, chunkJSON("a", 1)}, {120, chunkJSON("b", 2)},
				{160, chunkJSON("c d", 4)}, {180, chunkJSON("e", 5)}, {181, usageChunk[:len(usageChunk)-2] + "\n\n"}, {181, done}},
			// usage chunk says 6 (a stop token): TPOT (180-100)/5 = 16; ITL from the counts: 20/1, 40/2, 20/1.
			want: want{ttft: ms(100)[0], tpot: ms(16)[0], raw: ms(20, 40, 20), itl: ms(20, 20, 20), out: 6, source: SourceUsage},
		},
		{
			name: "no usage: chunks counted", format: FormatOpenAI,
			events: []timed{{0, roleChunk}, {50, chunkJSON("a", -1)}, {70, chunkJSON("b", -1)}, {90, chunkJSON("c", -1)}, {95, done}},
			want:   want{ttft: ms(50)[0], tpot: ms(20)[0], raw: ms(20, 20), itl: ms(20, 20), out: 3, source: SourceChunks},
		},
		{
			name: "sse: every event a chunk", format: FormatSSE,
			events: []timed{{10, "data: x\n\n"}, {30, ": c\n\n"}, {40, "event: message\ndata: y\n\n"}, {70, "data: z\n\n"}},
			want:   want{ttft: ms(10)[0], tpot: ms(30)[0], raw: ms(30, 30), itl: ms(30, 30), out: 3, source: SourceChunks},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMeter(tt.format)
			m.Reset(t0)
			for _, e := range tt.events {
				m.Feed([]byte(e.text), t0.Add(time.Duration(e.ms)*time.Millisecond))
			}
			if err := m.Finish(); err != nil {
				t.Fatalf("Finish: %v", err)
			}
			var raw, itl []time.Duration
			s := m.Stats(func(r, p time.Duration) { raw, itl = append(raw, r), append(itl, p) })
			if !s.HasOutput || s.TTFT != tt.want.ttft {
				t.Errorf("ttft %v (%v), want %v", s.TTFT, s.HasOutput, tt.want.ttft)
			}
			if !s.HasTPOT || s.TPOT != tt.want.tpot {
				t.Errorf("tpot %v (%v), want %v", s.TPOT, s.HasTPOT, tt.want.tpot)
			}
			if s.OutputTokens != tt.want.out || s.Source != tt.want.source {
				t.Errorf("out %d source %s, want %d %s", s.OutputTokens, s.Source, tt.want.out, tt.want.source)
			}
			if fmt.Sprint(raw) != fmt.Sprint(tt.want.raw) {
				t.Errorf("raw gaps %v, want %v", raw, tt.want.raw)
			}
			for i := range itl {
				if i >= len(tt.want.itl) || (itl[i]-tt.want.itl[i]).Abs() > time.Microsecond {
					t.Errorf("itl %v, want %v", itl, tt.want.itl)
					break
				}
			}
		})
	}
}

func TestMeterFailures(t *testing.T) {
	tests := []struct {
		name, body string
		format     Format
		want       string // "" for no error
	}{
		{"no done", roleChunk + chunkJSON("a", -1), FormatOpenAI, "without data: [DONE]"},
		{"not an event stream", `{"choices":[{"message":{"content":"hi"}}]}`, FormatOpenAI, "no event stream"},
		{"error object", chunkJSON("a", -1) + `data: {"error": {"object": "error", "message": "boom", "code": 400}}` + "\n\n" + done, FormatOpenAI, "error object"},
		{"error event", "event: error\ndata: {\"error\":{}}\n\n", FormatOpenAI, "error event"},
		{"error event sse", "data: a\n\nevent: error\ndata: x\n\n", FormatSSE, "error event"},
		{"not json", "data: hello\n\n" + done, FormatOpenAI, "not a JSON chunk"},
		{"null error is none", `data: {"error":null,"choices":[{"delta":{"content":"a"}}]}` + "\n\n" + done, FormatOpenAI, ""},
		{"sse needs no done", "data: a\n\n", FormatSSE, ""},
		{"other named event ignored", "event: ping\ndata: {}\n\n" + chunkJSON("a", -1) + done, FormatOpenAI, ""},
		{"after done ignored", chunkJSON("a", -1) + done + "data: junk\n\n", FormatOpenAI, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMeter(tt.format)
			m.Reset(t0)
			_, err := m.Read(bytes.NewReader([]byte(tt.body)), time.Now)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err %v, want none", err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want a stream error with %q", err, tt.want)
			}
		})
	}
}

// A role-only chunk alone is no output: TTFT and TPOT are unknown.
func TestMeterRoleOnly(t *testing.T) {
	m := NewMeter(FormatOpenAI)
	m.Reset(t0)
	m.Feed([]byte(roleChunk+usageChunk+done), t0.Add(time.Second))
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	if s := m.Stats(nil); s.HasOutput || s.HasTPOT {
		t.Errorf("stats %+v: a role-only chunk counted as output", s)
	}
}

// A response of more output chunks than MaxTimedChunks keeps its memory
// bounded: every chunk counts, the gaps stop at the cap, TPOT still spans
// to the last chunk.
func TestMeterChunkCap(t *testing.T) {
	m := NewMeter(FormatSSE)
	m.Reset(t0)
	n := MaxTimedChunks + 1000
	for i := range n {
		m.Feed([]byte("data: x\n\n"), t0.Add(time.Duration(i+1)*time.Millisecond))
	}
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	gaps := 0
	s := m.Stats(func(time.Duration, time.Duration) { gaps++ })
	if s.Chunks != n || s.OutputTokens != int64(n) || gaps != MaxTimedChunks-1 || s.TPOT != time.Millisecond {
		t.Errorf("chunks %d tokens %d gaps %d tpot %v", s.Chunks, s.OutputTokens, gaps, s.TPOT)
	}
	if cap(m.chunks) > 2*MaxTimedChunks {
		t.Errorf("kept %d chunk times", cap(m.chunks))
	}
}

// TestMeterReuseAllocs: a warm meter measures the next request of an sse
// stream without allocating; Reset keeps the parser's buffers.
func TestMeterReuseAllocs(t *testing.T) {
	body := []byte(strings.Repeat("event: message\ndata: a chunk of text\ndata: its second line\n\n", 8))
	m := NewMeter(FormatSSE)
	request := func() {
		m.Reset(t0)
		m.Feed(body[:10], t0.Add(time.Millisecond))
		m.Feed(body[10:], t0.Add(2*time.Millisecond))
		if err := m.Finish(); err != nil {
			t.Fatal(err)
		}
	}
	request()
	if n := testing.AllocsPerRun(100, request); n != 0 {
		t.Errorf("a warm meter allocates %g times a request, want 0", n)
	}
}
