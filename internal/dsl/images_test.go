package dsl

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	_ "image/jpeg" // image.Decode of jpeg() output
	_ "image/png"  // image.Decode of png() output
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// callImage calls jpeg() or png() through go-cty and decodes the base64.
func callImage(t *testing.T, kind imageKind, args ...cty.Value) []byte {
	t.Helper()
	v, err := imageFunc(kind).Call(args)
	if err != nil {
		t.Fatalf("%s(%v): %v", kind, args, err)
	}
	data, err := base64.StdEncoding.DecodeString(v.AsString())
	if err != nil {
		t.Fatalf("%s(%v) is not std base64: %v", kind, args, err)
	}
	return data
}

func n(i int64) cty.Value { return cty.NumberIntVal(i) }

func TestImageDecodesToRequestedSize(t *testing.T) {
	tests := []struct {
		kind     imageKind
		w, h     int64
		wantType string
	}{
		{imageJPEG, 352, 352, "jpeg"},
		{imageJPEG, 64, 17, "jpeg"},
		{imagePNG, 40, 30, "png"},
		{imagePNG, 1, 1, "png"},
	}
	for _, tt := range tests {
		data := callImage(t, tt.kind, n(tt.w), n(tt.h))
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s(%d, %d): decode: %v", tt.kind, tt.w, tt.h, err)
		}
		if format != tt.wantType {
			t.Errorf("%s(%d, %d): format %q, want %q", tt.kind, tt.w, tt.h, format, tt.wantType)
		}
		if b := img.Bounds(); int64(b.Dx()) != tt.w || int64(b.Dy()) != tt.h {
			t.Errorf("%s(%d, %d): decoded size %dx%d", tt.kind, tt.w, tt.h, b.Dx(), b.Dy())
		}
	}
}

// TestJPEG352Size pins the realistic payload size docs/scenario-language.md promises (~40 KB).
func TestJPEG352Size(t *testing.T) {
	for _, seed := range []int64{0, 1, 42} {
		data := callImage(t, imageJPEG, n(352), n(352), n(seed))
		t.Logf("jpeg(352, 352, %d) = %d bytes", seed, len(data))
		if len(data) < 10_000 || len(data) > 60_000 {
			t.Errorf("jpeg(352, 352, %d) is %d bytes, want 10 KB..60 KB", seed, len(data))
		}
	}
}

func TestImageDeterministicPerSeed(t *testing.T) {
	a := callImage(t, imageJPEG, n(96), n(64), n(7))
	// Bypass the cache so this really re-encodes.
	img := synthImage(96, 64, 7)
	b := synthImage(96, 64, 7)
	if !bytes.Equal(img.Pix, b.Pix) {
		t.Error("synthImage(96, 64, 7) differs between two calls")
	}
	if again := callImage(t, imageJPEG, n(96), n(64), n(7)); !bytes.Equal(a, again) {
		t.Error("jpeg(96, 64, 7) differs between two calls")
	}
	if other := callImage(t, imageJPEG, n(96), n(64), n(8)); bytes.Equal(a, other) {
		t.Error("jpeg(96, 64, 7) and jpeg(96, 64, 8) are identical")
	}
	if dflt, zero := callImage(t, imagePNG, n(20), n(20)), callImage(t, imagePNG, n(20), n(20), n(0)); !bytes.Equal(dflt, zero) {
		t.Error("png(20, 20) differs from png(20, 20, 0): the default seed is 0")
	}
}

// TestImageNotFlat checks the picture has both detail and large-scale
// structure: luma variance over the whole image and between quadrants.
func TestImageNotFlat(t *testing.T) {
	for _, seed := range []uint64{0, 1, 2, 3} {
		img := synthImage(128, 128, seed)
		var sum, sumSq float64
		var quad [4]float64
		for y := range 128 {
			for x := range 128 {
				c := img.RGBAAt(x, y)
				l := 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B)
				sum += l
				sumSq += l * l
				quad[(y/64)*2+x/64] += l / (64 * 64)
			}
		}
		mean := sum / (128 * 128)
		variance := sumSq/(128*128) - mean*mean
		spread := max(quad[0], quad[1], quad[2], quad[3]) - min(quad[0], quad[1], quad[2], quad[3])
		if variance < 100 {
			t.Errorf("seed %d: luma variance %.1f, want > 100 (not a flat colour)", seed, variance)
		}
		if spread < 5 {
			t.Errorf("seed %d: quadrant means differ by %.1f, want > 5 (gradients/shapes)", seed, spread)
		}
	}
}

func TestImageCacheEncodesOnce(t *testing.T) {
	k := imageKey{imagePNG, 33, 21, 99}
	before := imageCache.encodes
	first, err := encodedImage(k)
	if err != nil {
		t.Fatal(err)
	}
	second, err := encodedImage(k)
	if err != nil {
		t.Fatal(err)
	}
	if got := imageCache.encodes - before; got != 1 {
		t.Errorf("two calls for %v encoded %d times, want 1", k, got)
	}
	if first != second {
		t.Error("cached image differs from the first")
	}
}

func TestImageArgErrors(t *testing.T) {
	tests := []struct {
		args    []cty.Value
		wantArg int
		want    string
	}{
		{[]cty.Value{n(0), n(10)}, 0, "width must be between 1 and 8192, not 0"},
		{[]cty.Value{n(10), n(8193)}, 1, "height must be between 1 and 8192, not 8193"},
		{[]cty.Value{cty.NumberFloatVal(10.5), n(10)}, 0, "width must be a whole number"},
		{[]cty.Value{n(10), n(10), cty.NumberFloatVal(0.5)}, 2, "seed must be a whole number"},
		{[]cty.Value{n(10), n(10), n(1), n(2)}, 3, "at most one seed"},
		{[]cty.Value{cty.StringVal("wide"), n(10)}, 0, "number required"},
	}
	for _, tt := range tests {
		_, err := imageFunc(imageJPEG).Call(tt.args)
		var argErr function.ArgError
		if !errors.As(err, &argErr) || argErr.Index != tt.wantArg || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("jpeg(%#v): error %v, want an error on argument %d containing %q", tt.args, err, tt.wantArg, tt.want)
		}
	}
}
