package sim

import (
	"bytes"
	"testing"
)

// BenchmarkPreprocess measures the real CPU cost of one request's
// preprocessing: JSON, base64 and JPEG decoding of a 352x352 image, the
// bilinear resize to 224x224 and the quality score.
func BenchmarkPreprocess(b *testing.B) {
	body := jpegBody(b, 352, 352)
	for b.Loop() {
		img, err := decodeImage(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		qualityScore(preprocess(img, 224))
	}
}
