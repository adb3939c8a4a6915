package dsl

import "github.com/hashicorp/hcl/v2"

// Block type names, reused in messages so that a rename cannot leave a
// message behind.
const (
	blockVariable = "variable"
	blockScenario = "scenario"
	blockLocals   = "locals"
	blockTarget   = "target"
	blockHealth   = "health"
	blockSampler  = "sampler"
	blockStep     = "step"
	blockAssert   = "assert"
	blockDynamic  = "dynamic"
)

// scenarioSchema is the top level of a scenario file, written by hand so
// that every block kind is dispatched in one switch (see decodeBody).
var scenarioSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockVariable, LabelNames: []string{"name"}},
		{Type: blockScenario},
		{Type: blockLocals},
		{Type: blockTarget, LabelNames: []string{"name"}},
		{Type: blockHealth, LabelNames: []string{"name"}},
		{Type: blockSampler, LabelNames: []string{"kind", "name"}},
		{Type: blockStep, LabelNames: []string{"name"}},
		{Type: blockAssert, LabelNames: []string{"name"}},
		{Type: blockSearch, LabelNames: []string{"name"}},
	},
}

// rawSchema is scenarioSchema plus the `dynamic` blocks that dynblock expands
// later: the first, unexpanded pass reads variables and locals with it.
var rawSchema = &hcl.BodySchema{
	Blocks: append(append([]hcl.BlockHeaderSchema{}, scenarioSchema.Blocks...),
		hcl.BlockHeaderSchema{Type: blockDynamic, LabelNames: []string{"type"}}),
}

// bodyContent is body.Content that never returns a nil content, so that no
// decoder has to guard against one, whatever dynblock or a broken file
// produced.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	if body == nil {
		return &hcl.BodyContent{}, nil
	}
	content, diags := body.Content(schema)
	if content == nil {
		content = &hcl.BodyContent{}
	}
	return content, diags
}
