// Package notify writes and sends the emails that tell a user about changes
// to their sign-in. Emails never contain a key, a code or a link that signs
// anyone in.
package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"gatehouse/server/store"
)

// Message is the details an email about one event needs.
type Message struct {
	Recipient    string
	Name         string
	Organization string
	// BaseURL is the address where users sign in. Empty leaves the link out.
	BaseURL string
	At      time.Time
	// RecoveryCodesLeft is set for a recovery-code email.
	RecoveryCodesLeft int64
	// Alert is the text of an admin alert.
	Alert string
}

// Kinds of email.
const (
	KeyReset         = "key_reset"
	EnrollmentDone   = "enrollment_confirmed"
	RecoveryCodeUsed = "recovery_code_used"
	AdminAlert       = "admin_alert"
)

type template struct {
	subject string
	text    string
	html    string
}

var templates = map[string]template{
	AdminAlert: {
		subject: "Gatehouse alert for {{.Organization}}",
		text: `Hello {{.Name}},

{{.Alert}}

Review the user's page and the audit log{{if .BaseURL}} at {{.BaseURL}}{{end}}.
`,
		html: `<p>Hello {{.Name}},</p>
<p>{{.Alert}}</p>
<p>Review the user's page and the audit log{{if .BaseURL}} at
<a href="{{.BaseURL}}">{{.BaseURL}}</a>{{end}}.</p>
`,
	},
	KeyReset: {
		subject: "A new two-step key for your {{.Organization}} account",
		text: `Hello {{.Name}},

Two-step verification has been activated for your {{.Organization}} account
with a new key, on {{.When}}. Your previous key no longer works.

Sign in with your password{{if .BaseURL}} at {{.BaseURL}}{{end}}: you will see a new QR
code to load into your authenticator app. Remove the old entry from the app
first.

If you did not expect this, tell an administrator of {{.Organization}}.
`,
		html: `<p>Hello {{.Name}},</p>
<p>Two-step verification has been activated for your {{.Organization}} account with a
new key, on {{.When}}. Your previous key no longer works.</p>
<p>Sign in with your password{{if .BaseURL}} at <a href="{{.BaseURL}}">{{.BaseURL}}</a>{{end}}:
you will see a new QR code to load into your authenticator app. Remove the old entry
from the app first.</p>
<p>If you did not expect this, tell an administrator of {{.Organization}}.</p>
`,
	},
	EnrollmentDone: {
		subject: "Two-step verification is set up for your {{.Organization}} account",
		text: `Hello {{.Name}},

Two-step verification was set up on your {{.Organization}} account on
{{.When}}. From now on, signing in asks for a code from your authenticator app.
Keep your recovery codes somewhere safe.

If this wasn't you, tell an administrator of {{.Organization}} at once.
`,
		html: `<p>Hello {{.Name}},</p>
<p>Two-step verification was set up on your {{.Organization}} account on {{.When}}.
From now on, signing in asks for a code from your authenticator app. Keep your
recovery codes somewhere safe.</p>
<p>If this wasn't you, tell an administrator of {{.Organization}} at once.</p>
`,
	},
	RecoveryCodeUsed: {
		subject: "A recovery code was used on your {{.Organization}} account",
		text: `Hello {{.Name}},

A recovery code was used to sign in to your {{.Organization}} account on
{{.When}}. You have {{.RecoveryCodesLeft}} left.

If this wasn't you, tell an administrator of {{.Organization}} at once.
`,
		html: `<p>Hello {{.Name}},</p>
<p>A recovery code was used to sign in to your {{.Organization}} account on
{{.When}}. You have {{.RecoveryCodesLeft}} left.</p>
<p>If this wasn't you, tell an administrator of {{.Organization}} at once.</p>
`,
	},
}

// Compose writes the email of the given kind as an outbox entry.
func Compose(kind string, message Message) (*store.OutboxEmail, error) {
	tmpl, ok := templates[kind]
	if !ok {
		return nil, fmt.Errorf("unknown email kind %q", kind)
	}
	data := struct {
		Message
		When string
	}{message, message.At.UTC().Format("2 January 2006 at 15:04 UTC")}

	subject, err := renderText(tmpl.subject, data)
	if err != nil {
		return nil, err
	}
	text, err := renderText(tmpl.text, data)
	if err != nil {
		return nil, err
	}
	var html bytes.Buffer
	parsed, err := htmltemplate.New(kind).Parse(tmpl.html)
	if err == nil {
		err = parsed.Execute(&html, data)
	}
	if err != nil {
		return nil, fmt.Errorf("write the %s email: %w", kind, err)
	}
	return &store.OutboxEmail{
		Recipient: message.Recipient, Subject: subject, TextBody: text, HTMLBody: html.String(),
	}, nil
}

func renderText(source string, data any) (string, error) {
	parsed, err := texttemplate.New("").Parse(source)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := parsed.Execute(&out, data); err != nil {
		return "", err
	}
	return out.String(), nil
}
