package store

// The records the stores keep, as clients see them in error codes: a
// missing one is <entity>_not_found (404), a duplicate <entity>_exists
// (409). One code per entity and kind, whatever query met the error.
var (
	entAssignment      = entity{"assignment"}
	entAuditLog        = entity{"audit_log"}
	entCheck           = entity{"check"}
	entDelivery        = entity{"delivery"}
	entDeliveryAttempt = entity{"delivery_attempt"}
	entNotification    = entity{"notification"}
	entOrder           = entity{"order"}
	entOrderEvent      = entity{"order_event"}
	entPhoto           = entity{"photo"}
	entProgressReport  = entity{"progress_report"}
	entProject         = entity{"project"}
	entRateWindow      = entity{"rate_window"}
	entResponse        = entity{"response"}
	entTriage          = entity{"triage"}
	entUser            = entity{"user"}
	entWebhook         = entity{"webhook"}
)
