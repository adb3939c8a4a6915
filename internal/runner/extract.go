package runner

import (
	"encoding/json"
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
func (e *extractor) extract(body []byte, out []float64) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		for i := range out {
			out[i] = math.NaN()
		}
		return
	}
	for i, p := range e.paths {
		out[i] = lookup(doc, p)
	}
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
	if f, ok := cur.(float64); ok {
		return f
	}
	return math.NaN()
}
