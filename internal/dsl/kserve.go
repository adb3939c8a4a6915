package dsl

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/kserve"
)

// KServe is a target's `kserve` block: a KServe v2 inference request, sent
// over gRPC (grpc:// and grpcs:// URLs) or REST (http:// and https://).
type KServe struct {
	kserve.Request
	// Binary: the REST request uses Triton's binary-data extension. It
	// does when an input gave its raw bytes (data_base64 or file) rather
	// than data, unless binary_data says otherwise.
	Binary    bool
	DeclRange hcl.Range
}

// GRPC reports whether a target URL selects gRPC.
func GRPC(u string) bool {
	return strings.HasPrefix(u, "grpc://") || strings.HasPrefix(u, "grpcs://")
}

var (
	kserveSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "model", Required: true}, {Name: "version"}, {Name: "binary_data"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "input", LabelNames: []string{"name"}},
			{Type: "output", LabelNames: []string{"name"}},
		},
	}
	kserveInputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "datatype", Required: true}, {Name: "shape", Required: true},
		{Name: "data"}, {Name: "data_base64"}, {Name: "file"},
	}}
	kserveOutputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "binary"}}}
)

// maxTensorDims bounds a shape's rank; Triton's own limit is far below.
const maxTensorDims = 16

// decodeKServeBlock reads `kserve { model, version, input "N" {…}, output "N" {…} }`.
func decodeKServeBlock(b *hcl.Block, ctx *hcl.EvalContext, baseDir string) (*KServe, hcl.Diagnostics) {
	k := &KServe{DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, kserveSchema)
	a := newAttrs(content.Attributes, ctx)
	if m, ok := a.str("model"); ok {
		k.Model = m
		if m == "" {
			a.errorf("model", "Empty model name", "model must name the model to infer with, as the server's model repository does.")
		}
	}
	k.Version, _ = a.str("version")
	inputs, outputs := newDefinitions("kserve input"), newDefinitions("kserve output")
	for _, blk := range content.Blocks {
		name := blk.Labels[0]
		seen := inputs
		if blk.Type == "output" {
			seen = outputs
		}
		if !seen.claim(name, labelRange(blk), &diags) {
			continue
		}
		if blk.Type == "input" {
			in, binary, d := decodeKServeInput(blk, ctx, baseDir)
			diags = append(diags, d...)
			k.Inputs = append(k.Inputs, in)
			k.Binary = k.Binary || binary
			continue
		}
		oc, d := bodyContent(blk.Body, kserveOutputSchema)
		oa := newAttrs(oc.Attributes, ctx)
		bin, _ := oa.boolean("binary")
		k.Outputs = append(k.Outputs, kserve.Output{Name: name, Binary: bin})
		diags = append(diags, d...)
		diags = append(diags, oa.diags...)
	}
	if bin, ok := a.boolean("binary_data"); ok {
		k.Binary = bin
	}
	if !k.Binary {
		for _, in := range k.Inputs {
			if in.Datatype == "FP16" || in.Datatype == "BF16" {
				a.errorf("binary_data", "No JSON form", "Input %q is %s, which the JSON form cannot carry; leave binary_data unset or true.", in.Name, in.Datatype)
			}
		}
	}
	if len(k.Inputs) == 0 {
		r := b.DefRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Missing input block",
			Detail:  "A kserve block needs at least one input \"NAME\" { datatype = …, shape = […], data = […] } block.",
			Subject: &r,
		})
	}
	return k, append(diags, a.diags...)
}

// decodeKServeInput reads one input tensor. Its data is checked against
// datatype and shape here, so a wrong tensor is a load-time diagnostic and
// not a run of 400s.
func decodeKServeInput(b *hcl.Block, ctx *hcl.EvalContext, baseDir string) (kserve.Tensor, bool, hcl.Diagnostics) {
	t := kserve.Tensor{Name: b.Labels[0]}
	content, diags := bodyContent(b.Body, kserveInputSchema)
	a := newAttrs(content.Attributes, ctx)
	dtOK := false
	if dt, ok := a.str("datatype"); ok {
		t.Datatype = dt
		dtOK = kserve.ValidDatatype(dt)
		if !dtOK {
			all := kserve.Datatypes()
			a.errorf("datatype", "Unknown datatype", "datatype = %q: use one of %s.%s", dt, strings.Join(all, ", "), suggestSuffix(dt, all))
		}
	}
	shapeOK := false
	if shape, ok := a.ints("shape"); ok {
		shapeOK = true
		if len(shape) > maxTensorDims {
			a.errorf("shape", "Too many dimensions", "shape has %d dimensions; at most %d are allowed.", len(shape), maxTensorDims)
			shapeOK = false
		}
		for _, d := range shape {
			if d < 0 || int64(d) > 1<<31 {
				a.errorf("shape", "Invalid dimension", "Every dimension of shape must be a size from 0 to 2^31; got %d (a request's shape is concrete: no -1).", d)
				shapeOK = false
				break
			}
		}
		for _, d := range shape {
			t.Shape = append(t.Shape, int64(d))
		}
	}
	var given []string
	for _, n := range []string{"data", "data_base64", "file"} {
		if a.has(n) {
			given = append(given, n)
		}
	}
	switch len(given) {
	case 0:
		r := b.DefRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Missing tensor data",
			Detail:  fmt.Sprintf("Input %q needs its data: data = [numbers or strings], data_base64 = filebase64(\"raw\") or file = \"raw\".", t.Name),
			Subject: &r,
		})
		return t, false, append(diags, a.diags...)
	case 1:
	default:
		a.errorf(given[1], "Conflicting arguments", "An input takes one of data, data_base64 or file; this one has %s.", strings.Join(given, " and "))
		return t, false, append(diags, a.diags...)
	}
	src := given[0]
	switch src {
	case "data":
		if dtOK {
			t.Raw = tensorData(a, t.Datatype)
		}
	case "data_base64":
		if s, ok := a.str("data_base64"); ok {
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				a.errorf("data_base64", "Invalid base64", "data_base64 is not valid base64 (%v); use filebase64(\"file\").", err)
			}
			t.Raw = raw
		}
	case "file":
		if p, ok := a.str("file"); ok {
			raw, err := readScenarioFile(baseDir, p, "kserve input file")
			if err != nil {
				a.errorf("file", "Cannot read tensor file", "%v.", err)
			}
			t.Raw = raw
		}
	}
	if dtOK && shapeOK && t.Raw != nil && !a.diags.HasErrors() {
		if err := kserve.CheckRaw(t.Datatype, t.Shape, t.Raw); err != nil {
			a.errorf(src, "Tensor does not match its shape", "Input %q: %v.", t.Name, err)
		}
	}
	return t, src != "data", append(diags, a.diags...)
}

// tensorData reads `data`: a list of numbers (true/false for BOOL) or, for
// BYTES, strings; nested lists are read row-major, as the JSON form allows.
func tensorData(a *attrs, dt string) []byte {
	v, ok := a.value("data", cty.DynamicPseudoType)
	if !ok {
		return nil
	}
	var nums []float64
	var strs []string
	var bad string
	var walk func(cty.Value)
	walk = func(v cty.Value) {
		switch {
		case bad != "":
		case v.IsNull():
			bad = "null"
		case v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType():
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				walk(e)
			}
		case v.Type() == cty.Number:
			f, _ := v.AsBigFloat().Float64() // out of range: EncodeNumbers says so
			nums = append(nums, f)
		case v.Type() == cty.Bool:
			f := 0.0
			if v.True() {
				f = 1
			}
			nums = append(nums, f)
		case v.Type() == cty.String:
			strs = append(strs, v.AsString())
		default:
			bad = v.Type().FriendlyName()
		}
	}
	walk(v)
	var raw []byte
	var err error
	switch {
	case bad != "":
		err = fmt.Errorf("data holds %s", bad)
	case !v.Type().IsListType() && !v.Type().IsTupleType() && !v.Type().IsSetType():
		err = fmt.Errorf("data must be a list, such as [1, 2, 3]")
	case dt == "BYTES" && len(nums) > 0:
		err = fmt.Errorf("BYTES data is a list of strings")
	case dt == "BYTES":
		raw = kserve.EncodeStrings(strs)
	case len(strs) > 0:
		err = fmt.Errorf("%s data is a list of numbers, not strings", dt)
	default:
		raw, err = kserve.EncodeNumbers(dt, nums)
	}
	if err != nil {
		a.errorf("data", "Invalid tensor data", "%v.", err)
		return nil
	}
	if raw == nil {
		raw = []byte{}
	}
	return raw
}

// extractOutput reads an extract's `output`, the other form of `json`: it
// reports whether the extract is one, having checked that it has exactly
// one of the two.
func extractOutput(a *attrs, ex *Extract, block hcl.Range) bool {
	switch {
	case a.has("json") && a.has("output"):
		a.errorf("output", "Conflicting arguments", "An extract reads json = \"a.b.0\" or a kserve output = \"NAME\", not both.")
		return true
	case !a.has("json") && !a.has("output"):
		a.required("json", "extract", block)
		return true
	case !a.has("output"):
		return false
	}
	if name, ok := a.str("output"); ok {
		ex.Output = name
		ex.JSONPath = "output." + name
		if name == "" || strings.Contains(name, ".") {
			a.errorf("output", "Invalid output name", "output = %q: give the name of a kserve output, without dots.", name)
		}
	}
	return true
}

// checkOutputExtracts reports an `output` extract on a target that has no
// kserve block, or that names an output the block does not request.
func checkOutputExtracts(t *Target) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, ex := range t.Extracts {
		if ex.Output == "" || strings.Contains(ex.Output, ".") {
			continue // none, or already reported
		}
		r := ex.DeclRange
		switch {
		case t.KServe == nil:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "output extract without kserve",
				Detail: "extract { output = … } reads a KServe output tensor; this target has no kserve block. Use json = \"a.b.0\".", Subject: &r})
		case len(t.KServe.Outputs) > 0 && !slices.ContainsFunc(t.KServe.Outputs, func(o kserve.Output) bool { return o.Name == ex.Output }):
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Output not requested",
				Detail: fmt.Sprintf("extract %q reads output %q, which the kserve block does not request; add output %q {} to it.", ex.Name, ex.Output, ex.Output), Subject: &r})
		}
	}
	return diags
}

// grpcCodes are the gRPC status code names, as the gRPC specification
// writes them.
var grpcCodes = []string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// grpcStatusList reads `grpc_status`: gRPC code names.
func grpcStatusList(a *attrs) []string {
	names, ok := a.strs("grpc_status")
	if !ok {
		return nil
	}
	for _, n := range names {
		if !slices.Contains(grpcCodes, n) {
			a.errorf("grpc_status", "Invalid gRPC status", "grpc_status %q is not a gRPC status code: use %s.%s", n, strings.Join(grpcCodes, ", "), suggestSuffix(n, grpcCodes))
			return nil
		}
	}
	return names
}

// checkKServeURL accepts what a kserve target may load: grpc:// or
// grpcs:// host:port with no path, or an http(s) base URL (the infer path
// is added to it).
func checkKServeURL(a *attrs, u string) {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		a.errorf("url", "Invalid URL", "url = %q must be an absolute grpc://, grpcs://, http:// or https:// URL.", u)
		return
	}
	switch p.Scheme {
	case "http", "https":
	case "grpc", "grpcs":
		if p.Path != "" && p.Path != "/" || p.RawQuery != "" {
			a.errorf("url", "Invalid gRPC URL", "url = %q: a gRPC URL is grpc://host:port, with no path or query.", u)
		}
		if p.Port() == "" {
			a.errorf("url", "Invalid gRPC URL", "url = %q needs a port, such as grpc://localhost:8001 (Triton's gRPC port).", u)
		}
	default:
		a.errorf("url", "Invalid URL", "url = %q must be an absolute grpc://, grpcs://, http:// or https:// URL.", u)
	}
}
