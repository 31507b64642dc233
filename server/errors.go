package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

// apiError is an error the client may see: a status and a sentence.
type apiError struct {
	status     int
	message    string
	stepUp     bool
	retryAfter time.Duration
}

func (e *apiError) Error() string { return e.message }

// statusClientClosedRequest is nginx's status for a request whose client
// closed the connection before the response. net/http has no name for it.
const statusClientClosedRequest = 499

func newError(status int, message string) *apiError {
	return &apiError{status: status, message: message}
}

func badRequest(message string) *apiError { return newError(http.StatusBadRequest, message) }

var (
	errNotSignedIn   = newError(http.StatusUnauthorized, "You are not signed in.")
	errAdminOnly     = newError(http.StatusForbidden, "Only administrators can do this.")
	errUserNotFound  = newError(http.StatusNotFound, "No such user in your organisation.")
	errPasswordFirst = newError(http.StatusUnauthorized, "Sign in with your password first.")
	errWrongPassword = newError(http.StatusUnauthorized, "The email or password is incorrect.")
	errWrongCode     = newError(http.StatusUnauthorized, "That code is not correct.")
	errReusedCode    = newError(http.StatusUnauthorized,
		"That code was already used. Wait for the next code and enter it.")
	errEnrollFirst = newError(http.StatusForbidden,
		"Set up your authenticator app first: your account needs a new key.")
	errKeyExpired = newError(http.StatusForbidden,
		"Your new two-step key has expired. Ask an administrator to generate a new one.")
	errUserDisabled = newError(http.StatusForbidden,
		"This account is disabled. Ask an administrator of your organisation.")
	errSessionChanged = newError(http.StatusConflict,
		"Your account changed while you were signing in. Sign in again.")
	errStepUpRequired = &apiError{
		status:  http.StatusForbidden,
		message: "Confirm it is you: enter a current code from your authenticator app.",
		stepUp:  true,
	}
)

func tooManyAttempts(until, now time.Time) *apiError {
	return &apiError{
		status:     http.StatusTooManyRequests,
		message:    "Too many failed attempts. Wait a while and try again.",
		retryAfter: until.Sub(now),
	}
}

// handleError writes every error as {"error": sentence}. Errors the client
// should not see in detail are logged and returned as a generic 500.
func handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}

	status, body := errorResponse(err, c)
	var writeErr error
	if c.Request().Method == http.MethodHead {
		writeErr = c.NoContent(status)
	} else {
		writeErr = c.JSON(status, body)
	}
	if writeErr != nil {
		slog.Debug("Writing an error response failed", "error", writeErr)
	}
}

func errorResponse(err error, c echo.Context) (int, map[string]any) {
	var api *apiError
	if errors.As(err, &api) {
		body := map[string]any{"error": localize(c, api.message)}
		if api.stepUp {
			body["step_up"] = true
		}
		if api.retryAfter > 0 {
			seconds := int(api.retryAfter.Seconds() + 0.999)
			c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
		}
		return api.status, body
	}

	if errors.Is(err, store.ErrSessionChanged) {
		return errorResponse(errSessionChanged, c)
	}
	if errors.Is(c.Request().Context().Err(), context.Canceled) {
		// The client closed the connection, which cancels the request's
		// queries. Drivers report that in their own words, such as SQLite's
		// "interrupted", so the context decides. The client may never read
		// this response, and the failure is not the server's.
		slog.Info("Client closed the request", "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err, "request_id", requestID(c))
		return statusClientClosedRequest, map[string]any{"error": "Client closed the request."}
	}

	var httpErr *echo.HTTPError
	if errors.As(err, &httpErr) && httpErr.Code < http.StatusInternalServerError {
		message := localize(c, echoErrorMessage(httpErr))
		return httpErr.Code, map[string]any{"error": message}
	}

	slog.Error("Request failed", "error", err, "method", c.Request().Method,
		"path", c.Request().URL.Path, "request_id", requestID(c))
	return http.StatusInternalServerError,
		map[string]any{"error": localize(c, "Something went wrong on the server. "+
			"Try again later.")}
}

func echoErrorMessage(err *echo.HTTPError) string {
	switch err.Code {
	case http.StatusNotFound:
		return "No API endpoint at this path."
	case http.StatusMethodNotAllowed:
		return "This method is not allowed at this path."
	case http.StatusRequestEntityTooLarge:
		return fmt.Sprintf("The request body is larger than %d KiB.", maxBodyBytes/1024)
	default:
		return http.StatusText(err.Code) + "."
	}
}

// decodeJSON reads the request body into target strictly: JSON content
// type, no unknown fields, one value and nothing after it.
func decodeJSON(c echo.Context, target any) error {
	mediaType, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationJSON {
		return newError(http.StatusUnsupportedMediaType,
			"Send the request body as JSON with Content-Type: application/json.")
	}

	decoder := json.NewDecoder(c.Request().Body)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(target); err != nil {
		return decodeError(err)
	}
	if _, err := decoder.Token(); !errors.Is(err, io.EOF) {
		return badRequest("The request body must hold a single JSON object.")
	}
	return nil
}

func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &tooLarge):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	case errors.As(err, &httpErr):
		// The body limit middleware reports a chunked body that grows past
		// the limit while it is read, as an HTTP error of its own.
		return httpErr
	case errors.Is(err, io.EOF):
		return badRequest("The request body is empty: send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntaxErr):
		return badRequest("The request body is not valid JSON.")
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return badRequest("The request body must hold a single JSON object.")
	case errors.As(err, &typeErr):
		return badRequest(fmt.Sprintf("The field %q has the wrong type: expected %s.",
			typeErr.Field, typeErr.Type))
	default:
		// What remains is mainly "json: unknown field", which names the field
		// and no value.
		return badRequest("The request body is invalid: " + err.Error() + ".")
	}
}
