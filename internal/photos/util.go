package photos

import (
	"errors"
	"net/http"
)

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}
