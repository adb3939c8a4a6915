package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// llmModel is the model name the LLM endpoints serve.
const llmModel = "sim-llama-8b"

// defaultMaxTokens is max_tokens when a request sets none.
const defaultMaxTokens = 128

// maxMaxTokens bounds max_tokens, as a model's context length would.
const maxMaxTokens = 8192

// llmRequest is the part of an OpenAI chat or completions request the
// simulator reads.
type llmRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Prompt              json.RawMessage `json:"prompt"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage         bool `json:"include_usage"`
		ContinuousUsageStats bool `json:"continuous_usage_stats"`
	} `json:"stream_options"`
}

// promptTokens stands in for a tokenizer: about four tokens per three
// words of English, plus four per chat message for its role markers.
func (r *llmRequest) promptTokens() int {
	words := 0
	count := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			words += len(strings.Fields(s))
			return
		}
		var parts []json.RawMessage // a prompt list or content parts
		if json.Unmarshal(raw, &parts) == nil {
			for _, p := range parts {
				var part struct {
					Text string `json:"text"`
				}
				if json.Unmarshal(p, &s) == nil {
					words += len(strings.Fields(s))
				} else if json.Unmarshal(p, &part) == nil {
					words += len(strings.Fields(part.Text))
				}
			}
		}
	}
	for _, m := range r.Messages {
		count(m.Content)
	}
	count(r.Prompt)
	return max(1, (words*4+2)/3+4*len(r.Messages))
}

// outputWords are the tokens the simulated model writes, in turn.
var outputWords = strings.Fields(`The simulated model answers with plain words so that every token is
one chunk of text and the stream can be timed exactly by whoever reads it`)

var llmIDs atomic.Int64

func (s *Server) handleLLM(chat bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req llmRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
			writeOpenAIError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
			return
		}
		if chat && len(req.Messages) == 0 {
			writeOpenAIError(w, http.StatusBadRequest, "messages must not be empty")
			return
		}
		if !chat && len(req.Prompt) == 0 {
			writeOpenAIError(w, http.StatusBadRequest, "prompt is required")
			return
		}
		maxTokens := defaultMaxTokens
		for _, m := range []*int{req.MaxTokens, req.MaxCompletionTokens} {
			if m != nil {
				maxTokens = *m
			}
		}
		if maxTokens < 1 || maxTokens > maxMaxTokens {
			writeOpenAIError(w, http.StatusBadRequest, fmt.Sprintf("max_tokens must be between 1 and %d", maxMaxTokens))
			return
		}
		prompt := req.promptTokens()
		sq, err := s.llm.submit(time.Now(), prompt, maxTokens)
		switch {
		case errors.Is(err, errShutdown):
			// The server's state, not the request's: 503, as vLLM answers
			// while it stops.
			writeOpenAIError(w, http.StatusServiceUnavailable, err.Error())
			return
		case err != nil:
			writeOpenAIError(w, http.StatusBadRequest, fmt.Sprintf("%v (%d tokens)", err, prompt))
			return
		}
		c := llmCall{chat: chat, id: llmIDs.Add(1), created: time.Now().Unix(), prompt: prompt, maxTokens: maxTokens}
		if req.Stream {
			if o := req.StreamOptions; o != nil {
				c.usage, c.continuous = o.IncludeUsage, o.ContinuousUsageStats
			}
			s.streamLLM(w, r, sq, c)
			return
		}
		s.answerLLM(w, r, sq, c)
	}
}

// llmCall is one request's response shape.
type llmCall struct {
	chat              bool
	id, created       int64
	prompt, maxTokens int
	usage, continuous bool
}

func (c llmCall) idString() string {
	if c.chat {
		return "chatcmpl-sim" + strconv.FormatInt(c.id, 10)
	}
	return "cmpl-sim" + strconv.FormatInt(c.id, 10)
}

func (c llmCall) usageObj(completion int) map[string]int {
	return map[string]int{"prompt_tokens": c.prompt, "total_tokens": c.prompt + completion, "completion_tokens": completion}
}

// chunk is one streamed chunk: text (a delta or a completion's text),
// finish, usage (continuous usage stats) as vLLM sends them.
func (c llmCall) chunk(text string, role, finish bool, usage map[string]int) map[string]any {
	choice := map[string]any{"index": 0, "logprobs": nil, "finish_reason": nil}
	if finish {
		choice["finish_reason"] = "length"
	}
	if c.chat {
		delta := map[string]any{"content": text}
		if role {
			delta["role"] = "assistant"
		}
		choice["delta"] = delta
	} else {
		choice["text"] = text
	}
	obj := "text_completion"
	if c.chat {
		obj = "chat.completion.chunk"
	}
	return c.object(obj, choice, usage)
}

// object is a response or stream chunk of kind obj around its one choice;
// nil usage leaves the member out.
func (c llmCall) object(obj string, choice map[string]any, usage map[string]int) map[string]any {
	m := map[string]any{"id": c.idString(), "object": obj, "created": c.created, "model": llmModel, "choices": []any{choice}}
	if usage != nil {
		m["usage"] = usage
	}
	return m
}

// streamLLM writes the sequence's tokens as they come, one chunk each, then
// the finish chunk, the usage chunk when asked and [DONE]; a client that
// leaves frees its sequence.
func (s *Server) streamLLM(w http.ResponseWriter, r *http.Request, sq *seq, c llmCall) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	cont := func(n int) map[string]int { // continuous usage stats
		if c.continuous {
			return c.usageObj(n)
		}
		return nil
	}
	if c.chat && !send(c.chunk("", true, false, cont(0))) {
		s.llm.abort(sq)
		return
	}
	sent := 0
	for {
		select {
		case n, ok := <-sq.out:
			if !ok {
				if sent < c.maxTokens {
					send(map[string]any{"error": map[string]any{"object": "error", "message": "the server is shutting down", "type": "InternalServerError", "param": nil, "code": 500}})
				} else {
					send(c.chunk("", false, true, cont(sent)))
					if c.usage {
						u := c.chunk("", false, false, c.usageObj(sent))
						u["choices"] = []any{}
						send(u)
					}
				}
				_, _ = io.WriteString(w, "data: [DONE]\n\n")
				if fl != nil {
					fl.Flush()
				}
				return
			}
			for ; sent < n; sent++ {
				if !send(c.chunk(" "+outputWords[sent%len(outputWords)], false, false, cont(sent+1))) {
					s.llm.abort(sq)
					return
				}
			}
		case <-r.Context().Done():
			s.llm.abort(sq)
			return
		}
	}
}

// answerLLM waits for the whole sequence and answers in one JSON object.
func (s *Server) answerLLM(w http.ResponseWriter, r *http.Request, sq *seq, c llmCall) {
	n := 0
	for {
		select {
		case k, ok := <-sq.out:
			if ok {
				n = k
				continue
			}
			if n < c.maxTokens {
				writeOpenAIError(w, http.StatusServiceUnavailable, "the server is shutting down")
				return
			}
			words := make([]string, n)
			for i := range words {
				words[i] = outputWords[i%len(outputWords)]
			}
			text := strings.Join(words, " ")
			choice := map[string]any{"index": 0, "logprobs": nil, "finish_reason": "length"}
			obj := "text_completion"
			if c.chat {
				obj = "chat.completion"
				choice["message"] = map[string]any{"role": "assistant", "content": text}
			} else {
				choice["text"] = text
			}
			writeJSON(w, http.StatusOK, c.object(obj, choice, c.usageObj(n)))
			return
		case <-r.Context().Done():
			s.llm.abort(sq)
			return
		}
	}
}

// writeOpenAIError answers as vLLM does before a stream starts.
func writeOpenAIError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": http.StatusText(status), "param": nil, "code": status,
	}})
}

func (s *Server) handleModels(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": llmModel, "object": "model", "owned_by": "harness-sim"},
	}})
}
