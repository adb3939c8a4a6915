package result

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"number", FormatNumber, 612.4, "612.4"},
		{"number", FormatNumber, 80, "80"},
		{"number", FormatNumber, 0.99995, "0.99995"},
		{"number", FormatNumber, 0, "0"},
		{"number", FormatNumber, -1.25, "-1.25"},
		{"number", FormatNumber, 1234567.891, "1234567.891"},
		{"number", FormatNumber, 0.1 + 0.2, "0.3"},
		{"number", FormatNumber, -0.0001, "-0.0001"},
		{"rounded 2", func(f float64) string { return FormatRounded(f, 2) }, 33.333333, "33.33"},
		{"rounded 2", func(f float64) string { return FormatRounded(f, 2) }, 2.5, "2.5"},
		{"rounded 0", func(f float64) string { return FormatRounded(f, 0) }, -0.2, "0"},
		{"measure", FormatMeasure, 0.5, "0.5"},
		{"measure", FormatMeasure, 0.12345, "0.123"},
		{"measure", FormatMeasure, 61.237, "61.24"},
		{"measure", FormatMeasure, 612.44, "612.4"},
		{"measure", FormatMeasure, 1830.4, "1830"},
		{"measure", FormatMeasure, -0.0001, "0"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%s(%v) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
