package kserve

import (
	"strconv"
	"testing"
)

// FuzzParseREST: the simulator parses whatever a client sends; no body or
// header length may panic it, and what parses re-encodes and parses again
// to the same inputs.
func FuzzParseREST(f *testing.F) {
	r := &Request{Model: "m", Inputs: []Tensor{{Name: "X", Datatype: "INT16", Shape: []int64{2}, Raw: []byte{1, 0, 255, 255}}}}
	j, _ := r.JSON()
	b, n, _ := r.BinaryBody()
	f.Add(j, "")
	f.Add(b, strconv.Itoa(n))
	f.Add([]byte(`{"inputs":[{"name":"S","shape":[2],"datatype":"BYTES","data":["a",["b"]]}]}`), "")
	f.Fuzz(func(t *testing.T, body []byte, hdr string) {
		req, err := ParseREST(body, hdr)
		if err != nil {
			return
		}
		bin, n, err := req.BinaryBody()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseREST(bin, strconv.Itoa(n))
		if err != nil {
			t.Fatalf("re-encoded %q: %v", bin, err)
		}
		for i := range req.Inputs {
			if string(again.Inputs[i].Raw) != string(req.Inputs[i].Raw) {
				t.Fatalf("input %d changed", i)
			}
		}
		_, _ = ParseRESTResponse(body)
	})
}
