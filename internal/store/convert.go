package store

// rowsToDomain converts rows read together into domain values, in order;
// a row that does not convert (a stored value the domain refuses) fails
// the whole read rather than being skipped.
func rowsToDomain[D any, R interface{ toDomain() (D, error) }](rows []R) ([]D, error) {
	out := make([]D, len(rows))
	for i, r := range rows {
		d, err := r.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}
