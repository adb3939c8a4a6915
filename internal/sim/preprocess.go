package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the endpoint takes JPEG ...
	_ "image/png"  // ... and PNG
	"io"
	"math"

	"golang.org/x/image/draw"
)

// maxPixels bounds a decoded image (16 Mpx), so that a small malicious file
// cannot make the server allocate gigabytes.
const maxPixels = 16 << 20

// qualityRequest is the body of POST /api/ai-quality.
type qualityRequest struct {
	Image *string `json:"image"`
}

// decodeImage reads the JSON body and decodes its base64 image. Every error
// is the client's: the handler answers 400 with its text.
func decodeImage(body io.Reader) (image.Image, error) {
	dec := json.NewDecoder(body)
	var req qualityRequest
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %v", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON body: trailing data after the object")
	}
	if req.Image == nil {
		return nil, errors.New(`missing field "image" (a base64-encoded JPEG or PNG)`)
	}
	raw, err := base64.StdEncoding.DecodeString(*req.Image)
	if err != nil {
		return nil, fmt.Errorf(`field "image" is not valid base64: %v`, err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("cannot decode image: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("image of %dx%d pixels is out of range", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("cannot decode image: %v", err)
	}
	return img, nil
}

// preprocess resizes img to the model's size×size input, the CPU work the
// real backend does before calling Triton. It uses x/image/draw's
// ApproxBiLinear (bilinear sampling without the full kernel pass):
// draw.BiLinear costs about five times as much CPU, enough to make the
// load generator's own machine the bottleneck at 100 req/s on two cores.
func preprocess(img image.Image, size int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

// qualityScore derives a face-image-quality-like score in [0, 1] from the
// preprocessed pixels, deterministically: sharpness (mean absolute
// Laplacian of luminance) and contrast (its standard deviation), each mapped
// through a saturating curve. A flat image scores 0; a sharp, contrasty
// photograph approaches 1.
func qualityScore(img *image.RGBA) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 3 || h < 3 {
		return 0
	}
	lum := make([]float64, w*h)
	var sum, sumSq float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(b.Min.X+x, b.Min.Y+y)
			p := img.Pix[i : i+3 : i+3]
			v := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
			lum[y*w+x] = v
			sum += v
			sumSq += v * v
		}
	}
	n := float64(w * h)
	mean := sum / n
	std := math.Sqrt(max(0, sumSq/n-mean*mean))
	var lap float64
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			c := y*w + x
			lap += math.Abs(4*lum[c] - lum[c-1] - lum[c+1] - lum[c-w] - lum[c+w])
		}
	}
	lap /= float64((w - 2) * (h - 2))
	sharp := lap / (lap + 12)
	contrast := std / (std + 24)
	return math.Round((0.6*sharp+0.4*contrast)*1e4) / 1e4
}
