package diff

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as indented JSON for tools; lists are never
// null, unknown values are null.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
