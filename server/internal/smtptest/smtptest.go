// Package smtptest runs a real SMTP server on 127.0.0.1 for tests, and
// decodes what it receives into plain-text and HTML bodies.
package smtptest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one received email.
type Message struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	Raw     []byte
}

// Server is an SMTP server that keeps every message it receives.
type Server struct {
	Addr     string
	mu       sync.Mutex
	messages []Message
	server   *smtp.Server
}

// Start runs a server on a free port of 127.0.0.1 until the test ends.
func Start(t *testing.T) *Server {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: listener.Addr().String()}
	s.server = smtp.NewServer(backend{s})
	s.server.Domain = "localhost"
	s.server.AllowInsecureAuth = true
	s.server.ReadTimeout = 10 * time.Second
	s.server.WriteTimeout = 10 * time.Second
	go func() { _ = s.server.Serve(listener) }()
	t.Cleanup(func() { _ = s.server.Close() })
	return s
}

// URL returns an smtp:// URL of the server without TLS.
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

// Messages returns what the server received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

type backend struct{ server *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{server: b.server}, nil
}

type session struct {
	server *Server
	from   string
	to     []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	message, err := decode(raw)
	if err != nil {
		return err
	}
	message.From, message.To = s.from, s.to
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.messages = append(s.server.messages, message)
	return nil
}

func decode(raw []byte) (Message, error) {
	parsed, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	message := Message{Subject: subject, Raw: raw}
	err = readParts(parsed.Header.Get("Content-Type"),
		parsed.Header.Get("Content-Transfer-Encoding"), parsed.Body, &message)
	return message, err
}

// readParts walks a MIME body and keeps its text/plain and text/html parts.
func readParts(contentType, encoding string, body io.Reader, message *Message) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		reader := multipart.NewReader(body, params["boundary"])
		for {
			part, err := reader.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			err = readParts(part.Header.Get("Content-Type"),
				part.Header.Get("Content-Transfer-Encoding"), part, message)
			if err != nil {
				return err
			}
		}
	}

	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	content, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mediaType {
	case "text/plain":
		message.Text = string(content)
	case "text/html":
		message.HTML = string(content)
	}
	return nil
}
