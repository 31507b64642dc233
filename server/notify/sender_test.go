package notify

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gatehouse/server/internal/smtptest"
	"gatehouse/server/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, filepath.Join(dir, "gatehouse.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

func TestKeyResetEmailArrives(t *testing.T) {
	st := openStore(t)
	mailServer := smtptest.Start(t)
	sender, err := NewSender(st, mailServer.URL(), "Gatehouse <gatehouse@acme.test>")
	if err != nil {
		t.Fatal(err)
	}
	email, err := Compose(KeyReset, Message{
		Recipient: "ada@acme.test", Name: "Ada", Organization: "Acme & Co",
		BaseURL: "https://sign-in.acme.test", At: time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueEmail(context.Background(), email); err != nil {
		t.Fatal(err)
	}

	sent, err := sender.DeliverDue(context.Background())
	if err != nil || sent != 1 {
		t.Fatalf("DeliverDue = %d, %v; want 1, nil", sent, err)
	}
	messages := mailServer.Messages()
	if len(messages) != 1 {
		t.Fatalf("the SMTP server got %d messages, want 1", len(messages))
	}
	got := messages[0]
	if len(got.To) != 1 || got.To[0] != "ada@acme.test" {
		t.Errorf("recipients = %v", got.To)
	}
	if got.From != "gatehouse@acme.test" {
		t.Errorf("envelope sender = %q", got.From)
	}
	if got.Subject != "A new two-step key for your Acme & Co account" {
		t.Errorf("subject = %q", got.Subject)
	}
	for _, want := range []string{"Hello Ada,", "activated for your Acme & Co account",
		"2 March 2026 at 09:05 UTC", "Remove the old entry", "https://sign-in.acme.test"} {
		if !strings.Contains(strings.Join(strings.Fields(got.Text), " "), want) {
			t.Errorf("text body lacks %q:\n%s", want, got.Text)
		}
	}
	if !strings.Contains(got.HTML, "Acme &amp; Co") ||
		!strings.Contains(got.HTML, `<a href="https://sign-in.acme.test">`) {
		t.Errorf("HTML body:\n%s", got.HTML)
	}

	again, _ := sender.DeliverDue(context.Background())
	if again != 0 || len(mailServer.Messages()) != 1 {
		t.Error("a sent email was sent again")
	}
}

func TestEmailIsRetriedWhenServerIsDown(t *testing.T) {
	st := openStore(t)
	down, err := NewSender(st, "smtp://127.0.0.1:1?tls=none", "gatehouse@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	email, _ := Compose(RecoveryCodeUsed, Message{Recipient: "ada@acme.test", Name: "Ada",
		Organization: "Acme", At: time.Now(), RecoveryCodesLeft: 7})
	if err := st.EnqueueEmail(context.Background(), email); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	down.now = func() time.Time { return now }

	sent, err := down.DeliverDue(context.Background())
	if err != nil || sent != 0 {
		t.Fatalf("DeliverDue with the server down = %d, %v; want 0, nil", sent, err)
	}
	stored, _ := st.EmailByID(context.Background(), email.ID)
	if stored.Attempts != 1 || stored.LastError == "" || stored.SentAt != nil {
		t.Fatalf("after a failure: %+v", stored)
	}
	if wait := stored.NextAttemptAt.Sub(now); wait != 30*time.Second {
		t.Errorf("next attempt in %v, want 30s", wait)
	}

	// Before the retry time nothing is sent; after it the email goes out.
	mailServer := smtptest.Start(t)
	up, _ := NewSender(st, mailServer.URL(), "gatehouse@acme.test")
	up.now = func() time.Time { return now.Add(10 * time.Second) }
	if sent, _ := up.DeliverDue(context.Background()); sent != 0 {
		t.Error("an email was retried before its time")
	}
	up.now = func() time.Time { return now.Add(31 * time.Second) }
	if sent, err := up.DeliverDue(context.Background()); sent != 1 || err != nil {
		t.Fatalf("retry = %d, %v; want 1, nil", sent, err)
	}
	body := mailServer.Messages()[0].Text
	if !strings.Contains(body, "You have 7 left.") {
		t.Errorf("body = %q", body)
	}
}

func TestNewSenderRejectsBadSettings(t *testing.T) {
	st := openStore(t)
	for _, tc := range []struct{ url, from string }{
		{"not a url", "a@b.c"},
		{"http://mail.acme.test", "a@b.c"},
		{"smtp://mail.acme.test?tls=sometimes", "a@b.c"},
		{"smtp://mail.acme.test", ""},
	} {
		if _, err := NewSender(st, tc.url, tc.from); err == nil {
			t.Errorf("NewSender(%q, %q) succeeded", tc.url, tc.from)
		}
	}
}

func TestEmailsCarryNoSecrets(t *testing.T) {
	for kind := range templates {
		email, err := Compose(kind, Message{Recipient: "a@b.c", Name: "A",
			Organization: "O", At: time.Now(), RecoveryCodesLeft: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{email.TextBody, email.HTMLBody} {
			for _, word := range []string{"otpauth", "secret=", "token", "code:"} {
				if strings.Contains(strings.ToLower(body), word) {
					t.Errorf("%s email contains %q", kind, word)
				}
			}
		}
	}
}
