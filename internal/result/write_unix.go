//go:build !windows

package result

import (
	"os"

	"github.com/google/renameio/v2"
)

// writeAtomic is renameio's WriteFile with perm exactly; renameio also
// syncs the directory after the rename.
func writeAtomic(path string, data []byte, perm os.FileMode) error {
	return renameio.WriteFile(path, data, perm, renameio.WithStaticPermissions(perm))
}
