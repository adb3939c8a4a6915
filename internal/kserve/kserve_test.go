package kserve

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	"github.com/harness-gpu/harness/internal/golden"
)

// simple is Triton's docs/examples "simple" model request: two INT32
// [1,16] inputs, and a BYTES and an FP32 tensor for the other encodings.
func simple(t *testing.T) *Request {
	t.Helper()
	in0 := make([]float64, 16)
	in1 := make([]float64, 16)
	for i := range in0 {
		in0[i], in1[i] = float64(i), 1
	}
	raw0, err := EncodeNumbers("INT32", in0)
	if err != nil {
		t.Fatal(err)
	}
	raw1, _ := EncodeNumbers("INT32", in1)
	fp, _ := EncodeNumbers("FP32", []float64{0.5, -2})
	return &Request{
		Model: "simple", Version: "1",
		Inputs: []Tensor{
			{Name: "INPUT0", Datatype: "INT32", Shape: []int64{1, 16}, Raw: raw0},
			{Name: "INPUT1", Datatype: "INT32", Shape: []int64{1, 16}, Raw: raw1},
			{Name: "NAMES", Datatype: "BYTES", Shape: []int64{2}, Raw: EncodeStrings([]string{"a", "bé"})},
			{Name: "SCALE", Datatype: "FP32", Shape: []int64{1, 2}, Raw: fp},
		},
		Outputs: []Output{{Name: "OUTPUT0"}, {Name: "OUTPUT1", Binary: true}},
	}
}

func TestEncodingsGolden(t *testing.T) {
	r := simple(t)
	j, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/simple.json", append(j, '\n'))

	b, n, err := r.BinaryBody()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/simple.binary.hex", []byte(strconv.Itoa(n)+"\n"+hex.Dump(b)))

	p, err := proto.MarshalOptions{Deterministic: true}.Marshal(r.Proto())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/simple.pb.hex", []byte(hex.Dump(p)))

	if got := r.InferPath(); got != "/v2/models/simple/versions/1/infer" {
		t.Errorf("InferPath = %q", got)
	}
}

// Every encoding reads back to the same request.
func TestRoundTrip(t *testing.T) {
	want := simple(t)
	j, _ := want.JSON()
	b, n, _ := want.BinaryBody()
	fromJSON, err := ParseREST(j, "")
	if err != nil {
		t.Fatal(err)
	}
	fromBin, err := ParseREST(b, strconv.Itoa(n))
	if err != nil {
		t.Fatal(err)
	}
	fromPB, err := FromProto(want.Proto())
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*Request{"json": fromJSON, "binary": fromBin, "proto": fromPB} {
		if diff := cmp.Diff(want.Inputs, got.Inputs); diff != "" {
			t.Errorf("%s inputs (-want +got):\n%s", name, diff)
		}
	}
	if !fromBin.Outputs[1].Binary || fromBin.Outputs[0].Binary {
		t.Errorf("binary outputs = %+v", fromBin.Outputs)
	}
}

func TestParseRESTRefuses(t *testing.T) {
	tests := []struct{ name, body, hdr, want string }{
		{"short data", `{"inputs":[{"name":"X","shape":[1,3],"datatype":"INT32","data":[1,2]}]}`, "", "8 bytes of data, but shape [1 3] of INT32 needs 12"},
		{"nested ok but bad type", `{"inputs":[{"name":"X","shape":[2],"datatype":"UINT8","data":[[1],[300]]}]}`, "", "out of UINT8's range"},
		{"fraction", `{"inputs":[{"name":"X","shape":[1],"datatype":"INT64","data":[1.5]}]}`, "", "not a whole number"},
		{"no inputs", `{"inputs":[]}`, "", "no inputs"},
		{"header too long", `{}`, "9", "does not fit a body of 2 bytes"},
		{"binary size too big", `{"inputs":[{"name":"X","shape":[4],"datatype":"UINT8","parameters":{"binary_data_size":5}}]}abcd`, "auto", "binary_data_size 5 does not fit"},
		{"bytes left over", `{"inputs":[{"name":"X","shape":[2],"datatype":"UINT8","parameters":{"binary_data_size":2}}]}abcd`, "auto", "2 bytes follow"},
		{"unknown datatype", `{"inputs":[{"name":"X","shape":[1],"datatype":"FLOAT","data":[1]}]}`, "", "unknown datatype"},
		{"fp16 json", `{"inputs":[{"name":"X","shape":[1],"datatype":"FP16","data":[1]}]}`, "", "FP16 tensors take their raw bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tt.hdr
			if hdr == "auto" { // the JSON header is all but the 4 trailing bytes
				hdr = strconv.Itoa(len(tt.body) - 4)
			}
			_, err := ParseREST([]byte(tt.body), hdr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCheckRaw(t *testing.T) {
	tests := []struct {
		dt    string
		shape []int64
		raw   []byte
		ok    bool
	}{
		{"UINT8", []int64{1, 2, 2, 3}, make([]byte, 12), true},
		{"UINT8", []int64{1, 2, 2, 3}, make([]byte, 11), false},
		{"FP32", []int64{3}, make([]byte, 12), true},
		{"FP16", []int64{3}, make([]byte, 6), true},
		{"FP64", []int64{3}, make([]byte, 12), false},
		{"BYTES", []int64{2}, EncodeStrings([]string{"x", ""}), true},
		{"BYTES", []int64{3}, EncodeStrings([]string{"x", ""}), false},
		{"BYTES", []int64{1}, []byte{9, 0, 0, 0, 'a'}, false},
		{"BOOL", nil, []byte{1}, true},
	}
	for _, tt := range tests {
		err := CheckRaw(tt.dt, tt.shape, tt.raw)
		if (err == nil) != tt.ok {
			t.Errorf("CheckRaw(%s, %v, %d bytes) = %v, want ok=%v", tt.dt, tt.shape, len(tt.raw), err, tt.ok)
		}
	}
}

func TestResponseREST(t *testing.T) {
	fp, _ := EncodeNumbers("FP32", []float64{0.25})
	r := &Response{Model: "m", Version: "1", Outputs: []Tensor{{Name: "OUT", Datatype: "FP32", Shape: []int64{1, 1}, Raw: fp}}}
	body, n, err := r.REST(nil)
	if err != nil || n != 0 {
		t.Fatal(err, n)
	}
	if want := `{"model_name":"m","model_version":"1","outputs":[{"name":"OUT","datatype":"FP32","shape":[1,1],"data":[0.25]}]}`; string(body) != want {
		t.Errorf("JSON response = %s", body)
	}
	body, n, err = r.REST(map[string]bool{"OUT": true})
	if err != nil || n == 0 || !bytes.Equal(body[n:], fp) || !strings.Contains(string(body[:n]), `"binary_data_size":4`) {
		t.Errorf("binary response = %q, %d, %v", body, n, err)
	}
}

// A response reads back from its JSON and binary REST forms, and its
// extraction form names each output's first element.
func TestResponseExtractJSON(t *testing.T) {
	fp, _ := EncodeNumbers("FP32", []float64{0.25, 2})
	i64, _ := EncodeNumbers("INT64", []float64{-7})
	r := &Response{Model: "m", Version: "1", Outputs: []Tensor{
		{Name: "SCORE", Datatype: "FP32", Shape: []int64{1, 2}, Raw: fp},
		{Name: "FLAG", Datatype: "BOOL", Shape: []int64{1}, Raw: []byte{1}},
		{Name: "ID", Datatype: "INT64", Shape: []int64{1}, Raw: i64},
		{Name: "LABEL", Datatype: "BYTES", Shape: []int64{1}, Raw: EncodeStrings([]string{"face"})},
		{Name: "HALF", Datatype: "FP16", Shape: []int64{1}, Raw: []byte{0, 0x3c}},
	}}
	want := `{"model_name":"m","model_version":"1","outputs":[` +
		`{"name":"SCORE","datatype":"FP32","shape":[1,2],"data":[0.25,2]},` +
		`{"name":"FLAG","datatype":"BOOL","shape":[1],"data":[true]},` +
		`{"name":"ID","datatype":"INT64","shape":[1],"data":[-7]},` +
		`{"name":"LABEL","datatype":"BYTES","shape":[1],"data":["face"]},` +
		`{"name":"HALF","datatype":"FP16","shape":[1]}],` +
		`"output":{"SCORE":0.25,"FLAG":1,"ID":-7,"LABEL":"face","HALF":null}}`
	if got := string(r.ExtractJSON()); got != want {
		t.Errorf("ExtractJSON =\n%s\nwant\n%s", got, want)
	}
	// Over REST the FP16 output must come back binary; the rest either way.
	for _, binOut := range []map[string]bool{{"HALF": true}, {"HALF": true, "SCORE": true, "LABEL": true}} {
		body, _, err := r.REST(binOut)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseRESTResponse(body)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(back.ExtractJSON()); got != want {
			t.Errorf("binary %v: ExtractJSON =\n%s\nwant\n%s", binOut, got, want)
		}
	}
}

// A BYTES output whose data is cut inside an element has no JSON form, so
// extraction gives it no data and no first element, even when its first
// element is whole.
func TestResponseExtractJSONTruncatedBytes(t *testing.T) {
	raw := append(EncodeStrings([]string{"face"}), 9, 0, 0, 0, 'x')
	r := &Response{Model: "m", Outputs: []Tensor{{Name: "LABEL", Datatype: "BYTES", Shape: []int64{2}, Raw: raw}}}
	want := `{"model_name":"m","model_version":"","outputs":[{"name":"LABEL","datatype":"BYTES","shape":[2]}],"output":{"LABEL":null}}`
	if got := string(r.ExtractJSON()); got != want {
		t.Errorf("ExtractJSON =\n%s\nwant\n%s", got, want)
	}
}
