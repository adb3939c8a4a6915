package result

// The one results-file reader: harness diff, harness report and the tests
// all decode through it, so a foreign or damaged file is refused with the
// same clear message everywhere.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// maxFileSize bounds what Decode reads: a results file of a long run with
// per-second series is a few MiB; anything far beyond is not one.
const maxFileSize = 256 << 20

// Decode reads one results file. It refuses, with an error that says why,
// input that is not JSON, JSON that is not an object, an object without the
// "schema" field (foreign JSON), another schema, trailing data after the
// object, steps without names or with duplicate names, and step histograms
// that do not decode. Unknown fields are accepted: later v1 writers may add
// fields (docs/results.md: changes are additive within a schema version).
func Decode(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("not a harness results file: larger than %d MiB", maxFileSize>>20)
	}
	if err := checkSchema(data); err != nil {
		return nil, err
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("malformed %s results file: %w", Schema, err)
	}
	if dec.More() {
		return nil, errors.New("malformed results file: data after the JSON object")
	}
	if err := validate(&f); err != nil {
		return nil, fmt.Errorf("malformed %s results file: %w", Schema, err)
	}
	return &f, nil
}

// ReadFile opens and decodes the results file at path; errors name the path.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// checkSchema looks only at the top-level shape and the schema field, so
// that foreign JSON is named as such instead of failing on some inner type.
func checkSchema(data []byte) error {
	if !json.Valid(data) {
		var syn *json.SyntaxError
		var v any
		if err := json.Unmarshal(data, &v); errors.As(err, &syn) {
			return fmt.Errorf("not a harness results file: invalid JSON at byte %d: %v", syn.Offset, err)
		}
		return errors.New("not a harness results file: invalid JSON")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return errors.New("not a harness results file: the top level is not a JSON object")
	}
	raw, ok := top["schema"]
	if !ok {
		return fmt.Errorf("not a harness results file: no \"schema\" field (want %q)", Schema)
	}
	var schema string
	if err := json.Unmarshal(raw, &schema); err != nil {
		return fmt.Errorf("not a harness results file: \"schema\" is not a string (want %q)", Schema)
	}
	if schema != Schema {
		return fmt.Errorf("unsupported results schema %q: this harness reads %q", schema, Schema)
	}
	return nil
}

// validate checks what the comparison relies on: named, unique steps and
// histograms that decode.
func validate(f *File) error {
	seen := make(map[string]bool, len(f.Steps))
	for i := range f.Steps {
		s := &f.Steps[i]
		if s.Name == "" {
			return fmt.Errorf("steps[%d] has no name", i)
		}
		if seen[s.Name] {
			return fmt.Errorf("step %q appears twice", s.Name)
		}
		seen[s.Name] = true
		if s.Histogram == "" {
			continue
		}
		if _, err := DecodeHistogram(s.Histogram); err != nil {
			return fmt.Errorf("step %q: histogram: %w", s.Name, err)
		}
	}
	for i, a := range f.Assertions {
		if a.Name == "" || a.Step == "" {
			return fmt.Errorf("assertions[%d] needs both a name and a step", i)
		}
	}
	return nil
}

// EncodeHistogram is h as a Step.Histogram: Encode's V2 compressed form,
// which is base64 text already, stored as is.
func EncodeHistogram(h *hdrhistogram.Histogram) (string, error) {
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	return string(enc), err
}

// DecodeHistogram decodes a Step.Histogram: hdrhistogram-go's V2 compressed base64 encoding.
// The library recovers from nothing, so a panic on hostile bytes is turned
// into an error here: the fuzz target feeds it arbitrary input.
func DecodeHistogram(s string) (h *hdrhistogram.Histogram, err error) {
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("undecodable histogram: %v", r)
		}
	}()
	return hdrhistogram.Decode([]byte(s))
}
