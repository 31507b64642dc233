package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"gatehouse/server/internal/smtptest"
	"gatehouse/server/notify"
)

// withMail makes the server email users through smtpURL.
func (e *testEnv) withMail(smtpURL string) *notify.Sender {
	e.t.Helper()
	sender, err := notify.NewSender(e.store, smtpURL, "gatehouse@acme.test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.server.mailer = sender
	e.server.baseURL = "https://sign-in.acme.test"
	return sender
}

func TestUserIsEmailedAboutResetEnrolmentAndRecovery(t *testing.T) {
	env := newTestEnv(t)
	mailServer := smtptest.Start(t)
	sender := env.withMail(mailServer.URL())
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")
	c := env.newClient()
	c.signInPassword(member.Email)
	_, recovery := c.enroll()
	viaRecovery := env.newClient()
	viaRecovery.signInPassword(member.Email)
	expectStatus(t, viaRecovery.post("/api/session/recovery",
		map[string]string{"code": recovery[0]}), http.StatusOK)
	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)
	if _, err := sender.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}

	subjects := map[string]bool{}
	for _, message := range mailServer.Messages() {
		if len(message.To) == 1 && message.To[0] == member.Email {
			subjects[message.Subject] = true
		}
		for _, code := range recovery {
			if strings.Contains(message.Text, code) || strings.Contains(message.HTML, code) {
				t.Error("an email contains a recovery code")
			}
		}
	}
	for _, want := range []string{
		"Two-step verification is set up for your Acme account",
		"A new two-step key for your Acme account",
		"A recovery code was used on your Acme account",
	} {
		if !subjects[want] {
			t.Errorf("no email %q to the member; got %v", want, subjects)
		}
	}
}

func TestResetSucceedsWhileMailServerIsDown(t *testing.T) {
	env := newTestEnv(t)
	sender := env.withMail("smtp://127.0.0.1:1?tls=none")
	adminClient, admin, _ := env.enrolledAdmin("Acme", "admin@acme.test")
	member := env.createMember(admin.OrganizationID, "ada@acme.test")

	expectStatus(t, adminClient.post("/api/org/users/"+itoa(member.ID)+"/totp-key", nil),
		http.StatusOK)
	sent, err := sender.DeliverDue(context.Background())
	if err != nil || sent != 0 {
		t.Fatalf("DeliverDue = %d, %v with the server down", sent, err)
	}
	c := env.newClient()
	if state := c.signInPassword(member.Email); state != stateEnrollmentRequired {
		t.Errorf("state = %q: the reset did not take effect", state)
	}
}
