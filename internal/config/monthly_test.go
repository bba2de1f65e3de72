package config

import (
	"strings"
	"testing"
	"time"
)

func TestMonthlyConfig(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	m := c.Monthly
	if m.DueDay != 28 || m.PointRadiusM != 50 || m.JumpShare != 0.3 || m.ReminderInterval != 15*time.Minute {
		t.Errorf("defaults %+v", m)
	}
	c, err = Parse(env(map[string]string{"FIELDPROOF_MONTHLY_DUE_DAY": "31", "FIELDPROOF_MONTHLY_POINT_RADIUS_M": "80",
		"FIELDPROOF_MONTHLY_JUMP_SHARE": "0.25", "FIELDPROOF_MONTHLY_REMINDER_INTERVAL": "1m"}))
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Monthly; m.DueDay != 31 || m.PointRadiusM != 80 || m.JumpShare != 0.25 || m.ReminderInterval != time.Minute {
		t.Errorf("set %+v", m)
	}
	_, err = Parse(env(map[string]string{"FIELDPROOF_MONTHLY_DUE_DAY": "32", "FIELDPROOF_MONTHLY_POINT_RADIUS_M": "0",
		"FIELDPROOF_MONTHLY_JUMP_SHARE": "1.5"}))
	for _, name := range []string{"FIELDPROOF_MONTHLY_DUE_DAY", "FIELDPROOF_MONTHLY_POINT_RADIUS_M", "FIELDPROOF_MONTHLY_JUMP_SHARE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
