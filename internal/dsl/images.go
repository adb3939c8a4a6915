package dsl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/big"
	"math/rand/v2"
	"sync"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// imageKind selects the encoder behind jpeg() and png().
type imageKind string

const (
	imageJPEG imageKind = "jpeg"
	imagePNG  imageKind = "png"
	// imageRGB is the raw tensor of the image: height × width × 3 bytes,
	// row-major RGB, as a KServe UINT8 [1, h, w, 3] input takes it.
	imageRGB imageKind = "rgb"

	// maxImageSide bounds width and height: 8192² RGBA is 256 MiB in memory.
	maxImageSide = 8192
	// jpegQuality is what a phone camera or a web upload typically uses, so
	// the payload size is realistic for an image endpoint.
	jpegQuality = 90
	// maxImageCacheBytes stops the cache growing without bound when a
	// scenario asks for many distinct large images; past it, images are
	// still produced, just not kept.
	maxImageCacheBytes = 256 << 20
)

// imageFunc is jpeg(width, height[, seed]), png(…) or rgb(…): a
// deterministic photo-like image, base64-encoded as filebase64 returns
// files; rgb is its raw pixels, a tensor for a kserve input.
func imageFunc(kind imageKind) function.Function {
	return function.New(&function.Spec{
		Description: fmt.Sprintf("Returns a synthetic photo-like %s image, base64-encoded.", kind),
		Params: []function.Parameter{
			{Name: "width", Type: cty.Number},
			{Name: "height", Type: cty.Number},
		},
		VarParam: &function.Parameter{Name: "seed", Type: cty.Number},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 3 {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(3,
					"%s takes width, height and at most one seed", kind)
			}
			w, err := wholeArg(args, 0, "width", 1, maxImageSide)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			h, err := wholeArg(args, 1, "height", 1, maxImageSide)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			var seed int64
			if len(args) == 3 {
				if seed, err = wholeArg(args, 2, "seed", math.MinInt64, math.MaxInt64); err != nil {
					return cty.UnknownVal(cty.String), err
				}
			}
			s, err := encodedImage(imageKey{kind, int(w), int(h), seed})
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

// wholeArg reads args[i] as an integer in [lo, hi], or returns an argument
// error that names the parameter and the allowed range.
func wholeArg(args []cty.Value, i int, name string, lo, hi int64) (int64, error) {
	f := args[i].AsBigFloat()
	if !f.IsInt() {
		return 0, function.NewArgErrorf(i, "%s must be a whole number, not %s", name, f.Text('g', -1))
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < lo || n > hi {
		return 0, function.NewArgErrorf(i, "%s must be between %d and %d, not %s", name, lo, hi, f.Text('g', -1))
	}
	return n, nil
}

type imageKey struct {
	kind imageKind
	w, h int
	seed int64
}

// imageCache holds encoded images so a scenario that calls jpeg(352, 352)
// in several places (or evaluates a local more than once) encodes it once.
// The lock is held while encoding, so concurrent callers of one key wait
// for the first instead of doing the work twice.
var imageCache = struct {
	sync.Mutex
	m       map[imageKey]string
	bytes   int
	encodes int // how many images were encoded; read by tests
}{m: map[imageKey]string{}}

func encodedImage(k imageKey) (string, error) {
	imageCache.Lock()
	defer imageCache.Unlock()
	if s, ok := imageCache.m[k]; ok {
		return s, nil
	}
	img := synthImage(k.w, k.h, uint64(k.seed))
	var buf bytes.Buffer
	var err error
	switch k.kind {
	case imagePNG:
		err = png.Encode(&buf, img)
	case imageRGB:
		for i := 0; i < len(img.Pix); i += 4 {
			buf.Write(img.Pix[i : i+3])
		}
	default:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return "", fmt.Errorf("encoding %s: %w", k.kind, err)
	}
	imageCache.encodes++
	s := base64.StdEncoding.EncodeToString(buf.Bytes())
	if imageCache.bytes+len(s) <= maxImageCacheBytes {
		imageCache.m[k] = s
		imageCache.bytes += len(s)
	}
	return s, nil
}

// shape is one soft-edged ellipse or rectangle laid over the background.
type shape struct {
	cx, cy, rx, ry float64 // centre and half-extents, in pixels
	ellipse        bool
	soft           float64 // edge width as a fraction of the radius
	opacity        float64
	col            [3]float64
}

// synthImage draws a deterministic photo-like picture: a smooth four-corner
// gradient, soft lighting bands, a few soft-edged shapes, and per-pixel
// sensor-like noise. The noise matters: a flat or purely smooth image
// compresses to a few KB and would understate the bytes a real photo puts
// on the wire and the decode work it costs the server.
func synthImage(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var corners [4][3]float64
	for i := range corners {
		corners[i] = randomColour(rng)
	}
	shapes := make([]shape, 3+rng.IntN(4))
	for i := range shapes {
		shapes[i] = randomShape(rng, w, h)
	}
	fx, fy, phase := 2+rng.Float64()*4, 2+rng.Float64()*4, rng.Float64()*2*math.Pi
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		v := float64(y) / float64(max(h-1, 1))
		for x := range w {
			u := float64(x) / float64(max(w-1, 1))
			var c [3]float64
			for ch := range c {
				top := corners[0][ch]*(1-u) + corners[1][ch]*u
				bottom := corners[2][ch]*(1-u) + corners[3][ch]*u
				c[ch] = top*(1-v) + bottom*v
			}
			light := 12 * math.Sin(fx*u*math.Pi+phase) * math.Cos(fy*v*math.Pi)
			for _, s := range shapes {
				if a := s.coverage(float64(x), float64(y)); a > 0 {
					for ch := range c {
						c[ch] += (s.col[ch] - c[ch]) * a
					}
				}
			}
			grain := rng.NormFloat64() * 7
			img.SetRGBA(x, y, color.RGBA{
				R: clampByte(c[0] + light + grain + rng.NormFloat64()*2),
				G: clampByte(c[1] + light + grain + rng.NormFloat64()*2),
				B: clampByte(c[2] + light + grain + rng.NormFloat64()*2),
				A: 255,
			})
		}
	}
	return img
}

func randomColour(rng *rand.Rand) [3]float64 {
	return [3]float64{30 + rng.Float64()*200, 30 + rng.Float64()*200, 30 + rng.Float64()*200}
}

func randomShape(rng *rand.Rand, w, h int) shape {
	fw, fh := float64(w), float64(h)
	return shape{
		cx: rng.Float64() * fw, cy: rng.Float64() * fh,
		rx: (0.08 + rng.Float64()*0.3) * fw, ry: (0.08 + rng.Float64()*0.3) * fh,
		ellipse: rng.IntN(2) == 0,
		soft:    0.05 + rng.Float64()*0.25,
		opacity: 0.6 + rng.Float64()*0.4,
		col:     randomColour(rng),
	}
}

// coverage is how much of the shape covers pixel (x, y): opacity inside,
// falling smoothly to 0 across the soft edge, 0 outside.
func (s shape) coverage(x, y float64) float64 {
	dx, dy := math.Abs(x-s.cx)/s.rx, math.Abs(y-s.cy)/s.ry
	var d float64
	if s.ellipse {
		d = math.Sqrt(dx*dx + dy*dy)
	} else {
		d = max(dx, dy)
	}
	if d >= 1+s.soft {
		return 0
	}
	return s.opacity * smoothstep(1+s.soft, 1-s.soft, d)
}

// smoothstep is 0 at edge0, 1 at edge1, with a smooth cubic between.
func smoothstep(edge0, edge1, x float64) float64 {
	t := min(max((x-edge0)/(edge1-edge0), 0), 1)
	return t * t * (3 - 2*t)
}

func clampByte(v float64) uint8 {
	return uint8(min(max(math.Round(v), 0), 255))
}
