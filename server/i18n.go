package server

import (
	"fmt"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"gatehouse/server/auth"
)

// The API's sentences are written in English and translated when the request's
// Accept-Language header prefers Spanish. The SPA sends the language the person
// chose, so the errors it shows match the rest of the screen.
//
// TODO: emails are sent in English only, because a user's language is not
// stored and an email is composed when the event happens.
var apiLanguages = language.NewMatcher([]language.Tag{language.English, language.Spanish})

// prefersSpanish reports whether the client's Accept-Language header, read
// with its quality values, chooses Spanish over English.
func prefersSpanish(c echo.Context) bool {
	header := c.Request().Header.Get("Accept-Language")
	if header == "" {
		return false
	}
	preferred, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(preferred) == 0 {
		return false
	}
	_, index, _ := apiLanguages.Match(preferred...)
	return index == 1
}

// localize returns message in the client's language. A sentence without a
// translation, such as one that names a JSON field for an API client, stays
// in English.
func localize(c echo.Context, message string) string {
	if !prefersSpanish(c) {
		return message
	}
	if translated, ok := spanishMessages[message]; ok {
		return translated
	}
	return message
}

// clockWarning returns the sentence that gives how far the user's phone
// clock is from the server's, in the client's language.
func clockWarning(c echo.Context, offsetSteps int64) string {
	seconds := offsetSteps * auth.TOTPPeriod
	if prefersSpanish(c) {
		direction := "adelantado"
		if seconds < 0 {
			direction, seconds = "atrasado", -seconds
		}
		return fmt.Sprintf("El reloj de tu teléfono parece ir unos %d segundos %s. "+
			"Configúralo para que se ajuste automáticamente.", seconds, direction)
	}

	direction := "ahead"
	if seconds < 0 {
		direction, seconds = "behind", -seconds
	}
	return fmt.Sprintf("Your phone's clock looks about %d seconds %s. Set it to update "+
		"automatically.", seconds, direction)
}

// spanishMessages maps each English sentence of the API to Spanish, in the
// informal register that the SPA's Spanish texts use.
var spanishMessages = map[string]string{
	// Signing in and sessions.
	"You are not signed in.":            "No has iniciado sesión.",
	"Sign in with your password first.": "Primero inicia sesión con tu contraseña.",
	"Your account changed while you were signing in. Sign in again.": "Tu cuenta ha " +
		"cambiado mientras iniciabas sesión. Vuelve a iniciar sesión.",
	"Enter your email and password.": "Escribe tu correo electrónico y tu contraseña.",
	"The email or password is incorrect.": "El correo electrónico o la contraseña " +
		"no son correctos.",
	"This account is disabled. Ask an administrator of your organisation.": "Esta cuenta " +
		"está desactivada. Pide ayuda a un administrador de tu organización.",
	"Too many failed attempts. Wait a while and try again.": "Demasiados intentos " +
		"fallidos. Espera un rato y vuelve a intentarlo.",
	"No such session of yours.":          "No tienes ninguna sesión con ese identificador.",
	"The current password is incorrect.": "La contraseña actual no es correcta.",

	// Codes and keys.
	"Enter the 6-digit code from your authenticator app, like 123456.": "Escribe el " +
		"código de 6 dígitos de tu aplicación de autenticación, por ejemplo 123456.",
	"Enter the 6-digit code that your authenticator app shows for the new key.": "Escribe " +
		"el código de 6 dígitos que muestra tu aplicación de autenticación para la " +
		"clave nueva.",
	"Enter the code from your authenticator app first.": "Primero escribe el código de " +
		"tu aplicación de autenticación.",
	"Enter a recovery code, like ABCDE-23456.": "Escribe un código de recuperación, " +
		"por ejemplo ABCDE-23456.",
	"That code is not correct.": "Ese código no es correcto.",
	"That code is not correct. Check that you scanned the new key and try the next code.": "" +
		"Ese código no es correcto. Comprueba que escaneaste la clave nueva y prueba " +
		"con el siguiente código.",
	"That code was already used. Wait for the next code and enter it.": "Ese código ya " +
		"se usó. Espera al siguiente código y escríbelo.",
	"That code is from the new key, but not from the current moment.": "Ese código es de " +
		"la clave nueva, pero no del momento actual.",
	"That code comes from your previous key. Remove the old entry from your " +
		"authenticator app, scan this new code and enter the code it shows.": "Ese código " +
		"es de tu clave anterior. Borra la entrada antigua de tu aplicación de " +
		"autenticación, escanea este código nuevo y escribe el código que muestre.",
	"That recovery code is not correct or was used.": "Ese código de recuperación no es " +
		"correcto o ya se usó.",
	"Confirm it is you: enter a current code from your authenticator app.": "Confirma que " +
		"eres tú: escribe un código actual de tu aplicación de autenticación.",
	"Set up two-step verification first.": "Primero configura la verificación en dos pasos.",
	"Set up your authenticator app first: your account needs a new key.": "Primero " +
		"configura tu aplicación de autenticación: tu cuenta necesita una clave nueva.",
	"Your new two-step key has expired. Ask an administrator to generate a new one.": "" +
		"Tu nueva clave de verificación en dos pasos ha caducado. Pide a un " +
		"administrador que genere otra.",
	"There is no key waiting to be set up. Reload the page.": "No hay ninguna clave " +
		"pendiente de configurar. Vuelve a cargar la página.",
	"Two-step verification is already set up; the active key is never shown again.": "" +
		"La verificación en dos pasos ya está configurada; la clave activa no se vuelve " +
		"a mostrar.",
	"You have no active key to replace: set one up.": "No tienes ninguna clave activa " +
		"que cambiar: configura una.",
	"Your key changed meanwhile. Reload the page.": "Tu clave ha cambiado mientras " +
		"tanto. Vuelve a cargar la página.",
	"Only a notice about a new key can be reported.": "Solo se puede informar de un " +
		"aviso sobre una clave nueva.",
	"No such notification.": "No existe esa notificación.",

	// Users and the organisation.
	"Only administrators can do this.":   "Solo los administradores pueden hacer esto.",
	"No such user in your organisation.": "No existe ese usuario en tu organización.",
	"A user with this email already exists.": "Ya existe un usuario con este correo " +
		"electrónico.",
	"This is the organisation's last active administrator: make another user an " +
		"administrator first.": "Es el último administrador activo de la organización: " +
		"primero haz administrador a otro usuario.",
	"Send either a password or invite, not both.": "Envía una contraseña o una " +
		"invitación, no las dos.",
	"Send at least one of name, role and disabled.": "Envía al menos uno de estos " +
		"campos: name, role o disabled.",
	"Send at least one of name, two_factor_policy and pending_key_hours.": "Envía al " +
		"menos uno de estos campos: name, two_factor_policy o pending_key_hours.",
	"pending_key_hours must be from 1 to 720 (30 days).": "pending_key_hours debe estar " +
		"entre 1 y 720 (30 días).",
	"The search must be at most 100 characters of text.": "La búsqueda debe ser texto " +
		"de 100 caracteres como máximo.",
	"This invitation link is not valid: it was used already or has expired. Ask an " +
		"administrator for a new one.": "Este enlace de invitación no es válido: ya se " +
		"usó o ha caducado. Pide uno nuevo a un administrador.",
	"Gatehouse is set up already. Sign in instead.": "Gatehouse ya está configurado. " +
		"Inicia sesión.",
	"The setup link is not valid or was used already. Restart Gatehouse to log a new " +
		"one, or run `gatehouse setup`.": "El enlace de configuración no es válido o ya " +
		"se usó. Reinicia Gatehouse para que registre uno nuevo, o ejecuta " +
		"`gatehouse setup`.",

	// Form fields.
	`status must be "active", "pending", "off" or "disabled".`: `status debe ser "active", ` +
		`"pending", "off" o "disabled".`,
	`two_factor_policy must be "all" or "admins".`: `two_factor_policy debe ser "all" o ` +
		`"admins".`,
	"user_id must be a positive whole number.": "user_id debe ser un número entero positivo.",
	"Enter an email address.":                  "Escribe una dirección de correo electrónico.",
	"Enter a valid email address, like ada@example.org.": "Escribe una dirección de " +
		"correo electrónico válida, por ejemplo ada@example.org.",
	"Enter the name.": "Escribe el nombre.",
	"The name must have at most 100 characters.": "El nombre debe tener 100 caracteres " +
		"como máximo.",
	"The name must not contain control characters or direction marks.": "El nombre no " +
		"debe contener caracteres de control ni marcas de dirección.",
	"Enter the organisation name.": "Escribe el nombre de la organización.",
	"The organisation name must have at most 100 characters.": "El nombre de la " +
		"organización debe tener 100 caracteres como máximo.",
	"The organisation name must not contain control characters or direction marks.": "" +
		"El nombre de la organización no debe contener caracteres de control ni marcas " +
		"de dirección.",
	"The reason must have at most 500 characters.": "El motivo debe tener 500 " +
		"caracteres como máximo.",
	"The reason must not contain control characters or direction marks.": "El motivo no " +
		"debe contener caracteres de control ni marcas de dirección.",
	`The role must be "admin" or "member".`: `El rol debe ser "admin" o "member".`,
	"The password contains characters that can't be used.": "La contraseña contiene " +
		"caracteres que no se pueden usar.",
	"The password must have at least 10 characters.": "La contraseña debe tener al " +
		"menos 10 caracteres.",
	"The password must have at most 256 characters.": "La contraseña debe tener 256 " +
		"caracteres como máximo.",
	"This password is too easy to guess: it is a common password or close to one, or it " +
		"contains your name or email; choose a longer, less common one.": "Esta " +
		"contraseña es demasiado fácil de adivinar: es una contraseña común o se parece " +
		"a una, o contiene tu nombre o tu correo electrónico. Elige una más larga y " +
		"menos común.",

	// The request itself and the server.
	"Send the request body as JSON with Content-Type: application/json.": "Envía el " +
		"cuerpo de la solicitud como JSON con Content-Type: application/json.",
	"The request body is empty: send a JSON object.": "El cuerpo de la solicitud está " +
		"vacío: envía un objeto JSON.",
	"The request body is not valid JSON.": "El cuerpo de la solicitud no es JSON válido.",
	"The request body must hold a single JSON object.": "El cuerpo de la solicitud debe " +
		"contener un único objeto JSON.",
	"No API endpoint at this path.":            "No hay ningún punto de la API en esta ruta.",
	"This method is not allowed at this path.": "Este método no está permitido en esta ruta.",
	fmt.Sprintf("The request body is larger than %d KiB.", maxBodyBytes/1024): fmt.Sprintf(
		"El cuerpo de la solicitud ocupa más de %d KiB.", maxBodyBytes/1024),
	"The server is busy. Try again in a moment.": "El servidor está ocupado. Vuelve a " +
		"intentarlo en un momento.",
	"The database is not responding.": "La base de datos no responde.",
	"Something went wrong on the server. Try again later.": "Algo ha fallado en el " +
		"servidor. Vuelve a intentarlo más tarde.",
}
