package checks

import "context"

// PhotoIndex tells which of a check's announced photos are stored. The
// photos store implements it; checks never read photo rows itself.
type PhotoIndex interface {
	StoredPhotoIDs(ctx context.Context, checkID string) ([]string, error)
}

// MissingPhotos returns the announced photo UUIDs not yet stored, in the
// order announced. With no index wired (nil), every announced photo counts as
// missing: nothing may look complete before it is.
func MissingPhotos(ctx context.Context, idx PhotoIndex, checkID string, announced []string) ([]string, error) {
	if len(announced) == 0 {
		return nil, nil
	}
	stored := map[string]bool{}
	if idx != nil {
		ids, err := idx.StoredPhotoIDs(ctx, checkID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			stored[id] = true
		}
	}
	var missing []string
	for _, id := range announced {
		if !stored[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}
