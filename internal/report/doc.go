// Package report renders a run for a person and for CI: the live console,
// the end-of-run summary, the assertion matrix, JUnit and the plan table.
// The results file itself is written by package result, beside its reader.
package report
