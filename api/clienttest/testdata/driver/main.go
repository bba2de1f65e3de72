// Command driver is compiled by TestGeneratedGoClient next to a client that
// oapi-codegen generated from api/openapi.yaml (package fpclient), and files
// one check with a photo through that client only: log in, create the check
// naming the photo, upload the photo, read the check and its photo list back.
// It prints what it read as JSON for the test to judge, and exits non-zero on
// any answer the scenario does not expect.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"clienttest/fpclient"
)

// Result is what the test checks; the test declares the same shape.
type Result struct {
	CreateStatus    int              `json:"create_status"`
	CreatedStatus   string           `json:"created_status"`
	UploadStatus    int              `json:"upload_status"`
	Check           fpclient.Check   `json:"check"`
	Photos          []fpclient.Photo `json:"photos"`
	UploadedPhotoID string           `json:"uploaded_photo_id"`
}

func main() {
	base := flag.String("base", "", "server URL")
	user := flag.String("user", "", "username")
	pass := flag.String("password", "", "password")
	project := flag.String("project", "", "project id")
	photo := flag.String("photo", "", "JPEG to upload")
	lat := flag.Float64("lat", 0, "check latitude")
	lon := flag.Float64("lon", 0, "check longitude")
	flag.Parse()
	if err := run(*base, *user, *pass, *project, *photo, *lat, *lon); err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
}

func run(base, user, pass, project, photoPath string, lat, lon float64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	anon, err := fpclient.NewClientWithResponses(base)
	if err != nil {
		return err
	}
	login, err := anon.LoginWithResponse(ctx, fpclient.LoginJSONRequestBody{Username: user, Password: pass})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if login.JSON200 == nil {
		return fmt.Errorf("login: %d %s", login.StatusCode(), login.Body)
	}
	token := login.JSON200.AccessToken
	c, err := fpclient.NewClientWithResponses(base, fpclient.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		return err
	}

	photoID := uuid.New()
	created, err := c.CreateCheckWithResponse(ctx, nil, fpclient.CreateCheckJSONRequestBody{
		Id:              uuid.New(),
		ProjectId:       project,
		Type:            "progress",
		TemplateVersion: 1,
		Answers:         map[string]any{"percent_complete": 40, "note": "base course laid"},
		Location:        fpclient.Location{Lat: lat, Lon: lon, AccuracyM: 6},
		CapturedAt:      time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)),
		PhotoIds:        &[]uuid.UUID{photoID},
	})
	if err != nil {
		return fmt.Errorf("create check: %w", err)
	}
	if created.JSON201 == nil {
		return fmt.Errorf("create check: %d %s", created.StatusCode(), created.Body)
	}
	checkID := created.JSON201.Id

	body, contentType, err := multipartPhoto(photoID, photoPath)
	if err != nil {
		return err
	}
	up, err := c.UploadCheckPhotoWithBodyWithResponse(ctx, checkID, contentType, body)
	if err != nil {
		return fmt.Errorf("upload photo: %w", err)
	}
	if up.JSON201 == nil {
		return fmt.Errorf("upload photo: %d %s", up.StatusCode(), up.Body)
	}

	check, err := c.GetCheckWithResponse(ctx, checkID)
	if err != nil {
		return fmt.Errorf("get check: %w", err)
	}
	if check.JSON200 == nil {
		return fmt.Errorf("get check: %d %s", check.StatusCode(), check.Body)
	}
	photos, err := c.ListCheckPhotosWithResponse(ctx, checkID)
	if err != nil {
		return fmt.Errorf("list photos: %w", err)
	}
	if photos.JSON200 == nil {
		return fmt.Errorf("list photos: %d %s", photos.StatusCode(), photos.Body)
	}
	return json.NewEncoder(os.Stdout).Encode(Result{
		CreateStatus: created.StatusCode(), CreatedStatus: string(created.JSON201.Status),
		UploadStatus: up.StatusCode(), Check: *check.JSON200, Photos: photos.JSON200.Items,
		UploadedPhotoID: photoID.String(),
	})
}

// multipartPhoto builds the upload's body: photo_id first, then the file, as
// the contract orders the parts.
func multipartPhoto(id uuid.UUID, path string) (*bytes.Buffer, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("photo_id", id.String()); err != nil {
		return nil, "", err
	}
	fw, err := mw.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		return nil, "", err
	}
	if _, err := fw.Write(data); err != nil {
		return nil, "", err
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return &buf, mw.FormDataContentType(), nil
}
