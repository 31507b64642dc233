package server

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"gatehouse/server/store"
)

// constantMessages returns every constant sentence that the package passes
// to newError, badRequest or localize, or sets as an apiError message.
func constantMessages(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	fileSet := token.NewFileSet()
	for _, name := range files {
		if filepath.Ext(name) != ".go" || len(name) > 8 && name[len(name)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fileSet, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(node ast.Node) bool {
			var message ast.Expr
			switch n := node.(type) {
			case *ast.CallExpr:
				ident, ok := n.Fun.(*ast.Ident)
				if !ok || len(n.Args) == 0 {
					return true
				}
				switch ident.Name {
				case "newError":
					message = n.Args[len(n.Args)-1]
				case "badRequest":
					message = n.Args[0]
				case "localize":
					message = n.Args[len(n.Args)-1]
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && key.Name == "message" {
					message = n.Value
				}
			}
			if text, ok := constantString(message); ok {
				found[text] = true
			}
			return true
		})
	}
	messages := make([]string, 0, len(found))
	for message := range found {
		messages = append(messages, message)
	}
	sort.Strings(messages)
	return messages
}

// constantString evaluates a string literal or a sum of them.
func constantString(expr ast.Expr) (string, bool) {
	switch e := expr.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		text, err := strconv.Unquote(e.Value)
		return text, err == nil
	case *ast.BinaryExpr:
		left, okLeft := constantString(e.X)
		right, okRight := constantString(e.Y)
		return left + right, okLeft && okRight && e.Op == token.ADD
	case *ast.ParenExpr:
		return constantString(e.X)
	}
	return "", false
}

func TestEveryErrorSentenceHasSpanish(t *testing.T) {
	messages := constantMessages(t)
	if len(messages) < 30 {
		t.Fatalf("found only %d messages: the source scan is broken", len(messages))
	}
	for _, message := range messages {
		if spanishMessages[message] == "" {
			t.Errorf("no Spanish for %q", message)
		}
	}
}

// TestEverySentenceBuiltAtRunTimeHasSpanish covers the sentences that the
// source scan cannot see, because they are built from a field name or a
// policy error.
func TestEverySentenceBuiltAtRunTimeHasSpanish(t *testing.T) {
	var sentences []string
	for _, field := range []string{"name", "organisation name"} {
		for _, input := range []string{" ", strings.Repeat("x", maxNameLength+1), "a\x07b"} {
			_, err := validateName(input, field)
			sentences = append(sentences, err.Error())
		}
	}
	for _, password := range []string{"short", strings.Repeat("x", 257), "password123"} {
		sentences = append(sentences, validatePassword(password).Error())
	}
	for _, status := range []int{404, 405, 413} {
		sentences = append(sentences, echoErrorMessage(echo.NewHTTPError(status)))
	}

	for _, sentence := range sentences {
		if spanishMessages[sentence] == "" {
			t.Errorf("no Spanish for %q", sentence)
		}
	}
}

func TestPrefersSpanishFollowsAcceptLanguage(t *testing.T) {
	cases := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"es", true},
		{"es-MX,es;q=0.9,en;q=0.5", true},
		{"en-GB,en;q=0.9,es;q=0.8", false},
		{"en;q=0.4,es;q=0.9", true},
		{"fr-FR,fr;q=0.9", false},
		{"fr,es;q=0.5", true},
		{"not a language tag;;;", false},
	}
	for _, tc := range cases {
		request, _ := http.NewRequest(http.MethodGet, "/", nil)
		request.Header.Set("Accept-Language", tc.header)
		c := echo.New().NewContext(request, nil)
		if got := prefersSpanish(c); got != tc.want {
			t.Errorf("prefersSpanish(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestAPIAnswersInTheRequestedLanguage(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme", "ada@acme.test")
	wrongPassword := map[string]string{"email": admin.Email, "password": "not the password"}

	english := env.newClient()
	r := english.post("/api/session", wrongPassword)
	expectError(t, r, http.StatusUnauthorized)
	if r.body["error"] != "The email or password is incorrect." {
		t.Errorf("English error = %q", r.body["error"])
	}

	spanish := env.newClient()
	spanish.acceptLanguage = "es-ES,es;q=0.9,en;q=0.5"
	r = spanish.post("/api/session", wrongPassword)
	expectError(t, r, http.StatusUnauthorized)
	if r.body["error"] != "El correo electrónico o la contraseña no son correctos." {
		t.Errorf("Spanish error = %q", r.body["error"])
	}
	r = spanish.get("/api/no-such-endpoint")
	expectError(t, r, http.StatusNotFound)
	if r.body["error"] != "No hay ningún punto de la API en esta ruta." {
		t.Errorf("Spanish 404 = %q", r.body["error"])
	}
}

func TestClockWarningInSpanish(t *testing.T) {
	env := newTestEnv(t)
	admin := env.createOrg("Acme", "ada@acme.test")
	c := env.newClient()
	c.acceptLanguage = "es"
	c.signInPassword(admin.Email)
	secret := c.get("/api/me/enrollment").body["secret"].(string)

	stale, _ := codeAt(t, secret, env.clock.Now().Add(-3*time.Minute))
	r := c.post("/api/me/enrollment", map[string]string{"code": stale})
	expectError(t, r, http.StatusUnauthorized)
	want := "Ese código es de la clave nueva, pero no del momento actual. El reloj de tu " +
		"teléfono parece ir unos 180 segundos atrasado. Configúralo para que se ajuste " +
		"automáticamente."
	if r.body["error"] != want {
		t.Errorf("error = %q\nwant    %q", r.body["error"], want)
	}
}

// The request body check rejects a request before a handler runs, so its sentences
// go through the same translation.
func TestDecodeErrorsInSpanish(t *testing.T) {
	env := newTestEnv(t)
	request, _ := http.NewRequest(http.MethodPost, env.http.URL+"/api/session",
		strings.NewReader("{"))
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("Accept-Language", "es")
	r := env.newClient().send(request)
	expectError(t, r, http.StatusBadRequest)
	if r.body["error"] != "El cuerpo de la solicitud no es JSON válido." {
		t.Errorf("error = %q", r.body["error"])
	}
}

func TestNotificationsInTheReadersLanguage(t *testing.T) {
	env := newTestEnv(t)
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	otherAdminClient, otherAdmin, _ := env.enrolledMember(admin.OrganizationID, "boss@acme.test")
	expectStatus(t, adminClient.call(http.MethodPatch, "/api/org/users/"+itoa(otherAdmin.ID),
		map[string]any{"role": "admin"}), http.StatusOK)
	_, member, _ := env.enrolledMember(admin.OrganizationID, "ada@acme.test")
	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key",
		map[string]string{"reason": "teléfono nuevo"}), http.StatusOK)
	at := env.clock.Now().UTC()
	spanishTime := fmt.Sprintf("%d de marzo de %d a las %s UTC", at.Day(), at.Year(),
		at.Format("15:04"))

	c := env.newClient()
	c.acceptLanguage = "es"
	c.signInPassword(member.Email)
	notice := c.get("/api/me/enrollment").body["notifications"].([]any)[0].(map[string]any)
	wantNotice := "La verificación en dos pasos se ha activado en tu cuenta con una clave " +
		"nueva, generada por Admin of Acme (admin@acme.test) el " + spanishTime +
		". Motivo indicado: teléfono nuevo. Carga la clave nueva en tu aplicación de " +
		"autenticación: antes borra de la aplicación la entrada antigua de Gatehouse, " +
		"porque sus códigos ya no sirven."
	if notice["message"] != wantNotice {
		t.Errorf("Spanish notice = %q\nwant             %q", notice["message"], wantNotice)
	}
	c.acceptLanguage = "en"
	english := c.get("/api/me/enrollment").body["notifications"].([]any)[0].(map[string]any)
	if !strings.HasPrefix(english["message"].(string),
		"Two-step verification has been activated for your account") {
		t.Errorf("English notice = %q", english["message"])
	}

	otherAdminClient.acceptLanguage = "es"
	adminNotices := otherAdminClient.get("/api/me/notifications").body["notifications"].([]any)
	wantAdminNotice := "Admin of Acme (admin@acme.test) generó una nueva clave de " +
		"verificación en dos pasos para " + member.Name + " (ada@acme.test). Motivo indicado: teléfono nuevo."
	if message := adminNotices[0].(map[string]any)["message"]; message != wantAdminNotice {
		t.Errorf("the other admin's notice = %q\nwant %q", message, wantAdminNotice)
	}

	// The report quotes the notice in the language of the admin who reads it.
	id := itoa(int64(notice["id"].(float64)))
	expectStatus(t, c.post("/api/me/notifications/"+id+"/report", nil), http.StatusOK)
	adminClient.acceptLanguage = "es"
	reports := adminClient.get("/api/me/notifications").body["notifications"].([]any)
	wantReport := member.Name + " (ada@acme.test) ha avisado de que no esperaba este cambio " +
		"en su cuenta: «" + wantNotice + "» Comprueba quién generó la clave y si esa cuenta " +
		"de administrador es segura."
	if message := reports[0].(map[string]any)["message"]; message != wantReport {
		t.Errorf("report = %q\nwant     %q", message, wantReport)
	}
}

func TestNotificationWithoutValuesKeepsSentence(t *testing.T) {
	at := time.Date(2026, time.December, 4, 9, 5, 0, 0, time.UTC)

	old := &store.Notification{Kind: noticeKeyReset, Message: "Written by an older version."}
	if got := localizedMessage(old, true); got != old.Message {
		t.Errorf("a row without values shows %q, want its stored sentence", got)
	}

	fromCommandLine := keyResetNotice(nil, at, "").notification(7, at)
	want := "La verificación en dos pasos se ha activado en tu cuenta con una clave nueva, " +
		"generada por un administrador desde la línea de comandos el 4 de diciembre de " +
		"2026 a las 09:05 UTC."
	if got := localizedMessage(fromCommandLine, true); !strings.HasPrefix(got, want) {
		t.Errorf("command-line reset in Spanish = %q", got)
	}
	if !strings.Contains(fromCommandLine.Message, "generated by an administrator from the "+
		"command line on 4 December 2026 at 09:05 UTC.") {
		t.Errorf("stored English sentence = %q", fromCommandLine.Message)
	}

	confirmed := enrollmentConfirmedNotice.notification(7, at)
	if confirmed.Params != "" {
		t.Errorf("a notice without values stored params %q", confirmed.Params)
	}
	if got := localizedMessage(confirmed, true); !strings.HasPrefix(got, "La verificación") {
		t.Errorf("confirmation in Spanish = %q", got)
	}
}
