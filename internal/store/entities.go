package store

// The records the stores keep, as clients see them in error codes: a
// missing one is <entity>_not_found (404), a duplicate <entity>_exists
// (409). One code per entity and kind, whatever query met the error.
var (
	entAssignment     = entity{"assignment"}
	entCheck          = entity{"check"}
	entOrder          = entity{"order"}
	entProgressReport = entity{"progress_report"}
	entProject        = entity{"project"}
	entRateWindow     = entity{"rate_window"}
	entUser           = entity{"user"}
)
