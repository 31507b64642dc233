package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gatehouse/server/auth"
	"gatehouse/server/internal/qrtest"
)

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func contains(s, part string) bool { return strings.Contains(s, part) }

func codeAt(t *testing.T, secret string, at time.Time) (string, error) {
	t.Helper()
	return auth.CodeAt(secret, at)
}

// setSessionCookie puts a session cookie of the caller's choice in the jar.
func (c *client) setSessionCookie(value string) {
	request, _ := http.NewRequest(http.MethodGet, c.env.http.URL, nil)
	cookie := &http.Cookie{Name: sessionCookieName, Value: value, Path: "/"}
	c.jar.SetCookies(request.URL, []*http.Cookie{cookie})
}

// decodeQR reads the text of a QR code PNG in a data: URL.
func decodeQR(t *testing.T, dataURL string) string {
	t.Helper()
	text, err := qrtest.DecodeDataURL(dataURL)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
