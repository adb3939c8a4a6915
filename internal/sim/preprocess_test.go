package sim

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestQualityScoreOrdersImages(t *testing.T) {
	flat := image.NewRGBA(image.Rect(0, 0, 224, 224))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	photo := preprocess(testImage(352, 352, 3), 224)
	if s := qualityScore(flat); s != 0 {
		t.Errorf("flat image scores %v, want 0", s)
	}
	s1, s2 := qualityScore(photo), qualityScore(preprocess(testImage(352, 352, 3), 224))
	if s1 <= 0.3 || s1 > 1 || s1 != s2 {
		t.Errorf("photo-like image scores %v then %v, want the same value in (0.3, 1]", s1, s2)
	}
	if b := photo.Bounds(); b.Dx() != 224 || b.Dy() != 224 {
		t.Errorf("resized to %v, want 224x224", b)
	}
}

func TestDecodeImageTakesPNG(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	img.Set(3, 3, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	body := `{"image":"` + base64.StdEncoding.EncodeToString(buf.Bytes()) + `"}`
	got, err := decodeImage(bytes.NewReader([]byte(body)))
	if err != nil || got.Bounds().Dx() != 40 {
		t.Fatalf("decodeImage(png) = %v, %v", got, err)
	}
}

// FuzzDecodeImage feeds arbitrary request bodies to the reader of user
// input: it must never panic, and anything it accepts must preprocess.
// Seeds are in testdata/fuzz/FuzzDecodeImage.
func FuzzDecodeImage(f *testing.F) {
	f.Add([]byte(`{"image":"aGVsbG8="}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		img, err := decodeImage(bytes.NewReader(body))
		if err != nil {
			return
		}
		if s := qualityScore(preprocess(img, 16)); s < 0 || s > 1 {
			t.Errorf("score %v outside [0, 1]", s)
		}
	})
}
