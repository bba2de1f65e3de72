// Package clienttest proves that api/openapi.yaml generates a working Go
// client: its test runs oapi-codegen (pinned in tools/oapi-codegen) on the
// contract, compiles the generated client with a small driver program
// (testdata/driver) and files a check with a photo through it against a real
// in-process server. Nothing generated is committed.
package clienttest
