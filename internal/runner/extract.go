package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// extractor reads numeric fields of a JSON body by dot path ("a.b.0.c":
// object keys, and decimal indexes into arrays). It decodes the body once
// into `any` per response that has extracts; bodies larger than the kept cap
// are truncated and so miss.
type extractor struct {
	paths [][]string
}

func newExtractor(jsonPaths []string) *extractor {
	e := &extractor{}
	for _, p := range jsonPaths {
		e.paths = append(e.paths, strings.Split(p, "."))
	}
	return e
}

// extract fills out (len(out) == len(paths)) with each field's value, NaN
// for a miss. It never fails: a body that is not JSON misses every field.
// Numbers are kept as text until a path reaches one, so a number out of
// float64's range (1e400) is a miss of its own field only, and no value
// read is ever ±Inf.
func (e *extractor) extract(body []byte, out []float64) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || !atEOF(dec) {
		for i := range out {
			out[i] = math.NaN()
		}
		return
	}
	for i, p := range e.paths {
		out[i] = lookup(doc, p)
	}
}

// atEOF reports whether nothing but white space follows the decoded value,
// as json.Unmarshal requires.
func atEOF(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}

// lookup walks doc along path and returns the number found there, or NaN.
func lookup(doc any, path []string) float64 {
	cur := doc
	for _, key := range path {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[key]
			if !ok {
				return math.NaN()
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(v) {
				return math.NaN()
			}
			cur = v[i]
		default:
			return math.NaN()
		}
	}
	n, ok := cur.(json.Number)
	if !ok {
		return math.NaN()
	}
	// An underflow reads as 0 (with ErrRange), which is the value near
	// enough; an overflow reads as ±Inf, which is none.
	f, _ := strconv.ParseFloat(string(n), 64)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return math.NaN()
	}
	return f
}
