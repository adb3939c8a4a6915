package result

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// How numbers read in every report: the one home of the formatting rules,
// so an observed value, a table cell and an axis tick of the same number
// agree wherever they are shown.

// FormatNumber renders a value exactly enough to judge a condition by: at
// most three decimals and no trailing zeros from 1 up (612.4), six
// significant digits below 1 so that a success rate of 0.99995 is not
// shown as the 1 it fails to reach. Assertion messages, observed values and
// the console matrix use it.
func FormatNumber(f float64) string {
	if math.Abs(f) < 1 && f != 0 {
		return strconv.FormatFloat(f, 'g', 6, 64)
	}
	return trimZeros(strconv.FormatFloat(f, 'f', 3, 64))
}

// Unknown is how every output (console, live line, diff, HTML) shows a
// value that is unknown: no data behind it (JSON null in the results file).
const Unknown = "–"

// FormatValue renders an observed value (Assertion.Observed): a number by
// FormatNumber, a string quoted, nil (no data) as Unknown, a map or list
// (the whole status_codes map) as JSON, as the results file has it.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return Unknown
	case float64:
		return FormatNumber(x)
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// FormatRounded renders f rounded to decimals places in its shortest form
// (2.50 → "2.5", never "-0"): planned rates and axis ticks.
func FormatRounded(f float64, decimals int) string {
	if !(math.Abs(f) < 1e15) { // too large for decimals (or not finite): exponent form
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	p := math.Pow(10, float64(decimals))
	f = math.Round(f*p) / p
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// FormatMeasure renders a measurement for a comparison table with the
// precision its size warrants: three decimals below 1, two below 100, one
// below 1000, none above, without trailing zeros, so 0.5 ms and 612.4 ms
// both read naturally.
func FormatMeasure(f float64) string {
	a := math.Abs(f)
	prec := 0
	switch {
	case a < 1:
		prec = 3
	case a < 100:
		prec = 2
	case a < 1000:
		prec = 1
	}
	return trimZeros(strconv.FormatFloat(f, 'f', prec, 64))
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
