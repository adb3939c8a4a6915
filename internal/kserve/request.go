package kserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// HeaderLength is the header of Triton's binary-data extension that gives
// the length of the JSON header at the start of a binary body.
const HeaderLength = "Inference-Header-Content-Length"

// Tensor is one input or output tensor: its raw bytes are row-major,
// little-endian, BYTES elements each prefixed with a 4-byte length.
type Tensor struct {
	Name     string
	Datatype string
	Shape    []int64
	Raw      []byte
}

// Output is a requested output; Binary asks for it in the binary-data
// extension's form (REST only: gRPC always returns raw bytes).
type Output struct {
	Name   string
	Binary bool
}

// Request is one inference request.
type Request struct {
	Model   string
	Version string // "" lets the server choose
	Inputs  []Tensor
	Outputs []Output // empty: every output of the model
}

// InferPath is the REST path of the request's model:
// /v2/models/{m}[/versions/{v}]/infer.
func (r *Request) InferPath() string {
	p := "/v2/models/" + url.PathEscape(r.Model)
	if r.Version != "" {
		p += "/versions/" + url.PathEscape(r.Version)
	}
	return p + "/infer"
}

// Proto is the gRPC ModelInferRequest; tensor data goes in
// raw_input_contents, as Triton's own clients send it.
func (r *Request) Proto() *pb.ModelInferRequest {
	m := &pb.ModelInferRequest{ModelName: r.Model, ModelVersion: r.Version}
	for _, in := range r.Inputs {
		m.Inputs = append(m.Inputs, &pb.ModelInferRequest_InferInputTensor{
			Name: in.Name, Datatype: in.Datatype, Shape: in.Shape,
		})
		m.RawInputContents = append(m.RawInputContents, in.Raw)
	}
	for _, o := range r.Outputs {
		m.Outputs = append(m.Outputs, &pb.ModelInferRequest_InferRequestedOutputTensor{Name: o.Name})
	}
	return m
}

// The JSON forms of the REST request, in the protocol's field order.
type (
	jsonRequest struct {
		Inputs  []jsonInput  `json:"inputs"`
		Outputs []jsonOutput `json:"outputs,omitempty"`
	}
	jsonInput struct {
		Name       string          `json:"name"`
		Shape      []int64         `json:"shape"`
		Datatype   string          `json:"datatype"`
		Parameters *jsonParams     `json:"parameters,omitempty"`
		Data       json.RawMessage `json:"data,omitempty"`
	}
	jsonOutput struct {
		Name       string      `json:"name"`
		Parameters *jsonParams `json:"parameters,omitempty"`
	}
	jsonParams struct {
		BinaryDataSize *int  `json:"binary_data_size,omitempty"`
		BinaryData     *bool `json:"binary_data,omitempty"`
	}
)

func (r *Request) jsonHeader(binary bool) jsonRequest {
	var j jsonRequest
	for _, in := range r.Inputs {
		ji := jsonInput{Name: in.Name, Shape: shapeOrEmpty(in.Shape), Datatype: in.Datatype}
		if binary {
			n := len(in.Raw)
			ji.Parameters = &jsonParams{BinaryDataSize: &n}
		}
		j.Inputs = append(j.Inputs, ji)
	}
	for _, o := range r.Outputs {
		jo := jsonOutput{Name: o.Name}
		if o.Binary {
			t := true
			jo.Parameters = &jsonParams{BinaryData: &t}
		}
		j.Outputs = append(j.Outputs, jo)
	}
	return j
}

func shapeOrEmpty(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

// JSON is the REST body with every tensor's data as a JSON array.
func (r *Request) JSON() ([]byte, error) {
	j := r.jsonHeader(false)
	for i, in := range r.Inputs {
		d, err := appendJSONData(nil, in.Datatype, in.Raw)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", in.Name, err)
		}
		j.Inputs[i].Data = d
	}
	return json.Marshal(j)
}

// BinaryBody is the REST body of the binary-data extension: the JSON header,
// whose length goes in the Inference-Header-Content-Length header, then
// each input's raw bytes in order.
func (r *Request) BinaryBody() (body []byte, headerLen int, err error) {
	h, err := json.Marshal(r.jsonHeader(true))
	if err != nil {
		return nil, 0, err
	}
	n := len(h)
	for _, in := range r.Inputs {
		n += len(in.Raw)
	}
	body = make([]byte, 0, n)
	body = append(body, h...)
	for _, in := range r.Inputs {
		body = append(body, in.Raw...)
	}
	return body, len(h), nil
}

// ParseREST reads a REST request body; headerLen is the value of the
// Inference-Header-Content-Length header ("" for a JSON body). Every
// input's data is checked against its datatype and shape.
func ParseREST(body []byte, headerLen string) (*Request, error) {
	header, rest := body, []byte(nil)
	if headerLen != "" {
		n, err := strconv.Atoi(headerLen)
		if err != nil || n < 0 || n > len(body) {
			return nil, fmt.Errorf("%s %q does not fit a body of %d bytes", HeaderLength, headerLen, len(body))
		}
		header, rest = body[:n], body[n:]
	}
	var j struct {
		Inputs  []restTensor `json:"inputs"`
		Outputs []struct {
			Name       string         `json:"name"`
			Parameters map[string]any `json:"parameters"`
		} `json:"outputs"`
	}
	d := json.NewDecoder(bytes.NewReader(header))
	d.UseNumber()
	if err := d.Decode(&j); err != nil {
		return nil, fmt.Errorf("request JSON: %w", err)
	}
	if len(j.Inputs) == 0 {
		return nil, errors.New("request has no inputs")
	}
	r := &Request{}
	for _, in := range j.Inputs {
		t := Tensor{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape}
		var err error
		if t.Raw, rest, err = in.raw(rest, true); err != nil {
			return nil, fmt.Errorf("input %q: %w", in.Name, err)
		}
		if err := CheckRaw(t.Datatype, t.Shape, t.Raw); err != nil {
			return nil, fmt.Errorf("input %q: %w", in.Name, err)
		}
		r.Inputs = append(r.Inputs, t)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes follow the last binary input", len(rest))
	}
	for _, o := range j.Outputs {
		b, _ := o.Parameters["binary_data"].(bool)
		r.Outputs = append(r.Outputs, Output{Name: o.Name, Binary: b})
	}
	return r, nil
}

// restTensor is a tensor of a REST body as read: a request's input or a
// response's output.
type restTensor struct {
	Name       string          `json:"name"`
	Shape      []int64         `json:"shape"`
	Datatype   string          `json:"datatype"`
	Parameters map[string]any  `json:"parameters"`
	Data       json.RawMessage `json:"data"`
}

// raw is the tensor's data: its binary_data_size bytes cut from the front
// of rest (the binary part of the body left), or else its JSON data, which
// a request's input must have (needData) and a response's output may lack.
// It returns the binary part left after it.
func (t *restTensor) raw(rest []byte, needData bool) (raw, left []byte, err error) {
	if size, ok := t.Parameters["binary_data_size"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(size))
		if err != nil || n < 0 || n > len(rest) {
			return nil, nil, fmt.Errorf("binary_data_size %v does not fit the %d bytes left", size, len(rest))
		}
		return rest[:n], rest[n:], nil
	}
	if len(t.Data) == 0 && !needData {
		return nil, rest, nil
	}
	raw, err = decodeJSONData(t.Datatype, t.Data)
	return raw, rest, err
}

// decodeJSONData reads a JSON `data` array, flat or nested, into raw bytes.
func decodeJSONData(dt string, data json.RawMessage) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("no data and no binary_data_size")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	var nums []float64
	var strs []string
	var walk func(any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return err
			}
			nums = append(nums, f)
		case bool:
			f := 0.0
			if x {
				f = 1
			}
			nums = append(nums, f)
		case string:
			strs = append(strs, x)
		default:
			return fmt.Errorf("data holds %T", v)
		}
		return nil
	}
	if err := walk(v); err != nil {
		return nil, err
	}
	if dt == "BYTES" {
		if len(nums) > 0 {
			return nil, errors.New("BYTES data holds numbers")
		}
		return EncodeStrings(strs), nil
	}
	if len(strs) > 0 {
		return nil, fmt.Errorf("%s data holds strings", dt)
	}
	return EncodeNumbers(dt, nums)
}

// FromProto reads a gRPC request; every input's data must be in
// raw_input_contents, and is checked against its datatype and shape.
func FromProto(m *pb.ModelInferRequest) (*Request, error) {
	if len(m.GetInputs()) == 0 {
		return nil, errors.New("request has no inputs")
	}
	if len(m.GetRawInputContents()) != len(m.GetInputs()) {
		return nil, fmt.Errorf("%d inputs but %d raw_input_contents: send every input's data raw", len(m.GetInputs()), len(m.GetRawInputContents()))
	}
	r := &Request{Model: m.GetModelName(), Version: m.GetModelVersion()}
	for i, in := range m.GetInputs() {
		t := Tensor{Name: in.GetName(), Datatype: in.GetDatatype(), Shape: in.GetShape(), Raw: m.GetRawInputContents()[i]}
		if err := CheckRaw(t.Datatype, t.Shape, t.Raw); err != nil {
			return nil, fmt.Errorf("input %q: %w", t.Name, err)
		}
		r.Inputs = append(r.Inputs, t)
	}
	for _, o := range m.GetOutputs() {
		r.Outputs = append(r.Outputs, Output{Name: o.GetName()})
	}
	return r, nil
}
