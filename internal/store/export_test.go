package store

import "context"

// Classify and Translate expose the error classification to the external
// tests, which need storetest (and so cannot live in this package).
func Classify(err error) string { return classify(err).String() }

// EntOrder is the order entity, for tests of client codes.
var EntOrder = NewEntity("order")

// TakeMissing reads a row that is not there through GORM, as every store's
// single reads do.
func TakeMissing(ctx context.Context, db *DB, table string) error {
	var row struct{ ID string }
	return db.conn(ctx).Table(table).Where("id = ?", "missing").Take(&row).Error
}
