package kserve

import (
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
