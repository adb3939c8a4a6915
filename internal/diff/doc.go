// Package diff compares two harness results files step by step, metric by
// metric and assertion by assertion, and renders the comparison as text,
// Markdown or JSON. Files are read with result.ReadFile.
package diff
