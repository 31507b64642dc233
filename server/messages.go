package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"gatehouse/server/store"
)

// A notice is an in-app notification before it is stored: its kind and the
// values that its sentence needs. The sentence is rendered again when the
// notification is read, in the reader's language. The English sentence is
// stored too, for emails and for rows written before notices had values.
type notice struct {
	kind   string
	values map[string]string
}

// Kinds of notices; the SPA offers "this wasn't me" on store.NotificationKeyReset.
const (
	noticeKeyReset            = store.NotificationKeyReset
	noticeKeyResetByAdmin     = "key_reset_by_admin"
	noticeResetReported       = "reset_reported"
	noticeRecoveryCodeUsed    = "recovery_code_used"
	noticeEnrollmentConfirmed = "enrollment_confirmed"
)

// keyResetNotice returns the user's notice of an admin's reset. It names
// who generated the key, when and why, so the user can judge whether to
// trust it. A nil admin means a reset from the command line.
func keyResetNotice(admin *store.User, at time.Time, reason string) notice {
	values := map[string]string{"at": at.UTC().Format(time.RFC3339), "reason": reason}
	if admin != nil {
		values["admin_name"], values["admin_email"] = admin.Name, admin.Email
	}
	return notice{kind: noticeKeyReset, values: values}
}

// keyResetByAdminNotice returns the notice of a reset for the other admins.
func keyResetByAdminNotice(admin, target *store.User, reason string) notice {
	return notice{kind: noticeKeyResetByAdmin, values: map[string]string{
		"admin_name": admin.Name, "admin_email": admin.Email,
		"user_name": target.Name, "user_email": target.Email, "reason": reason,
	}}
}

// resetReportedNotice alerts admins that a user did not expect a reset. It
// keeps the values of the reported notice, so the quote of it is rendered in
// the admin's language; reported is the notice as stored.
func resetReportedNotice(user *store.User, reported *store.Notification) notice {
	values := map[string]string{}
	if decoded, ok := decodeNoticeValues(reported.Params); ok {
		values = decoded
	} else {
		values["notice"] = reported.Message
	}
	values["user_name"], values["user_email"] = user.Name, user.Email
	return notice{kind: noticeResetReported, values: values}
}

func recoveryCodeUsedNotice(left int64) notice {
	return notice{kind: noticeRecoveryCodeUsed, values: map[string]string{
		"left": strconv.FormatInt(left, 10),
	}}
}

var enrollmentConfirmedNotice = notice{kind: noticeEnrollmentConfirmed}

// notification returns the notice as a row to store for userID.
func (n notice) notification(userID int64, now time.Time) *store.Notification {
	params, err := json.Marshal(n.values)
	if err != nil || n.values == nil {
		params = nil
	}
	return &store.Notification{
		UserID:    userID,
		Kind:      n.kind,
		Params:    string(params),
		Message:   n.render(false),
		CreatedAt: now,
	}
}

// localizedMessage returns the stored notification's sentence, in Spanish
// when spanish is true.
func localizedMessage(stored *store.Notification, spanish bool) string {
	if !spanish {
		return stored.Message
	}
	values, ok := decodeNoticeValues(stored.Params)
	if !ok && stored.Kind != noticeEnrollmentConfirmed {
		return stored.Message
	}
	return notice{kind: stored.Kind, values: values}.render(true)
}

func decodeNoticeValues(params string) (map[string]string, bool) {
	if params == "" {
		return nil, false
	}
	var values map[string]string
	if err := json.Unmarshal([]byte(params), &values); err != nil {
		slog.Error("A stored notification has invalid values", "error", err)
		return nil, false
	}
	return values, true
}

// render returns the notice's sentence in Spanish or English.
func (n notice) render(spanish bool) string {
	v := n.values
	switch n.kind {
	case noticeKeyReset:
		return renderKeyReset(v, spanish)
	case noticeKeyResetByAdmin:
		if spanish {
			return fmt.Sprintf("%s (%s) generó una nueva clave de verificación en dos pasos "+
				"para %s (%s).", v["admin_name"], v["admin_email"], v["user_name"],
				v["user_email"]) + renderReason(v["reason"], spanish)
		}
		return fmt.Sprintf("%s (%s) generated a new two-step key for %s (%s).",
			v["admin_name"], v["admin_email"], v["user_name"], v["user_email"]) +
			renderReason(v["reason"], spanish)
	case noticeResetReported:
		return renderResetReported(v, spanish)
	case noticeRecoveryCodeUsed:
		if spanish {
			return fmt.Sprintf("Se ha usado un código de recuperación para iniciar sesión en "+
				"tu cuenta. Te quedan %s. Si no has sido tú, avisa ya a un administrador.",
				v["left"])
		}
		return fmt.Sprintf("A recovery code was used to sign in to your account. You have %s "+
			"left. If this wasn't you, tell an administrator at once.", v["left"])
	case noticeEnrollmentConfirmed:
		if spanish {
			return "La verificación en dos pasos está configurada en tu cuenta. Guarda tus " +
				"códigos de recuperación en un lugar seguro."
		}
		return "Two-step verification is set up on your account. " +
			"Keep your recovery codes somewhere safe."
	}
	return v["notice"]
}

func renderKeyReset(v map[string]string, spanish bool) string {
	at, _ := time.Parse(time.RFC3339, v["at"])
	by := fmt.Sprintf("%s (%s)", v["admin_name"], v["admin_email"])
	if spanish {
		if v["admin_email"] == "" {
			by = "un administrador desde la línea de comandos"
		}
		return fmt.Sprintf("La verificación en dos pasos se ha activado en tu cuenta con una "+
			"clave nueva, generada por %s el %s.", by, formatSpanishTime(at)) +
			renderReason(v["reason"], spanish) + " Carga la clave nueva en tu aplicación de " +
			"autenticación: antes borra de la aplicación la entrada antigua de Gatehouse, " +
			"porque sus códigos ya no sirven."
	}

	if v["admin_email"] == "" {
		by = "an administrator from the command line"
	}
	return fmt.Sprintf("Two-step verification has been activated for your account with a "+
		"new key, generated by %s on %s.", by, formatTime(at)) +
		renderReason(v["reason"], spanish) + " Load the new key into your authenticator " +
		"app: remove the old Gatehouse entry from the app first, because its codes no " +
		"longer work."
}

func renderResetReported(v map[string]string, spanish bool) string {
	quote := v["notice"]
	if quote == "" {
		quote = renderKeyReset(v, spanish)
	}
	if spanish {
		return fmt.Sprintf("%s (%s) ha avisado de que no esperaba este cambio en su cuenta: "+
			"«%s» Comprueba quién generó la clave y si esa cuenta de administrador es segura.",
			v["user_name"], v["user_email"], quote)
	}
	return fmt.Sprintf("%s (%s) reported that they did not expect this change to their "+
		"account: \"%s\" Check who generated the key, and whether that admin account is "+
		"safe.", v["user_name"], v["user_email"], quote)
}

func renderReason(reason string, spanish bool) string {
	switch {
	case reason == "":
		return ""
	case spanish:
		return " Motivo indicado: " + reason + "."
	default:
		return " Reason given: " + reason + "."
	}
}

func formatTime(at time.Time) string {
	return at.UTC().Format("2 January 2006 at 15:04 UTC")
}

var spanishMonths = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio",
	"julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

func formatSpanishTime(at time.Time) string {
	at = at.UTC()
	return fmt.Sprintf("%d de %s de %d a las %s UTC", at.Day(), spanishMonths[at.Month()-1],
		at.Year(), at.Format("15:04"))
}
