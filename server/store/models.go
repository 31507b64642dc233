package store

import "time"

// Roles a user can have within an organisation.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Two-step statuses of a user, kept on the user row so lists need no join.
const (
	TOTPActive  = "active"
	TOTPPending = "pending"
	TOTPOff     = "off"
)

// Statuses of a TOTP key. A user has at most one active and one pending key;
// retired keys stay encrypted so a code from an old key can be recognised.
const (
	KeyPending = "pending"
	KeyActive  = "active"
	KeyRetired = "retired"
)

// Origins of a pending key.
const (
	KeyFromEnrollment = "enrollment"
	KeyFromReset      = "reset"
)

// Two-step policies of an organisation.
const (
	PolicyEveryone   = "all"
	PolicyAdminsOnly = "admins"
)

// Session stages: a session that has passed only the password step can do
// nothing but the second step.
const (
	StagePassword      = "password"
	StageAuthenticated = "authenticated"
)

// Organization is a tenant: its admins manage only its users.
type Organization struct {
	ID              int64
	Name            string
	TwoFactorPolicy string
	PendingKeyHours int
	CreatedAt       time.Time
}

// User is a person who signs in. Email is stored lowercased and is unique
// across all organisations, because sign-in takes no other identifier.
type User struct {
	ID             int64
	OrganizationID int64
	Email          string
	Name           string
	NameKey        string
	Role           string
	PasswordHash   string `json:"-"`
	TOTPStatus     string `gorm:"column:totp_status"`
	Disabled       bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TOTPKey is an authenticator key. Secret is the encrypted key, never the
// plain one. LastStep is the time step of the last accepted code: no code of
// that step or an earlier one is accepted again for this key.
type TOTPKey struct {
	ID          int64
	UserID      int64
	Status      string
	Secret      []byte `json:"-"`
	LastStep    int64
	Origin      string
	CreatedByID *int64
	CreatedAt   time.Time
	ExpiresAt   *time.Time
	ActivatedAt *time.Time
	RetiredAt   *time.Time
}

// TableName keeps GORM from naming the table "t_otp_keys".
func (TOTPKey) TableName() string { return "totp_keys" }

// RecoveryCode is a keyed hash of a one-time recovery code.
type RecoveryCode struct {
	ID        int64
	UserID    int64
	CodeHash  []byte `json:"-"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

// Session is a server-side sign-in session. IDHash is the SHA-256 of the id
// in the cookie, so a copy of the database cannot be replayed as cookies.
type Session struct {
	IDHash         string `gorm:"primaryKey"`
	UserID         int64
	Stage          string
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time
	SecondFactorAt *time.Time
	ClientIP       string
	UserAgent      string
}

// SignInThrottle counts consecutive failed sign-in attempts for one key (an
// account or a client address).
type SignInThrottle struct {
	Key           string `gorm:"primaryKey"`
	Failures      int
	LastFailureAt time.Time
	LockedUntil   *time.Time
	// AttemptsInFlight counts the attempts that were let through and have
	// not finished yet, so that concurrent attempts cannot exceed the limit.
	AttemptsInFlight int
	LastAttemptAt    *time.Time
}

// Notification is an in-app message to one user.
type Notification struct {
	ID     int64
	UserID int64
	Kind   string
	// Params is a JSON object of the values from which the server renders
	// the message in the reader's language. Rows from before schema
	// version 6 have none.
	Params     string
	Message    string
	CreatedAt  time.Time
	ReadAt     *time.Time
	ReportedAt *time.Time
}

// NotificationKeyReset is the kind of the notice about an admin's reset.
const NotificationKeyReset = "key_reset"

// AuditEvent records who did what to whom. Emails are copied so an event
// still reads well after a user is deleted.
type AuditEvent struct {
	ID             int64
	OrganizationID *int64
	ActorID        *int64
	ActorEmail     string
	TargetID       *int64
	TargetEmail    string
	Action         string
	Detail         string
	ClientIP       string
	UserAgent      string
	CreatedAt      time.Time
}

// Invitation is a one-time link with which a new user sets their password.
// TokenHash is the SHA-256 of the token in the link.
type Invitation struct {
	ID        int64
	UserID    int64
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Setting is a named value the store keeps for Gatehouse itself.
type Setting struct {
	Name  string `gorm:"primaryKey"`
	Value string
}
