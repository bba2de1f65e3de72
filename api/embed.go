// Package api holds fieldproof's HTTP contract, api/openapi.yaml, embedded
// so the server can serve it and the tests can validate real responses
// against it.
package api

import _ "embed"

// OpenAPI is the contract, as served at /api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
