package htmlreport

import (
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/result"
)

// TestSearchBracket: a file with a search marks its capacity and first
// failing level on the capacity charts instead of the knee.
func TestSearchBracket(t *testing.T) {
	in := loadInputs(t, fixtures[0])
	ff := 112.0
	in[0].File.Searches = []result.Search{{Name: "max_users", Unit: "users", Status: result.SearchFound, Capacity: 104, FirstFailing: &ff}}
	page := render(t, in)
	for _, want := range []string{"capacity 104 users", "first failing 112"} {
		if n := strings.Count(page, want); n != 2 { // throughput and p95 charts
			t.Errorf("%q appears %d times, want 2", want, n)
		}
	}
	if strings.Contains(page, "knee ≈") {
		t.Error("the knee is drawn beside the search's bracket")
	}
}
