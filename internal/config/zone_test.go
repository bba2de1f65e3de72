package config

import (
	"strings"
	"testing"
)

// One zone setting serves the county: reports and order numbers follow
// FIELDPROOF_TZ, and FIELDPROOF_ORDER_NUMBER_TZ still overrides numbering.
func TestCountyZone(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Zone.String() != "Asia/Shanghai" || c.Orders.NumberZone.String() != "Asia/Shanghai" {
		t.Errorf("defaults: zone %s, numbering %s", c.Zone, c.Orders.NumberZone)
	}
	c, err = Parse(env(map[string]string{"FIELDPROOF_TZ": "Asia/Urumqi"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Zone.String() != "Asia/Urumqi" || c.Orders.NumberZone.String() != "Asia/Urumqi" {
		t.Errorf("FIELDPROOF_TZ alone: zone %s, numbering %s", c.Zone, c.Orders.NumberZone)
	}
	c, err = Parse(env(map[string]string{"FIELDPROOF_TZ": "Asia/Urumqi", "FIELDPROOF_ORDER_NUMBER_TZ": "UTC"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Zone.String() != "Asia/Urumqi" || c.Orders.NumberZone.String() != "UTC" {
		t.Errorf("both: zone %s, numbering %s", c.Zone, c.Orders.NumberZone)
	}
	if _, err := Parse(env(map[string]string{"FIELDPROOF_TZ": "Mars/Olympus"})); err == nil || !strings.Contains(err.Error(), "FIELDPROOF_TZ") {
		t.Errorf("a bad zone: %v", err)
	}
}
