package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/fieldproof/fieldproof/internal/renditions"
)

// Generate12MP writes n distinct 4000×3000 JPEGs that compress like photos
// (smooth gradients, edges and fine texture), not like noise or flat colour.
func Generate12MP(dir string, n int) ([]string, error) {
	var paths []string
	for i := 0; i < n; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
		rng := rand.New(rand.NewPCG(uint64(i), 42))
		cx, cy := rng.Float64()*4000, rng.Float64()*3000
		for y := 0; y < 3000; y++ {
			for x := 0; x < 4000; x++ {
				d := math.Hypot(float64(x)-cx, float64(y)-cy)
				r := uint8(128 + 100*math.Sin(d/90))
				g := uint8((x*255/4000 + int(rng.IntN(24))) % 256)
				b := uint8((y*255/3000 + (x/50+y/50)%2*40) % 256)
				img.Set(x, y, color.RGBA{r, g, b, 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			return nil, err
		}
		p := filepath.Join(dir, fmt.Sprintf("gen12mp_%02d.jpg", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// benchRenditions decodes each file and makes the thumbnail and the
// preview with fieldproof's pipeline on `workers` goroutines, then has
// vipsthumbnail make the same two sizes from the same files with the same
// parallelism, and prints both rates and their ratio.
func benchRenditions(files []string, workers, rounds int) error {
	ours := func(path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		img, err := renditions.Decode(f, renditions.JPEG)
		if err != nil {
			return err
		}
		_, err = renditions.RenderAll(img, 1)
		return err
	}
	out, err := os.MkdirTemp("", "vips-out")
	if err != nil {
		return err
	}
	defer os.RemoveAll(out)
	vips := func(path string) error {
		for _, size := range []string{"320", "1600"} {
			cmd := exec.Command("vipsthumbnail", path, "--size", size, "-o", filepath.Join(out, "%s_"+size+".jpg[Q=82,strip]"))
			if b, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("vipsthumbnail: %v: %s", err, b)
			}
		}
		return nil
	}
	oursRate, err := rate(files, workers, rounds, ours)
	if err != nil {
		return err
	}
	vipsRate, err := rate(files, workers, rounds, vips)
	if err != nil {
		return err
	}
	fmt.Printf("| fieldproof (imaging, decode + thumbnail + preview) | %d | %d | %.2f |\n", workers, len(files)*rounds, oursRate)
	fmt.Printf("| vipsthumbnail (same two sizes, separate processes) | %d | %d | %.2f |\n", workers, len(files)*rounds, vipsRate)
	fmt.Printf("\nratio fieldproof / vipsthumbnail: %.2f\n", oursRate/vipsRate)
	return nil
}

func rate(files []string, workers, rounds int, fn func(string) error) (float64, error) {
	jobs := make(chan string)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				if err := fn(p); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for r := 0; r < rounds; r++ {
		for _, f := range files {
			jobs <- f
		}
	}
	close(jobs)
	wg.Wait()
	return float64(len(files)*rounds) / time.Since(start).Seconds(), first
}
