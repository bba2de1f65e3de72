package orders

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// TestStateMachine walks every (status, action) pair: exactly the listed
// ones are allowed, every other is refused with a 409 naming what is.
func TestStateMachine(t *testing.T) {
	want := map[Status]string{
		StatusIssued:       "[acknowledge cancel]",
		StatusAcknowledged: "[respond cancel]",
		StatusResponded:    "[verify reject cancel]",
		StatusClosed:       "[]",
		StatusCancelled:    "[]",
	}
	acts := []Action{ActAcknowledge, ActRespond, ActVerify, ActReject, ActCancel}
	for _, s := range Statuses {
		if got := fmt.Sprint(AllowedActions(s)); got != want[s] {
			t.Errorf("%s allows %s, want %s", s, got, want[s])
		}
		for _, a := range acts {
			if permits(s, a) {
				continue
			}
			e, ok := errs.As(Refused(s, a))
			if !ok || !errors.Is(e, errs.ErrConflict) || e.Code != "transition_not_allowed" ||
				fmt.Sprint(e.Extra["allowed_actions"]) != want[s] || e.Extra["order_status"] != string(s) {
				t.Errorf("%s/%s refused as %+v", s, a, e)
			}
		}
	}
	if StatusClosed.Open() || StatusCancelled.Open() || !StatusResponded.Open() {
		t.Error("Open")
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	o := Order{Status: StatusAcknowledged, Deadline: now.Add(-time.Second)}
	if !o.Overdue(now) {
		t.Error("past deadline and open is overdue")
	}
	o.Status = StatusClosed
	if o.Overdue(now) {
		t.Error("a closed order is never overdue")
	}
	o.Status, o.Deadline = StatusIssued, now.Add(time.Second)
	if o.Overdue(now) {
		t.Error("before the deadline")
	}
}

func TestDefaults(t *testing.T) {
	o := DefaultOptions()
	day := 24 * time.Hour
	if o.DefaultDeadline(SeverityMinor) != 30*day || o.DefaultDeadline(SeverityMajor) != 14*day ||
		o.DefaultDeadline(SeverityCritical) != 3*day || o.EscalationInterval != 5*time.Minute ||
		o.WebhookTimeout != 10*time.Second || o.WebhookMaxAttempts != 8 || o.NumberPrefix != "ZG" {
		t.Errorf("defaults %+v", o)
	}
	custom := Options{DeadlineCritical: 2 * day}.withDefaults()
	if custom.DefaultDeadline(SeverityCritical) != 2*day || custom.DefaultDeadline(SeverityMinor) != 30*day {
		t.Errorf("custom %+v", custom)
	}
}

func TestSign(t *testing.T) {
	body := []byte(`{"event":"order.issued"}`)
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write(body)
	if got, want := Sign([]byte("s3cret"), body), "sha256="+hex.EncodeToString(m.Sum(nil)); got != want {
		t.Errorf("Sign %s, want %s", got, want)
	}
}
