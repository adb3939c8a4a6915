//go:build cgo

package sampler

import (
	"errors"
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// errNVMLMissing is the start error when libnvidia-ml.so.1 cannot be loaded.
var errNVMLMissing = errors.New("NVML not available (libnvidia-ml.so.1 not found): is the NVIDIA driver installed?")

// initError explains a failed nvml.Init in plain words. It compares Return
// values, never strings: nvml.ErrorString's text depends on whether the
// library loaded, and no NVML function may be called after a failed Init.
func initError(ret nvml.Return) error {
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return errNVMLMissing
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return errors.New("NVML could not start: the NVIDIA kernel driver is not loaded (does nvidia-smi work?)")
	case nvml.ERROR_NO_PERMISSION:
		return errors.New("NVML could not start: no permission to open the GPU devices (/dev/nvidia*)")
	case nvml.ERROR_FUNCTION_NOT_FOUND:
		return errors.New("NVML could not start: the installed NVIDIA driver is too old for this harness")
	}
	return fmt.Errorf("NVML could not start: %s", returnText(ret))
}

// returnText names an NVML return code without calling into the library.
func returnText(ret nvml.Return) string {
	switch ret {
	case nvml.SUCCESS:
		return "success"
	case nvml.ERROR_UNINITIALIZED:
		return "NVML not initialized"
	case nvml.ERROR_INVALID_ARGUMENT:
		return "invalid argument"
	case nvml.ERROR_NOT_SUPPORTED:
		return "not supported on this GPU"
	case nvml.ERROR_NO_PERMISSION:
		return "no permission"
	case nvml.ERROR_NOT_FOUND:
		return "not found"
	case nvml.ERROR_INSUFFICIENT_POWER:
		return "a power cable is not connected properly"
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return "NVIDIA driver not loaded"
	case nvml.ERROR_TIMEOUT:
		return "timed out"
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return "libnvidia-ml.so.1 not found"
	case nvml.ERROR_FUNCTION_NOT_FOUND:
		return "function not in this driver's NVML"
	case nvml.ERROR_GPU_IS_LOST:
		return "the GPU has fallen off the bus or is otherwise inaccessible"
	case nvml.ERROR_RESET_REQUIRED:
		return "the GPU needs a reset"
	case nvml.ERROR_GPU_NOT_FOUND:
		return "GPU not found"
	case nvml.ERROR_UNKNOWN:
		return "unknown NVML error"
	}
	return fmt.Sprintf("NVML error %d", int32(ret))
}

// absent reports return codes that mean "this GPU has no such value":
// recorded as missing, never as 0 and never as an error.
func absent(ret nvml.Return) bool {
	return ret == nvml.ERROR_NOT_SUPPORTED || ret == nvml.ERROR_FUNCTION_NOT_FOUND
}
