package redact

import (
	"reflect"
	"strings"

	"github.com/harness-gpu/harness/internal/result"
)

// File redacts every string of f in place (reasons, warnings, errors,
// messages, observed values, map keys: every field, found by reflection so
// a field added later is covered too). Encoded histograms (every field
// whose JSON name ends in "histogram": a step's, its send latency's, each
// extract's) are left alone: they are data, and a coincidental match must
// not corrupt them.
func (r *Redactor) File(f *result.File) {
	if f == nil {
		return
	}
	r.walk(reflect.ValueOf(f).Elem())
}

// walk redacts the strings reachable from v, which must be settable where
// it holds a string.
func (r *Redactor) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(r.String(v.String()))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			r.walk(v.Elem())
		}
	case reflect.Interface:
		if !v.IsNil() && v.CanSet() {
			v.Set(r.copyOf(v.Elem()))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() && !isHistogram(sf) {
				r.walk(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			r.walk(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		type entry struct{ k, v reflect.Value }
		var entries []entry
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{r.copyOf(it.Key()), r.copyOf(it.Value())})
		}
		v.Clear()
		for _, e := range entries {
			v.SetMapIndex(e.k, e.v)
		}
	}
}

// copyOf returns a redacted, settable copy of v (map entries and interface
// contents cannot be changed in place).
func (r *Redactor) copyOf(v reflect.Value) reflect.Value {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	r.walk(c)
	return c
}

// isHistogram reports whether sf holds an encoded histogram.
func isHistogram(sf reflect.StructField) bool {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	return sf.Type.Kind() == reflect.String && strings.HasSuffix(name, "histogram")
}
