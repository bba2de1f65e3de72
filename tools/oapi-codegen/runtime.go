// Package oapicodegen pins, for the generated-client test in api/clienttest,
// oapi-codegen (the tool directive in go.mod) and the runtime its generated
// code imports. It holds no code of its own: this import keeps the runtime a
// direct requirement, so `go mod tidy` does not drop it.
package oapicodegen

import _ "github.com/oapi-codegen/runtime"
