package diff

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseThreshold reads --threshold. The number is always a percentage, with
// or without the sign: "5%" and "5" both mean 5% (0.05), "0.5" means 0.5%.
// A bare fraction like "0.05" is therefore 0.05%, never 5%; one reading for
// every input avoids guessing. Negative, NaN or infinite values are refused.
func ParseThreshold(s string) (float64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("invalid threshold %q: want a percentage such as 5%% or 5", s)
	}
	return v / 100, nil
}

// FormatThreshold writes a relative threshold back as a percentage.
func FormatThreshold(t float64) string {
	return strconv.FormatFloat(t*100, 'f', -1, 64) + "%"
}
