package stream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// referenceChunk decodes a chunk with encoding/json into the shape the
// OpenAI API documents: the meaning decodeChunk must have. It differs from
// plain struct decoding in one place, on purpose: tool_calls is output when
// it is a non-empty array or any other non-null value ("[ ]" is empty).
func referenceChunk(data []byte) (chunk, bool) {
	var raw struct {
		Error   json.RawMessage `json:"error"`
		Choices []struct {
			Text  *string `json:"text"`
			Delta *struct {
				Content          *string         `json:"content"`
				Reasoning        *string         `json:"reasoning"`
				ReasoningContent *string         `json:"reasoning_content"`
				ToolCalls        json.RawMessage `json:"tool_calls"`
			} `json:"delta"`
		} `json:"choices"`
		Usage *struct {
			PromptTokens     *int64 `json:"prompt_tokens"`
			CompletionTokens *int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return chunk{}, false
	}
	var c chunk
	if e := bytes.TrimSpace(raw.Error); len(e) > 0 && string(e) != "null" {
		c.errText = e
		return c, true
	}
	nonEmpty := func(s *string) bool { return s != nil && *s != "" }
	for _, ch := range raw.Choices {
		out := nonEmpty(ch.Text)
		if d := ch.Delta; d != nil {
			out = out || nonEmpty(d.Content) || nonEmpty(d.Reasoning) || nonEmpty(d.ReasoningContent)
			if t := bytes.TrimSpace(d.ToolCalls); len(t) > 0 && string(t) != "null" {
				var a []json.RawMessage
				if json.Unmarshal(t, &a) != nil || len(a) > 0 {
					out = true
				}
			}
		}
		c.output = c.output || out
	}
	if u := raw.Usage; u != nil {
		if u.PromptTokens != nil {
			c.hasPrompt, c.promptTokens = true, *u.PromptTokens
		}
		if u.CompletionTokens != nil {
			c.hasCompletion, c.completionTok = true, *u.CompletionTokens
		}
	}
	return c, true
}

// decode is the meter's decoding of one event's data.
func decode(data []byte) (chunk, bool) {
	var p fastjson.Parser
	c, err := parseChunk(&p, data)
	return c, err == nil
}

// comparable says whether encoding/json and an exact reading agree on which
// members data has: no object repeats a key (encoding/json keeps the last,
// the meter the first) or spells a member the meter reads in another case
// (encoding/json matches keys case-insensitively; the API does not).
func comparable(data []byte) bool {
	v, err := fastjson.ParseBytes(data)
	if err != nil || !json.Valid(data) {
		return true // both must refuse it
	}
	names := []string{"error", "choices", "text", "delta", "content", "reasoning", "reasoning_content", "tool_calls", "usage", "prompt_tokens", "completion_tokens"}
	ok := true
	var walk func(v *fastjson.Value)
	walk = func(v *fastjson.Value) {
		switch v.Type() {
		case fastjson.TypeObject:
			o, _ := v.Object()
			seen := map[string]bool{}
			o.Visit(func(k []byte, x *fastjson.Value) {
				key := strings.ToLower(string(k))
				if seen[key] {
					ok = false
				}
				seen[key] = true
				for _, n := range names {
					if strings.EqualFold(string(k), n) && string(k) != n {
						ok = false
					}
				}
				walk(x)
			})
		case fastjson.TypeArray:
			a, _ := v.Array()
			for _, x := range a {
				walk(x)
			}
		}
	}
	walk(v)
	return ok
}

func sameChunk(t *testing.T, data []byte) {
	t.Helper()
	want, wantOK := referenceChunk(data)
	got, gotOK := decode(data)
	if wantOK != gotOK {
		t.Fatalf("%s: the meter accepts it %v, encoding/json %v", data, gotOK, wantOK)
	}
	if !wantOK {
		return
	}
	if (len(got.errText) > 0) != (len(want.errText) > 0) || got.output != want.output ||
		got.hasPrompt != want.hasPrompt || got.promptTokens != want.promptTokens ||
		got.hasCompletion != want.hasCompletion || got.completionTok != want.completionTok {
		t.Fatalf("%s:\nmeter     %+v\nreference %+v", data, got, want)
	}
}

var chunkCases = []string{
	`{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`,
	`{"choices":[{"delta":{"content":"a"}}]}`,
	`{"choices":[{"text":"a"}]}`,
	`{"choices":[{"text":""},{"delta":{"reasoning":"r"}}]}`,
	`{"choices":[{"delta":{"reasoning_content":"r"}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"id":"c"}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[ ]}}]}`,
	`{"choices":[{"delta":{"tool_calls":null}}]}`,
	`{"choices":[{"delta":{"tool_calls":{}}}]}`,
	`{"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":50,"total_tokens":58}}`,
	`{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":8,"completion_tokens":1}}`,
	`{"usage":{"prompt_tokens":null,"completion_tokens":-0}}`,
	`{"usage":null,"choices":null,"error":null}`,
	`{"error":{"message":"boom"}}`,
	`{"error":false}`,
	`null`,
	` {"choices":[{"delta":{"content":"\u0000"}}]} `,
	// malformed: both refuse
	`{"choices":{}}`,
	`{"choices":[1]}`,
	`{"choices":[{"text":5}]}`,
	`{"choices":[{"delta":"x"}]}`,
	`{"choices":[{"delta":{"content":true}}]}`,
	`{"usage":{"completion_tokens":1.5}}`,
	`{"usage":{"completion_tokens":1e3}}`,
	`{"usage":{"completion_tokens":"3"}}`,
	`{"usage":{"completion_tokens":99999999999999999999}}`,
	`{"usage":[]}`,
	`{"x":1.2.3}`,
	`{"x":nan}`,
	`{"x":01}`,
	`{"x":"\q"}`,
	"{\"\":\"\b\"}", // a raw control byte in a string (fastjson's validator takes it)
	"{\"choices\":[{\"text\":\"a\nb\"}]}",
	`[]`,
	`"a"`,
	`7`,
	`{"choices":[{"delta":{"content":"a"}}]} x`,
	`{`,
	``,
}

// TestDecodeChunkAgreesWithEncodingJSON holds the meter's reflection-free
// decoding to encoding/json's reading of the same chunks: the table above
// and every data line of the captured streams.
func TestDecodeChunkAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range chunkCases {
		sameChunk(t, []byte(c))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sse"))
	if len(files) == 0 {
		t.Fatal("no captured streams")
	}
	lines := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if d, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: ")); ok && string(d) != "[DONE]" {
				sameChunk(t, d)
				lines++
			}
		}
	}
	if lines < 100 {
		t.Fatalf("only %d data lines in the captures", lines)
	}
}

// FuzzDecodeChunk: the meter and encoding/json agree on every input whose
// members they read alike.
func FuzzDecodeChunk(f *testing.F) {
	for _, c := range chunkCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if comparable(data) {
			sameChunk(t, data)
		}
	})
}
