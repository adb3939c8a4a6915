// Package kserve encodes KServe v2 (Open Inference Protocol) inference
// requests, as Triton accepts them: the gRPC ModelInferRequest, the REST
// JSON body and the REST body of Triton's binary-data extension. Tensor data
// is held in one form, the raw row-major little-endian bytes that gRPC's
// raw_input_contents and the binary extension carry.
package kserve

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Datatypes are the tensor element types of the protocol, with their size
// in bytes; BYTES (0) has variable-size elements, each a 4-byte
// little-endian length followed by its bytes.
var sizes = map[string]int{
	"BOOL": 1, "UINT8": 1, "UINT16": 2, "UINT32": 4, "UINT64": 8,
	"INT8": 1, "INT16": 2, "INT32": 4, "INT64": 8,
	"FP16": 2, "BF16": 2, "FP32": 4, "FP64": 8, "BYTES": 0,
}

// Datatypes lists the datatype names, sorted.
func Datatypes() []string { return slices.Sorted(maps.Keys(sizes)) }

// ValidDatatype reports whether dt is one of the protocol's datatypes.
func ValidDatatype(dt string) bool { _, ok := sizes[dt]; return ok }

// Elements is the element count of shape (1 for a scalar shape []).
func Elements(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// CheckRaw checks that raw holds exactly the elements shape asks for, as
// datatype dt lays them out.
func CheckRaw(dt string, shape []int64, raw []byte) error {
	n := Elements(shape)
	size, ok := sizes[dt]
	if !ok {
		return fmt.Errorf("unknown datatype %q", dt)
	}
	if size > 0 {
		if want := n * int64(size); int64(len(raw)) != want {
			return fmt.Errorf("%d bytes of data, but shape %v of %s needs %d (%d elements × %d bytes)", len(raw), shape, dt, want, n, size)
		}
		return nil
	}
	got, err := countBytesElements(raw)
	if err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("%d BYTES elements in the data, but shape %v needs %d", got, shape, n)
	}
	return nil
}

// countBytesElements counts the length-prefixed elements of BYTES data.
func countBytesElements(raw []byte) (int64, error) {
	var n int64
	for len(raw) > 0 {
		if len(raw) < 4 {
			return n, fmt.Errorf("BYTES data ends inside an element's 4-byte length prefix")
		}
		l := binary.LittleEndian.Uint32(raw)
		raw = raw[4:]
		if uint64(l) > uint64(len(raw)) {
			return n, fmt.Errorf("BYTES element %d says it is %d bytes long but only %d remain", n, l, len(raw))
		}
		raw = raw[l:]
		n++
	}
	return n, nil
}

// EncodeNumbers lays numbers out as datatype dt's raw bytes. It refuses a
// value the type cannot hold (a fraction for an integer type, a value out of
// range, a BOOL other than 0 or 1) and the 16-bit float types, which have no
// number form here (give their raw bytes).
func EncodeNumbers(dt string, vals []float64) ([]byte, error) {
	size, ok := sizes[dt]
	switch {
	case !ok:
		return nil, fmt.Errorf("unknown datatype %q", dt)
	case dt == "BYTES":
		return nil, fmt.Errorf("BYTES data is a list of strings, not numbers")
	case dt == "FP16" || dt == "BF16":
		return nil, fmt.Errorf("%s tensors take their raw bytes (data_base64 or file), not numbers", dt)
	}
	out := make([]byte, 0, len(vals)*size)
	for i, v := range vals {
		var err error
		out, err = appendNumber(out, dt, v)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return out, nil
}

func appendNumber(out []byte, dt string, v float64) ([]byte, error) {
	le := binary.LittleEndian
	switch dt {
	case "FP32":
		if !math.IsInf(v, 0) && !math.IsNaN(v) && math.Abs(v) > math.MaxFloat32 {
			return nil, fmt.Errorf("%v is out of FP32's range", v)
		}
		return le.AppendUint32(out, math.Float32bits(float32(v))), nil
	case "FP64":
		return le.AppendUint64(out, math.Float64bits(v)), nil
	}
	if v != math.Trunc(v) {
		return nil, fmt.Errorf("%v is not a whole number, as %s needs", v, dt)
	}
	lo, hi := intRange(dt)
	if v < lo || v > hi {
		return nil, fmt.Errorf("%v is out of %s's range [%v, %v]", v, dt, lo, hi)
	}
	switch dt {
	case "BOOL", "UINT8":
		return append(out, byte(v)), nil
	case "INT8":
		return append(out, byte(int8(v))), nil
	case "UINT16":
		return le.AppendUint16(out, uint16(v)), nil
	case "INT16":
		return le.AppendUint16(out, uint16(int16(v))), nil
	case "UINT32":
		return le.AppendUint32(out, uint32(v)), nil
	case "INT32":
		return le.AppendUint32(out, uint32(int32(v))), nil
	case "UINT64":
		return le.AppendUint64(out, uint64(v)), nil
	default: // INT64
		return le.AppendUint64(out, uint64(int64(v))), nil
	}
}

// intRange is the range of an integer datatype that a float64 can hold
// exactly: the 64-bit types stop at 2^53.
func intRange(dt string) (lo, hi float64) {
	switch dt {
	case "BOOL":
		return 0, 1
	case "UINT8":
		return 0, math.MaxUint8
	case "INT8":
		return math.MinInt8, math.MaxInt8
	case "UINT16":
		return 0, math.MaxUint16
	case "INT16":
		return math.MinInt16, math.MaxInt16
	case "UINT32":
		return 0, math.MaxUint32
	case "INT32":
		return math.MinInt32, math.MaxInt32
	case "UINT64":
		return 0, 1 << 53
	default:
		return -(1 << 53), 1 << 53
	}
}

// EncodeStrings lays strings out as BYTES data.
func EncodeStrings(vals []string) []byte {
	n := 0
	for _, s := range vals {
		n += 4 + len(s)
	}
	out := make([]byte, 0, n)
	for _, s := range vals {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(s)))
		out = append(out, s...)
	}
	return out
}

// appendJSONData appends raw bytes as the JSON `data` array: numbers,
// true/false for BOOL, strings for BYTES. The 16-bit floats have no JSON
// form, nor do NaN and the infinities.
func appendJSONData(out []byte, dt string, raw []byte) ([]byte, error) {
	le := binary.LittleEndian
	out = append(out, '[')
	switch dt {
	case "BYTES":
		for i := 0; len(raw) >= 4; i++ {
			l := le.Uint32(raw)
			if uint64(l) > uint64(len(raw)-4) {
				return nil, fmt.Errorf("BYTES data is truncated")
			}
			if i > 0 {
				out = append(out, ',')
			}
			q, _ := json.Marshal(string(raw[4 : 4+l]))
			out = append(out, q...)
			raw = raw[4+l:]
		}
		return append(out, ']'), nil
	case "FP16", "BF16":
		return nil, fmt.Errorf("%s tensors have no JSON form; give their data as data_base64 to send them in binary", dt)
	}
	size := sizes[dt]
	if size == 0 || len(raw)%size != 0 {
		return nil, fmt.Errorf("%d bytes are not whole %s elements", len(raw), dt)
	}
	for i := 0; i < len(raw); i += size {
		if i > 0 {
			out = append(out, ',')
		}
		b := raw[i:]
		switch dt {
		case "BOOL":
			out = strconv.AppendBool(out, b[0] != 0)
		case "UINT8":
			out = strconv.AppendUint(out, uint64(b[0]), 10)
		case "INT8":
			out = strconv.AppendInt(out, int64(int8(b[0])), 10)
		case "UINT16":
			out = strconv.AppendUint(out, uint64(le.Uint16(b)), 10)
		case "INT16":
			out = strconv.AppendInt(out, int64(int16(le.Uint16(b))), 10)
		case "UINT32":
			out = strconv.AppendUint(out, uint64(le.Uint32(b)), 10)
		case "INT32":
			out = strconv.AppendInt(out, int64(int32(le.Uint32(b))), 10)
		case "UINT64":
			out = strconv.AppendUint(out, le.Uint64(b), 10)
		case "INT64":
			out = strconv.AppendInt(out, int64(le.Uint64(b)), 10)
		case "FP32", "FP64":
			var f float64
			bits := 64
			if dt == "FP32" {
				f, bits = float64(math.Float32frombits(le.Uint32(b))), 32
			} else {
				f = math.Float64frombits(le.Uint64(b))
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("%s element %d is %v, which JSON cannot carry", dt, i/size, f)
			}
			out = strconv.AppendFloat(out, f, 'g', -1, bits)
		}
	}
	return append(out, ']'), nil
}
