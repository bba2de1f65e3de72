package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"time"

	"github.com/disintegration/imaging"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/checks"
	"github.com/fieldproof/fieldproof/internal/orders"
	"github.com/fieldproof/fieldproof/internal/photos"
)

// activity gives the console something to show on first start: the
// inspector's safety check on the village road that failed two items, with
// a photo, waiting in the office's review queue, and a rectification order issued from the failed check. Everything goes
// through the services as the inspector and the office, so it obeys the
// rules real work does.
//
// The demo's photos are drawn here rather than shipped: a picture of a
// road with a barrier, with no EXIF, as a photo forwarded through a chat
// app arrives — which the review queue flags (no_exif), as it should.
func activity(ctx context.Context, s Services, users map[string]auth.User, road string, now time.Time) ([]string, error) {
	if s.Checks == nil || s.Photos == nil || s.Orders == nil {
		return nil, nil
	}
	inspector, office := users["inspector"].Principal(), users["office"].Principal()
	at := now.Add(-26 * time.Hour).In(time.FixedZone("CST", 8*3600))
	file := func(typ string, answers map[string]any, notes string, lat, lon float64) (string, error) {
		id, photo := uuid.NewString(), uuid.NewString()
		_, _, err := s.Checks.Create(ctx, inspector, checks.NewCheck{ID: id, ProjectID: road, Type: typ, TemplateVersion: 1,
			Answers: answers, Notes: notes, Location: checks.Location{Lat: lat, Lon: lon, AccuracyM: 8}, CapturedAt: at,
			PhotoIDs: []string{photo}})
		if err != nil {
			return "", fmt.Errorf("demo %s check: %w", typ, err)
		}
		img, err := roadPicture(typ == "safety")
		if err != nil {
			return "", err
		}
		if _, _, err := s.Photos.Upload(ctx, inspector, photos.UploadInput{ParentID: id, PhotoID: photo, Body: bytes.NewReader(img)}); err != nil {
			return "", fmt.Errorf("demo %s photo: %w", typ, err)
		}
		return id, nil
	}
	failed, err := file("safety", map[string]any{"fenced": false, "warning_signs": true, "protective_gear": false,
		"safe_storage": true, "night_lighting": true}, "K1+200 处基坑未设围挡，两名工人未戴安全帽。", 28.2049, 112.9731)
	if err != nil {
		return nil, err
	}
	o, err := s.Orders.Create(ctx, office, orders.NewOrder{CheckID: failed, Items: []string{"fenced", "protective_gear"},
		Defect: "基坑未设围挡；施工人员未佩戴安全帽", Severity: orders.SeverityMajor,
		RequiredAction: "限期设置硬质围挡，为全部施工人员配发并佩戴安全帽，整改后上传照片"})
	if err != nil {
		return nil, fmt.Errorf("demo order: %w", err)
	}
	return []string{"check (safety, 2 items failed, photo without EXIF) on the village road, in the review queue",
		"rectification order " + o.Number + " issued from it"}, nil
}

// roadPicture draws a 1200×900 JPEG: sky, hills, a grey road and, on a
// safety check, an orange barrier half-built beside a pit.
func roadPicture(barrier bool) ([]byte, error) {
	img := imaging.New(1200, 900, color.NRGBA{R: 150, G: 190, B: 230, A: 255})
	img = imaging.Paste(img, imaging.New(1200, 420, color.NRGBA{R: 96, G: 140, B: 80, A: 255}), image.Pt(0, 480))
	img = imaging.Paste(img, imaging.New(520, 420, color.NRGBA{R: 120, G: 120, B: 118, A: 255}), image.Pt(340, 480))
	img = imaging.Paste(img, imaging.New(10, 420, color.NRGBA{R: 240, G: 240, B: 235, A: 255}), image.Pt(595, 480))
	if barrier {
		img = imaging.Paste(img, imaging.New(260, 140, color.NRGBA{R: 70, G: 50, B: 35, A: 255}), image.Pt(560, 650))
		for x := 300; x < 520; x += 60 {
			img = imaging.Paste(img, imaging.New(40, 90, color.NRGBA{R: 240, G: 120, B: 20, A: 255}), image.Pt(x, 600))
		}
	}
	var b bytes.Buffer
	if err := imaging.Encode(&b, img, imaging.JPEG, imaging.JPEGQuality(85)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
