package store

// The records the stores keep, as clients see them in error codes: a
// missing one is <entity>_not_found (404), a duplicate <entity>_exists
// (409). One code per entity and kind, whatever query met the error.
var (
	entAssignment      = entity{"assignment"}
	entAuditLog        = entity{"audit_log"}
	entCampaign        = entity{"campaign"}
	entCheck           = entity{"check"}
	entDecision        = entity{"decision"}
	entDelivery        = entity{"delivery"}
	entDeliveryAttempt = entity{"delivery_attempt"}
	entLoginFailure    = entity{"login_failure"}
	entNotification    = entity{"notification"}
	entOrder           = entity{"order"}
	entOrderEvent      = entity{"order_event"}
	entPhoto           = entity{"photo"}
	entProgressReport  = entity{"progress_report"}
	entProject         = entity{"project"}
	entRateWindow      = entity{"rate_window"}
	entRefreshToken    = entity{"refresh_token"}
	entResponse        = entity{"response"}
	entTask            = entity{"task"}
	entTownship        = entity{"township"}
	entTriage          = entity{"triage"}
	entUser            = entity{"user"}
	entWebhook         = entity{"webhook"}
)
