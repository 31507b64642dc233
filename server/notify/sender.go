package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"gatehouse/server/store"
)

const (
	// pollInterval is the delay between two looks at the outbox.
	pollInterval = 5 * time.Second
	// claimLease keeps other instances off an email while one sends it.
	claimLease  = 2 * time.Minute
	sendTimeout = 30 * time.Second
	batchSize   = 20
	firstRetry  = 30 * time.Second
	maxRetry    = time.Hour
	// maxAttempts spans about two days of hourly retries, after which the
	// address is taken to be wrong for good.
	maxAttempts = 50
)

// Sender delivers the email outbox through an SMTP server.
type Sender struct {
	store   *store.Store
	options []mail.Option
	host    string
	from    string
	now     func() time.Time
	wake    chan struct{}
}

// NewSender parses smtpURL and returns a sender from the address from.
// smtp://[user:password@]host[:port] uses STARTTLS when the server offers
// it and refuses to send a password without it; add ?tls=required to
// insist on STARTTLS, or ?tls=none to never use it (a relay on localhost).
// smtps:// connects with TLS from the start (port 465 by default).
func NewSender(st *store.Store, smtpURL, from string) (*Sender, error) {
	parsed, err := url.Parse(smtpURL)
	if err != nil || parsed.Hostname() == "" {
		return nil, errors.New("invalid SMTP URL: use smtp://user:password@host:port")
	}
	if from == "" {
		return nil, errors.New("missing sender address: set --smtp-from")
	}
	options := []mail.Option{mail.WithTimeout(sendTimeout)}

	switch parsed.Scheme {
	case "smtps":
		options = append(options, mail.WithSSL(), mail.WithPort(portOr(parsed, 465)))
	case "smtp":
		options = append(options, mail.WithPort(portOr(parsed, 587)))
		policy, err := tlsPolicy(parsed.Query().Get("tls"))
		if err != nil {
			return nil, err
		}
		options = append(options, mail.WithTLSPolicy(policy))
	default:
		return nil, fmt.Errorf("unsupported SMTP URL scheme %q: use smtp or smtps",
			parsed.Scheme)
	}
	if user := parsed.User; user != nil {
		password, _ := user.Password()
		options = append(options, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(user.Username()), mail.WithPassword(password))
	}

	return &Sender{
		store:   st,
		options: options,
		host:    parsed.Hostname(),
		from:    from,
		now:     func() time.Time { return time.Now().UTC() },
		wake:    make(chan struct{}, 1),
	}, nil
}

func portOr(parsed *url.URL, fallback int) int {
	if port, err := strconv.Atoi(parsed.Port()); err == nil {
		return port
	}
	return fallback
}

func tlsPolicy(name string) (mail.TLSPolicy, error) {
	switch name {
	case "", "opportunistic":
		return mail.TLSOpportunistic, nil
	case "required":
		return mail.TLSMandatory, nil
	case "none":
		return mail.NoTLS, nil
	default:
		return mail.NoTLS, fmt.Errorf("invalid tls=%q in the SMTP URL: use required, "+
			"opportunistic or none", name)
	}
}

// Wake makes the sender read the outbox now instead of at its next
// poll.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due emails until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			slog.Error("Reading the email outbox failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-s.wake:
		}
	}
}

// DeliverDue sends the emails that are due and returns how many went out.
// A failed email is tried again later, each wait twice the one before.
func (s *Sender) DeliverDue(ctx context.Context) (int, error) {
	emails, err := s.store.ClaimDueEmails(ctx, s.now(), claimLease, batchSize)
	if err != nil || len(emails) == 0 {
		return 0, err
	}

	client, err := mail.NewClient(s.host, s.options...)
	if err != nil {
		return 0, fmt.Errorf("set up the SMTP client: %w", err)
	}
	sent := 0
	for _, email := range emails {
		if err := s.send(ctx, client, email); err != nil {
			s.reschedule(ctx, email, err)
			continue
		}
		if err := s.store.MarkEmailSent(ctx, email.ID, s.now()); err != nil {
			return sent, err
		}
		slog.Info("Sent an email", "email_id", email.ID, "attempt", email.Attempts)
		sent++
	}
	return sent, nil
}

func (s *Sender) send(ctx context.Context, client *mail.Client, email store.OutboxEmail) error {
	message := mail.NewMsg()
	if err := message.From(s.from); err != nil {
		return fmt.Errorf("invalid sender address: %w", err)
	}
	if err := message.To(email.Recipient); err != nil {
		return fmt.Errorf("invalid recipient address: %w", err)
	}
	message.Subject(email.Subject)
	message.SetBodyString(mail.TypeTextPlain, email.TextBody)
	message.AddAlternativeString(mail.TypeTextHTML, email.HTMLBody)

	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	return client.DialAndSendWithContext(sendCtx, message)
}

func (s *Sender) reschedule(ctx context.Context, email store.OutboxEmail, cause error) {
	wait := min(firstRetry<<min(email.Attempts-1, 12), maxRetry)
	next := s.now().Add(wait)
	if email.Attempts >= maxAttempts {
		next = s.now().AddDate(100, 0, 0)
		slog.Error("Giving up on an email", "email_id", email.ID, "attempts", email.Attempts,
			"error", cause)
	} else {
		slog.Warn("Sending an email failed; will retry", "email_id", email.ID,
			"attempt", email.Attempts, "retry_in", wait.String(), "error", cause)
	}
	if err := s.store.RescheduleEmail(ctx, email.ID, next, cause.Error()); err != nil {
		slog.Error("Rescheduling an email failed", "email_id", email.ID, "error", err)
	}
}
