package checks

import "context"

// PhotoIndex tells which of a check's announced photos are stored. The
// photos store implements it; checks never read photo rows itself.
type PhotoIndex interface {
	// StoredPhotoIDs maps each of checkIDs that has photos to their ids, in
	// one query, so a list page costs one lookup and not one per check.
	StoredPhotoIDs(ctx context.Context, checkIDs []string) (map[string][]string, error)
}

// missingPhotos returns the announced photo UUIDs not in stored, in the
// order announced.
func missingPhotos(announced, stored []string) []string {
	have := make(map[string]bool, len(stored))
	for _, id := range stored {
		have[id] = true
	}
	var missing []string
	for _, id := range announced {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing
}

// withMissing fills MissingPhotoIDs for cs. With no index wired (nil), every
// announced photo counts as missing: nothing may look complete before it is.
func withMissing(ctx context.Context, idx PhotoIndex, cs []Check) error {
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		if len(c.PhotoIDs) > 0 {
			ids = append(ids, c.ID)
		}
	}
	stored := map[string][]string{}
	if idx != nil && len(ids) > 0 {
		var err error
		if stored, err = idx.StoredPhotoIDs(ctx, ids); err != nil {
			return err
		}
	}
	for i := range cs {
		cs[i].MissingPhotoIDs = missingPhotos(cs[i].PhotoIDs, stored[cs[i].ID])
	}
	return nil
}
