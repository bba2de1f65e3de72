package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// consoleSignIn signs in through the console's form, as a browser does
// (pre-session cookie and its CSRF token), and returns the Cookie header
// that carries the session.
func consoleSignIn(base, user, pass string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/console/signin")
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, rest, ok := strings.Cut(string(page), `name="_csrf" value="`)
	if !ok {
		return "", fmt.Errorf("console sign-in page has no CSRF field (status %d)", resp.StatusCode)
	}
	token, _, _ := strings.Cut(rest, `"`)
	resp, err = c.PostForm(base+"/console/signin", url.Values{"_csrf": {token}, "username": {user}, "password": {pass}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("console sign-in: %d", resp.StatusCode)
	}
	u, _ := url.Parse(base + "/console/")
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "fp_session" {
			return "fp_session=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("console sign-in set no session cookie")
}
