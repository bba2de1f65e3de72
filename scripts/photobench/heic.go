package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fieldproof/fieldproof/internal/renditions"
)

// benchHEIC makes the renditions of a 12 MP HEIC (through libheif and through
// the wasm tile path) and of a 12 MP JPEG, each in a fresh child process so that one's peak RSS cannot hide in the other's,
// and vipsthumbnail the same two sizes from the same files as the baseline.
// Times are the median of `rounds` renditions after one warm-up (the HEIC
// decoder's one-off wasm compilation is reported separately).
func benchHEIC(heicPath, jpegPath string, rounds int) error {
	fmt.Println("| source | pipeline | median ms | min ms | CPU ms per rendition | peak RSS MB (process) | first call ms |")
	fmt.Println("|---|---|---|---|---|---|---|")
	ms := map[string]float64{}
	cpus := map[string]float64{}
	for _, c := range []struct {
		name, path, pipeline, child string
		vips                        bool
	}{
		{"12 MP HEIC", heicPath, "fieldproof, native libheif", "heic:native", false},
		{"12 MP HEIC", heicPath, "fieldproof, wasm (tile path)", "heic:wasm", true},
		{"12 MP JPEG", jpegPath, "fieldproof", renditions.JPEG.String(), true},
	} {
		cmd := exec.Command(os.Args[0], "-mode", "heic-child", "-file", c.path, "-rounds", strconv.Itoa(rounds), "-format", c.child)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		var med, lo, first, cpu float64
		var rss int
		if err == nil {
			_, err = fmt.Sscan(string(out), &med, &lo, &rss, &first, &cpu)
		}
		if err != nil {
			fmt.Printf("| %s | %s | failed: %v | | | | |\n", c.name, c.pipeline, err)
		} else {
			fmt.Printf("| %s | %s | %.0f | %.0f | %.0f | %d | %.0f |\n", c.name, c.pipeline, med, lo, cpu, rss>>10, first)
			ms[c.child], cpus[c.child] = med, cpu
		}
		if !c.vips {
			continue
		}
		if v, err := vipsMedian(c.path, rounds); err == nil {
			fmt.Printf("| %s | vipsthumbnail (baseline) | %.0f | | | | |\n", c.name, v)
		} else {
			fmt.Fprintln(os.Stderr, "vipsthumbnail:", err)
		}
	}
	j := renditions.JPEG.String()
	for _, d := range []string{"native", "wasm"} {
		if h, ok := ms["heic:"+d]; ok && ms[j] > 0 {
			fmt.Printf("\nHEIC (%s)/JPEG rendition time ratio: %.2f wall (goal <= 2), %.2f CPU\n", d, h/ms[j], cpus["heic:"+d]/cpus[j])
		}
	}
	return nil
}

// heicChild runs in the child process: it prints the median and minimum
// rendition time (ms), its own peak RSS (kB, VmHWM), the first call's time
// and the CPU time per timed rendition (ms, user+system: on a shared machine
// the wall times move with the neighbours' load, the CPU times much less).
func heicChild(path, format string, rounds int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f, lim := renditions.JPEG, renditions.DefaultLimits
	if name, dec, ok := strings.Cut(format, ":"); ok && name == renditions.HEIC.String() {
		f = renditions.HEIC
		if lim.HEICDecoder, err = renditions.ParseHEICDecoder(dec); err != nil {
			return err
		}
	}
	one := func() (time.Duration, error) {
		t := time.Now()
		img, err := renditions.DecodeWithLimits(bytes.NewReader(data), f, lim)
		if err != nil {
			return 0, err
		}
		_, err = renditions.RenderAll(img, renditions.DisplayOrientation(f, 1))
		return time.Since(t), err
	}
	first, err := one()
	if err != nil {
		return err
	}
	var ds []float64
	cpu0 := cpuMs()
	for i := 0; i < rounds; i++ {
		d, err := one()
		if err != nil {
			return err
		}
		ds = append(ds, float64(d.Microseconds())/1000)
		runtime.GC()
	}
	sort.Float64s(ds)
	cpu := (cpuMs() - cpu0) / float64(rounds)
	fmt.Println(ds[len(ds)/2], ds[0], vmHWM(), float64(first.Microseconds())/1000, cpu)
	return nil
}

func vmHWM() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

func vipsMedian(path string, rounds int) (float64, error) {
	out, err := os.MkdirTemp("", "vips-heic")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	var ds []float64
	for i := 0; i < rounds; i++ {
		t := time.Now()
		for _, size := range []string{"320", "1600"} {
			cmd := exec.Command("vipsthumbnail", path, "--size", size, "-o", filepath.Join(out, "%s_"+size+".jpg[Q=82,strip]"))
			if b, err := cmd.CombinedOutput(); err != nil {
				return 0, fmt.Errorf("%v: %s", err, b)
			}
		}
		ds = append(ds, float64(time.Since(t).Microseconds())/1000)
	}
	sort.Float64s(ds)
	return ds[len(ds)/2], nil
}

func cpuMs() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
