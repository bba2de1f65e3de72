package apitest

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/fieldproof/fieldproof/api"
)

// The contract is loaded once per test binary.
var contract = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// checkContract validates one real response against api/openapi.yaml: its
// status must be documented for the route and its body must match the
// schema. Every API test goes through Env.Do, so every response any test
// provokes is checked, and the contract cannot drift from the code.
func (e *Env) checkContract(req *http.Request, resp Response) {
	e.T.Helper()
	if resp.Status == http.StatusNotFound && bytes.Contains(resp.Body, []byte(`"route_not_found"`)) {
		return // gin matched no route: nothing to hold against the contract
	}
	if resp.Status == http.StatusMethodNotAllowed {
		return
	}
	router, err := contract()
	if err != nil {
		e.T.Fatalf("api/openapi.yaml is invalid: %v", err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		e.T.Errorf("contract: %s %s is not in api/openapi.yaml: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.Status,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(resp.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		e.T.Errorf("contract: %s %s → %d does not match api/openapi.yaml: %v\nbody: %.600s", req.Method, req.URL.Path, resp.Status, err, resp.Body)
	}
}
