package dsl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the scenario function table. baseDir resolves file()/filebase64();
// getenv looks up environment variables (ok=false when unset).
//
// The table is what a Terraform user expects: go-cty's stdlib under
// Terraform's names, hcl's try/can, and a few functions of our own for
// request bodies (file, filebase64, jpeg, png, env) and conditions
// (duration). It is built fresh for each call because file() and env()
// close over their arguments; the image cache behind jpeg/png is shared.
// A nil getenv means no variable is set, which keeps tests hermetic.
func Functions(baseDir string, getenv func(string) (string, bool)) map[string]function.Function {
	if getenv == nil {
		getenv = func(string) (string, bool) { return "", false }
	}
	fns := map[string]function.Function{
		"file":       fileFunc(baseDir, false),
		"filebase64": fileFunc(baseDir, true),
		"env":        envFunc(getenv),
		"duration":   durationFunc,
		"jpeg":       imageFunc(imageJPEG),
		"png":        imageFunc(imagePNG),
		"words":      wordsFunc,
		"rgb":        imageFunc(imageRGB),

		"base64encode": base64EncodeFunc,
		"base64decode": base64DecodeFunc,
		"alltrue":      allTrueFunc,
		"anytrue":      anyTrueFunc,
		"length":       lengthFunc,
		"sum":          sumFunc,
		"coalesce":     coalesceFunc,
		"replace":      replaceFunc,
		"startswith":   startsWithFunc,
		"endswith":     endsWithFunc,
		"strcontains":  strContainsFunc,

		"try": tryfunc.TryFunc,
		"can": tryfunc.CanFunc,

		"tostring": stdlib.MakeToFunc(cty.String),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	}
	for name, fn := range stdlibFunctions {
		fns[name] = fn
	}
	return fns
}

// stdlibFunctions are go-cty's stdlib functions under the names Terraform
// gives them. Note that Terraform's reverse is the list one; strrev reverses
// a string.
var stdlibFunctions = map[string]function.Function{
	// numbers
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
	"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
	"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
	"int": stdlib.IntFunc,
	// strings
	"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
	"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "split": stdlib.SplitFunc,
	"strlen": stdlib.StrlenFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
	"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
	"trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc, "upper": stdlib.UpperFunc,
	// collections
	"chunklist":    stdlib.ChunklistFunc,
	"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
	"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
	"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc,
	"lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc, "range": stdlib.RangeFunc,
	"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
	"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
	"setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc, "sort": stdlib.SortFunc,
	"values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
	// encoding
	"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
	"jsonencode": stdlib.JSONEncodeFunc,
	// time
	"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
}

// fileFunc reads a file relative to baseDir: as UTF-8 text for file(), or
// base64-encoded for filebase64() since HCL strings cannot hold raw bytes.
func fileFunc(baseDir string, asBase64 bool) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a file relative to the scenario file.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := readScenarioFile(baseDir, args[0].AsString(), "file read by file() or filebase64()")
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			if asBase64 {
				return cty.StringVal(base64.StdEncoding.EncodeToString(data)), nil
			}
			if !utf8.Valid(data) {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0,
					"%s is not valid UTF-8 text; use filebase64(%q) and body_base64 for binary content",
					args[0].AsString(), args[0].AsString())
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

// readScenarioFile reads path (relative to baseDir unless absolute) as
// readInput does: a regular file of at most MaxFileSize bytes. what names
// the file in errors.
func readScenarioFile(baseDir, path, what string) ([]byte, error) {
	resolved := path
	if !filepath.IsAbs(path) {
		resolved = filepath.Join(baseDir, path)
	}
	data, err := readInput(resolved, what, MaxFileSize)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("no file %q (resolved to %s)", path, resolved)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, err)
	}
	return data, nil
}

// envFunc is env(name[, default]): an unset variable without a default is an
// error, so a missing secret fails validation instead of sending "".
func envFunc(getenv func(string) (string, bool)) function.Function {
	return function.New(&function.Spec{
		Description: "Returns an environment variable, or the default when it is unset.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam:    &function.Parameter{Name: "default", Type: cty.String},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(2,
					"env takes a name and at most one default")
			}
			name := args[0].AsString()
			if v, ok := getenv(name); ok {
				return cty.StringVal(v), nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0,
				"environment variable %s is not set; set it, or give a default: env(%q, \"…\")", name, name)
		},
	})
}

// durationFunc is duration(s): a Go duration string as milliseconds, the unit
// conditions use for latency.
var durationFunc = function.New(&function.Spec{
	Description: `Converts a duration string such as "500ms" or "2s" to milliseconds.`,
	Params:      []function.Parameter{{Name: "duration", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s := args[0].AsString()
		d, err := parseDuration(s)
		if errors.Is(err, errDurationRange) {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0,
				"duration %q is out of range: the longest is %s (about 292 years)", s, time.Duration(math.MaxInt64))
		}
		if err != nil {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0,
				"invalid duration %q: use a number with a unit, such as \"500ms\", \"2s\" or \"1m30s\"", s)
		}
		if d%time.Millisecond == 0 {
			return cty.NumberIntVal(int64(d / time.Millisecond)), nil
		}
		return cty.NumberFloatVal(float64(d) / float64(time.Millisecond)), nil
	},
})

var base64EncodeFunc = function.New(&function.Spec{
	Description: "Encodes a string as standard base64 (of its UTF-8 bytes).",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes standard base64 into a UTF-8 string.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		data, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "invalid base64: %v", err)
		}
		if !utf8.Valid(data) {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0,
				"the decoded bytes are not valid UTF-8 text; send binary data with body_base64 instead")
		}
		return cty.StringVal(string(data)), nil
	},
})

// stringPredicate builds startswith/endswith/strcontains from a strings func.
func stringPredicate(desc string, pred func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(pred(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate("Whether str starts with sub.", strings.HasPrefix)
	endsWithFunc    = stringPredicate("Whether str ends with sub.", strings.HasSuffix)
	strContainsFunc = stringPredicate("Whether str contains sub.", strings.Contains)
)

// lengthFunc is Terraform's length: characters of a string, elements of a
// list, set, tuple or map, attributes of an object. go-cty's LengthFunc
// takes only collections, and HCL's `{a = 1}` is an object.
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of characters of a string or elements of a collection.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String, ty == cty.DynamicPseudoType, ty.IsCollectionType(),
			ty.IsTupleType(), ty.IsObjectType():
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0,
			"length needs a string, list, set, map, tuple or object, not %s", ty.FriendlyName())
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		ty := v.Type()
		switch {
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(len(ty.TupleElementTypes()))), nil
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		case !v.IsKnown():
			return cty.UnknownVal(cty.Number), nil
		case ty == cty.String:
			return stdlib.Strlen(v)
		}
		return v.Length(), nil
	},
})

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression ("/[0-9]+/"), anything else is replaced literally.
var replaceFunc = function.New(&function.Spec{
	Description: "Replaces each occurrence of substr (a regexp when written /like this/) in str.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		sub := args[1].AsString()
		if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
			v, err := stdlib.RegexReplace(args[0], cty.StringVal(sub[1:len(sub)-1]), args[2])
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(1, err)
			}
			return v, nil
		}
		return stdlib.Replace(args[0], args[1], args[2])
	},
})

// boolListFunc builds alltrue/anytrue: empty is `empty`, a known element equal
// to `stop` decides at once, and an unknown element otherwise makes the
// result unknown (never a silent pass for missing data).
func boolListFunc(desc string, stop, empty bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			unknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				switch {
				case !v.IsKnown():
					unknown = true
				case v.IsNull():
					return cty.UnknownVal(cty.Bool), function.NewArgErrorf(0, "the list holds a null")
				case v.True() == stop:
					return cty.BoolVal(stop), nil
				}
			}
			if unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(empty), nil
		},
	})
}

var (
	allTrueFunc = boolListFunc("Whether every element of the list is true (true when empty).", false, true)
	anyTrueFunc = boolListFunc("Whether any element of the list is true (false when empty).", true, false)
)

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string. go-cty's skips only nulls, so `coalesce(var.x,
// "default")` with x = "" would give "".
var coalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is neither null nor an empty string.",
	VarParam:    stdlib.CoalesceFunc.VarParam(),
	Type:        stdlib.CoalesceFunc.ReturnTypeForValues,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		kept := make([]cty.Value, 0, len(args))
		for _, v := range args {
			if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && v.AsString() == "" {
				continue
			}
			kept = append(kept, v)
		}
		v, err := stdlib.Coalesce(kept...)
		if err != nil {
			return cty.UnknownVal(retType), errors.New("no non-null, non-empty-string arguments")
		}
		// Without the skipped arguments the unified type may be narrower
		// (coalesce("", 1) is 1 alone); the result must have retType.
		return convert.Convert(v, retType)
	},
})

// sumFunc is Terraform's sum over a list of numbers, handy in conditions over
// `gpus` (sum([for g in gpus : g.power_w.mean])). An unknown element makes the
// sum unknown: a GPU with no samples must not drop out of a total silently.
var sumFunc = function.New(&function.Spec{
	Description: "Returns the total of a list of numbers.",
	Params:      []function.Parameter{{Name: "list", Type: cty.List(cty.Number)}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if args[0].LengthInt() == 0 {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "cannot sum an empty list")
		}
		total := cty.Zero
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			switch {
			case !v.IsKnown():
				return cty.UnknownVal(cty.Number), nil
			case v.IsNull():
				return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "the list holds a null")
			}
			total = total.Add(v)
		}
		return total, nil
	},
})
