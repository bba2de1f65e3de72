package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/fieldproof/fieldproof/internal/demo"
)

func loadDemo(ctx context.Context, stdout io.Writer) error {
	a, err := open(ctx, stdout, false)
	if err != nil {
		return err
	}
	defer a.close()
	if _, err := a.ensureAdmin(ctx, stdout); err != nil {
		return err
	}
	return a.loadDemo(ctx, stdout)
}

func (a *app) loadDemo(ctx context.Context, stdout io.Writer) error {
	lines, err := demo.Load(ctx, demo.Services{Auth: a.srv.Auth, Projects: a.srv.Projects,
		Checks: a.srv.Checks, Photos: a.srv.Photos, Orders: a.srv.Orders}, time.Now())
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if len(lines) == 0 {
		a.log.Info("demo county already loaded")
		return nil
	}
	fmt.Fprintln(stdout, "\n  Demo county loaded:")
	for _, l := range lines {
		fmt.Fprintln(stdout, "   ", l)
	}
	fmt.Fprintln(stdout)
	return nil
}
