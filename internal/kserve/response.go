package kserve

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// Response is one inference response.
type Response struct {
	Model   string
	Version string
	Outputs []Tensor
}

type (
	jsonResponse struct {
		ModelName    string       `json:"model_name"`
		ModelVersion string       `json:"model_version,omitempty"`
		Outputs      []jsonTensor `json:"outputs"`
	}
	jsonTensor struct {
		Name       string          `json:"name"`
		Datatype   string          `json:"datatype"`
		Shape      []int64         `json:"shape"`
		Parameters *jsonParams     `json:"parameters,omitempty"`
		Data       json.RawMessage `json:"data,omitempty"`
	}
)

// REST is the REST response body. The outputs named in binary go in the
// binary-data extension's form, after the JSON header; headerLen is the
// header's length when any did, and 0 for an all-JSON body.
func (r *Response) REST(binary map[string]bool) (body []byte, headerLen int, err error) {
	j := jsonResponse{ModelName: r.Model, ModelVersion: r.Version}
	var tail []byte
	for _, o := range r.Outputs {
		jt := jsonTensor{Name: o.Name, Datatype: o.Datatype, Shape: shapeOrEmpty(o.Shape)}
		if binary[o.Name] {
			n := len(o.Raw)
			jt.Parameters = &jsonParams{BinaryDataSize: &n}
			tail = append(tail, o.Raw...)
		} else if jt.Data, err = appendJSONData(nil, o.Datatype, o.Raw); err != nil {
			return nil, 0, fmt.Errorf("output %q: %w", o.Name, err)
		}
		j.Outputs = append(j.Outputs, jt)
	}
	h, err := json.Marshal(j)
	if err != nil || tail == nil {
		return h, 0, err
	}
	return append(h, tail...), len(h), nil
}

// Proto is the gRPC response, its data in raw_output_contents.
func (r *Response) Proto() *pb.ModelInferResponse {
	m := &pb.ModelInferResponse{ModelName: r.Model, ModelVersion: r.Version}
	for _, o := range r.Outputs {
		m.Outputs = append(m.Outputs, &pb.ModelInferResponse_InferOutputTensor{Name: o.Name, Datatype: o.Datatype, Shape: o.Shape})
		m.RawOutputContents = append(m.RawOutputContents, o.Raw)
	}
	return m
}

// ResponseFromProto reads a gRPC response whose data is in
// raw_output_contents, as Triton sends it; an output without raw contents
// is kept with empty data.
func ResponseFromProto(m *pb.ModelInferResponse) *Response {
	r := &Response{Model: m.GetModelName(), Version: m.GetModelVersion()}
	raw := m.GetRawOutputContents()
	for i, o := range m.GetOutputs() {
		t := Tensor{Name: o.GetName(), Datatype: o.GetDatatype(), Shape: o.GetShape()}
		if i < len(raw) {
			t.Raw = raw[i]
		}
		r.Outputs = append(r.Outputs, t)
	}
	return r
}

// ParseRESTResponse reads a REST response body, JSON or with binary
// outputs after its JSON header (whose end is found by reading the header,
// so the Inference-Header-Content-Length header is not needed).
func ParseRESTResponse(body []byte) (*Response, error) {
	var j struct {
		ModelName    string       `json:"model_name"`
		ModelVersion string       `json:"model_version"`
		Outputs      []restTensor `json:"outputs"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&j); err != nil {
		return nil, fmt.Errorf("response JSON: %w", err)
	}
	rest := body[d.InputOffset():]
	r := &Response{Model: j.ModelName, Version: j.ModelVersion}
	for _, o := range j.Outputs {
		t := Tensor{Name: o.Name, Datatype: o.Datatype, Shape: o.Shape}
		var err error
		if t.Raw, rest, err = o.raw(rest, false); err != nil {
			return nil, fmt.Errorf("output %q: %w", o.Name, err)
		}
		r.Outputs = append(r.Outputs, t)
	}
	return r, nil
}

// ExtractJSON is the response as extraction reads it, whatever the
// protocol: the REST JSON form with every output's data decoded, plus
// "output", each output's first element by name (BOOL as 0 or 1; BYTES as
// a string; null for an empty output or one with no JSON form).
func (r *Response) ExtractJSON() []byte {
	var b []byte
	b = append(b, `{"model_name":`...)
	b = appendQuoted(b, r.Model)
	b = append(b, `,"model_version":`...)
	b = appendQuoted(b, r.Version)
	b = append(b, `,"outputs":[`...)
	hasJSON := make([]bool, len(r.Outputs))
	for i, o := range r.Outputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendQuoted(b, o.Name)
		b = append(b, `,"datatype":`...)
		b = appendQuoted(b, o.Datatype)
		sh, _ := json.Marshal(shapeOrEmpty(o.Shape))
		b = append(b, `,"shape":`...)
		b = append(b, sh...)
		if d, err := appendJSONData(append(b, `,"data":`...), o.Datatype, o.Raw); err == nil {
			b, hasJSON[i] = d, true
		}
		b = append(b, '}')
	}
	b = append(b, `],"output":{`...)
	for i, o := range r.Outputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, o.Name)
		b = append(b, ':')
		b = appendFirstElement(b, o, hasJSON[i])
	}
	return append(b, "}}"...)
}

func appendQuoted(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// appendFirstElement appends o's first element as JSON, or null; hasJSON
// says whether o's whole data has a JSON form.
func appendFirstElement(b []byte, o Tensor, hasJSON bool) []byte {
	size := sizes[o.Datatype]
	if size > 0 && len(o.Raw) >= size {
		if o.Datatype == "BOOL" {
			return append(b, '0'+o.Raw[0]&1)
		}
		n := len(b)
		if d, err := appendJSONData(b, o.Datatype, o.Raw[:size]); err == nil {
			return append(d[:n], d[n+1:len(d)-1]...) // without the array's brackets
		}
	}
	// A BYTES tensor's first element is given only when all its data is
	// whole (hasJSON): its length prefix then fits.
	if o.Datatype == "BYTES" && hasJSON && len(o.Raw) >= 4 {
		l := binary.LittleEndian.Uint32(o.Raw)
		return appendQuoted(b, string(o.Raw[4:4+l]))
	}
	return append(b, "null"...)
}
