package passwordless

import (
	"context"
	"net/http"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
	"github.com/latchkey-dev/latchkey/store"
)

// Handler serves the passwordless endpoints over a Service.
type Handler struct {
	Service *Service
	// CheckSignIn, when set, is asked after the credentials proved right
	// whether the user may sign in (a Latchkey suspension): an error is
	// the answer instead of the user. Nil lets everyone in.
	CheckSignIn func(ctx context.Context, userID string) error
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// present reports whether the body has the field, even as null: the
// reference tells "exactly one of" apart by key, not by value.
func present(b *cdi.Body, name string) bool { return b.Has(name) || b.IsNull(name) }

// createCode answers POST /recipe/signinup/code: exactly one of email,
// phoneNumber (a new device) and deviceId (a new code for it), and an
// optional userInputCode.
func (h *Handler) createCode(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range []string{"email", "phoneNumber", "deviceId"} {
		if present(b, f) {
			n++
		}
	}
	if n != 1 {
		return cdi.BadRequest("Please provide exactly one of email, phoneNumber or deviceId")
	}
	var contact Contact
	var deviceID string
	// An empty email or phone number could never be typed back in; the
	// reference stores it anyway, Latchkey refuses it.
	nonEmpty := func(name string) string {
		v := b.String(name)
		if strings.TrimSpace(v) == "" {
			b.Fail(cdi.BadRequestf("Field name '%s' is invalid in JSON input", name))
		}
		return v
	}
	switch {
	case present(b, "email"):
		contact.Email = nonEmpty("email")
	case present(b, "phoneNumber"):
		contact.PhoneNumber = nonEmpty("phoneNumber")
	default:
		deviceID = b.String("deviceId")
	}
	userInputCode, _ := b.OptString("userInputCode")
	if err := b.Err(); err != nil {
		return err
	}
	ctx, tenant := r.Context(), cdi.Tenant(r.Context())
	var code Code
	if deviceID != "" || present(b, "deviceId") {
		code, err = h.Service.CreateCode(ctx, tenant, deviceID, userInputCode)
	} else {
		code, err = h.Service.CreateDevice(ctx, tenant, contact, userInputCode)
	}
	if err != nil {
		return err
	}
	cdi.WriteJSON(w, struct {
		Status string `json:"status"`
		Code
	}{"OK", code})
	return nil
}

// readCredentials reads {preAuthSessionId} and either {linkCode} or
// {deviceId, userInputCode}.
func readCredentials(r *http.Request) (string, Credentials, error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return "", Credentials{}, err
	}
	pre := b.String("preAuthSessionId")
	if err := b.Err(); err != nil {
		return "", Credentials{}, err
	}
	exactlyOne := cdi.BadRequest("Please provide exactly one of linkCode or deviceId+userInputCode")
	var cred Credentials
	switch {
	case present(b, "linkCode"):
		if present(b, "deviceId") || present(b, "userInputCode") {
			return "", Credentials{}, exactlyOne
		}
		cred.LinkCode = b.String("linkCode")
	case present(b, "deviceId") && present(b, "userInputCode"):
		cred.DeviceID, cred.UserInputCode = b.String("deviceId"), b.String("userInputCode")
	default:
		return "", Credentials{}, exactlyOne
	}
	if err := b.Err(); err != nil {
		return "", Credentials{}, err
	}
	if cred.LinkCode == "" && cred.DeviceID == "" {
		// An empty device id cannot name a device; without this it would
		// read as the link-code flow.
		return "", Credentials{}, errDeviceIDEncoding
	}
	return pre, cred, nil
}

// deviceJSON is a device in the reference's shape, without its codes.
func deviceJSON(d store.PasswordlessDevice) map[string]any {
	out := map[string]any{"preAuthSessionId": d.PreAuthSessionID, "failedCodeInputAttemptCount": d.FailedAttempts}
	if d.Email != "" {
		out["email"] = d.Email
	}
	if d.PhoneNumber != "" {
		out["phoneNumber"] = d.PhoneNumber
	}
	return out
}

// consumeCode answers POST /recipe/signinup/code/consume.
func (h *Handler) consumeCode(w http.ResponseWriter, r *http.Request) error {
	pre, cred, err := readCredentials(r)
	if err != nil {
		return err
	}
	res, err := h.Service.Consume(r.Context(), cdi.Tenant(r.Context()), pre, cred)
	if err != nil {
		return err
	}
	if !res.CreatedNewUser { // a new user cannot be suspended yet
		if err := h.checkSignIn(r.Context(), res.User.ID); err != nil {
			return err
		}
	}
	recipeUserID := res.User.ID
	for _, m := range res.User.LoginMethods {
		if m.RecipeID == store.RecipePasswordless &&
			(res.Device.Email == "" || m.Email == res.Device.Email) &&
			(res.Device.PhoneNumber == "" || m.PhoneNumber == res.Device.PhoneNumber) {
			recipeUserID = m.RecipeUserID
			break
		}
	}
	cdi.OK(w, map[string]any{
		"createdNewUser": res.CreatedNewUser,
		"user":           userjson.From(res.User),
		"recipeUserId":   recipeUserID,
		"consumedDevice": deviceJSON(res.Device),
	})
	return nil
}

// checkCode answers POST /recipe/signinup/code/check.
func (h *Handler) checkCode(w http.ResponseWriter, r *http.Request) error {
	pre, cred, err := readCredentials(r)
	if err != nil {
		return err
	}
	res, err := h.Service.Check(r.Context(), cdi.Tenant(r.Context()), pre, cred)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"consumedDevice": deviceJSON(res.Device)})
	return nil
}

// listCodes answers GET /recipe/signinup/codes: exactly one of email,
// phoneNumber, deviceId and preAuthSessionId.
func (h *Handler) listCodes(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	var dq DevicesQuery
	n := 0
	for _, f := range []struct {
		name string
		dst  **string
	}{{"email", &dq.Email}, {"phoneNumber", &dq.PhoneNumber}, {"deviceId", &dq.DeviceID}, {"preAuthSessionId", &dq.PreAuthSessionID}} {
		if v, ok := q.OptString(f.name); ok {
			*f.dst = &v
			n++
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	if n != 1 {
		return cdi.BadRequest("Please provide exactly one of email, phoneNumber, deviceId or preAuthSessionId")
	}
	devices, err := h.Service.Devices(r.Context(), cdi.Tenant(r.Context()), dq)
	if err != nil {
		return err
	}
	lifetime := h.Service.codeLifetime(r.Context()).Milliseconds()
	out := make([]map[string]any, 0, len(devices))
	for _, d := range devices {
		dj := deviceJSON(d)
		codes := make([]map[string]any, 0, len(d.Codes))
		for _, c := range d.Codes {
			codes = append(codes, map[string]any{"codeId": c.ID, "timeCreated": c.CreatedAt.UnixMilli(), "codeLifetime": lifetime})
		}
		dj["codes"] = codes
		out = append(out, dj)
	}
	cdi.OK(w, map[string]any{"devices": out})
	return nil
}

// removeCode answers POST /recipe/signinup/code/remove.
func (h *Handler) removeCode(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	codeID := b.String("codeId")
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.RemoveCode(r.Context(), cdi.Tenant(r.Context()), codeID); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

// removeCodes answers POST /recipe/signinup/codes/remove: exactly one of
// email and phoneNumber.
func (h *Handler) removeCodes(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	email, hasEmail := b.OptString("email")
	phone, hasPhone := b.OptString("phoneNumber")
	if err := b.Err(); err != nil {
		return err
	}
	if hasEmail == hasPhone {
		return cdi.BadRequest("Please provide exactly one of email or phoneNumber")
	}
	if err := h.Service.RemoveCodes(r.Context(), cdi.Tenant(r.Context()), Contact{Email: email, PhoneNumber: phone}); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

// GetUser answers GET /recipe/user for rid passwordless: exactly one of
// userId, email and phoneNumber.
func (h *Handler) GetUser(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id, hasID := q.OptString("userId")
	email, hasEmail := q.OptString("email")
	phone, hasPhone := q.OptString("phoneNumber")
	if err := q.Err(); err != nil {
		return err
	}
	n := 0
	for _, has := range []bool{hasID, hasEmail, hasPhone} {
		if has {
			n++
		}
	}
	if n != 1 {
		return cdi.BadRequest("Please provide exactly one of userId, email or phoneNumber")
	}
	ctx, tenant := r.Context(), cdi.Tenant(r.Context())
	var u store.User
	var err error
	switch {
	case hasID:
		u, err = h.Service.User(ctx, strings.TrimSpace(id))
	case hasEmail:
		u, err = h.Service.UserByEmail(ctx, tenant, email)
	default:
		u, err = h.Service.UserByPhoneNumber(ctx, tenant, phone)
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": userjson.From(u)})
	return nil
}

// UpdateUser answers PUT /recipe/user for rid passwordless: email and
// phoneNumber absent leave a field as it is; null clears it.
func (h *Handler) UpdateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, ok := b.OptString("recipeUserId")
	if !ok && !present(b, "recipeUserId") {
		// CDI before 4.0 named it userId.
		id, ok = b.OptString("userId")
	}
	if !ok {
		b.Fail(cdi.BadRequest("Field name 'recipeUserId' is invalid in JSON input"))
	}
	field := func(name string) Field {
		if b.IsNull(name) {
			return Field{Present: true, Clear: true}
		}
		v, ok := b.OptString(name)
		return Field{Present: ok, Value: v}
	}
	email, phone := field("email"), field("phoneNumber")
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.Update(r.Context(), strings.TrimSpace(id), email, phone); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

func (h *Handler) checkSignIn(ctx context.Context, userID string) error {
	if h.CheckSignIn == nil {
		return nil
	}
	return h.CheckSignIn(ctx, userID)
}
