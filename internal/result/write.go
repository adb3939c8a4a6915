package result

// The one results-file writer, beside the reader (decode.go). What the
// system under test reports (a Prometheus gauge of +Inf, a sum that
// overflows, a response field of 1e308 squared) must never be able to stop
// the results from being written, so every non-finite number is made
// unknown before encoding and the encoder has no value left to refuse.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultPath is results/<scenario>-<UTC 20060102T150405Z>.json. The
// scenario name is made safe for a file name (path separators and spaces
// become '-').
func DefaultPath(scenarioName string, t time.Time) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == ' ' || r == ':' || r < 0x20:
			return '-'
		}
		return r
	}, scenarioName)
	if name == "" {
		name = "scenario"
	}
	return filepath.Join("results", name+"-"+t.UTC().Format("20060102T150405Z")+".json")
}

// Marshal encodes f as indented JSON with a final newline. It first calls
// MakeFinite on f, so the encoding cannot fail on a number: a non-finite
// value is written as null (unknown), and a number field that cannot be
// null is written as 0 with a warning in f.Warnings naming it.
func Marshal(f *File) ([]byte, error) {
	for _, p := range MakeFinite(f) {
		f.AddWarning("results: " + p + " was not a finite number; written as 0")
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding results: %w", err)
	}
	return append(data, '\n'), nil
}

// WriteFile writes f (Marshal) to path atomically (WriteFileAtomic), so a
// reader or a crash never sees half a file.
func WriteFile(path string, f *File) error {
	data, err := Marshal(f)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(path, data); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// WriteFileAtomic writes data to path atomically (a temporary file beside
// it, synced, then renamed over it: writeAtomic) with mode 0644, creating
// path's directory first. Every output harness writes (results, JUnit, HTML
// reports) goes through it.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, data, 0o644)
}

// ReplaceFile writes data to path atomically with mode perm exactly (not
// reduced by the umask), as harness fmt rewrites a scenario in place.
func ReplaceFile(path string, data []byte, perm os.FileMode) error {
	return writeAtomic(path, data, perm)
}

// MakeFinite replaces, in place, every NaN and ±Inf in f by unknown: a
// *float64 becomes nil (null), an entry of a map of numbers (Second.Samples)
// is removed, a number held in an interface (Assertion.Observed) becomes
// nil. A plain float64 field has no unknown; it becomes 0 and its path
// ("steps[0].requests.rps") is returned, sorted, so the caller can say so.
func MakeFinite(f *File) []string {
	var zeroed []string
	finiteWalk(reflect.ValueOf(f).Elem(), "", &zeroed)
	slices.Sort(zeroed)
	return zeroed
}

func nonFinite(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		return math.IsNaN(x) || math.IsInf(x, 0)
	}
	return false
}

func finiteWalk(v reflect.Value, path string, zeroed *[]string) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if nonFinite(v) && v.CanSet() {
			v.SetFloat(0)
			*zeroed = append(*zeroed, path)
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if nonFinite(v.Elem()) {
			if v.CanSet() {
				v.SetZero()
			}
			return
		}
		finiteWalk(v.Elem(), path, zeroed)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "" {
				name = sf.Name
			}
			finiteWalk(v.Field(i), joinPath(path, name, sf.Anonymous), zeroed)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			finiteWalk(v.Index(i), path+"["+strconv.Itoa(i)+"]", zeroed)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			switch {
			case nonFinite(e):
				v.SetMapIndex(k, reflect.Value{}) // absent: unknown
			case e.Kind() == reflect.Interface && !e.IsNil() && nonFinite(e.Elem()):
				v.SetMapIndex(k, reflect.Zero(e.Type()))
			default:
				// Map elements are not addressable: walk a copy and put it back.
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				finiteWalk(c, path+"["+strconv.Quote(fmt.Sprint(k.Interface()))+"]", zeroed)
				v.SetMapIndex(k, c)
			}
		}
	}
}

func joinPath(path, name string, embedded bool) string {
	switch {
	case embedded:
		return path
	case path == "":
		return name
	}
	return path + "." + name
}

// AddWarning adds w to f.Warnings unless it is there already.
func (f *File) AddWarning(w string) {
	if !slices.Contains(f.Warnings, w) {
		f.Warnings = append(f.Warnings, w)
	}
}
