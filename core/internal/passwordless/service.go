package passwordless

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/throttle"
	"github.com/latchkey-dev/latchkey/internal/wire"
	"github.com/latchkey-dev/latchkey/store"
)

// Store is what the recipe needs from the store.
type Store interface {
	store.Passwordless
	User(ctx context.Context, userID string) (store.User, error)
}

// Service is the passwordless logic. Its errors are cdi status sentinels
// (cdi.ErrRestartFlow, ...), cdi 400s, or store and context errors.
type Service struct {
	Store Store
	Now   func() time.Time
	// CodeLifetime is how long a code works after it is made.
	CodeLifetime time.Duration
	// MaxAttempts is how many wrong user input codes a device may get; the
	// last one ends the flow.
	MaxAttempts int
	// MaxCodesPerDevice caps a device's live codes: a resend beyond it
	// drops the oldest, so a guess is checked against a few codes only.
	// 0: no cap.
	MaxCodesPerDevice int
	// NormalisePhone turns a phone number into the stored (E.164) form.
	NormalisePhone func(string) string
	// Limiter counts wrong user input codes per client IP; nil turns that
	// off. A device's own attempts are capped by MaxAttempts, but an
	// attacker can start as many devices as sends allow: the IP counter
	// bounds the guesses one client makes over all of them.
	Limiter *throttle.Limiter
	// GuessesPerIP is the limit on those wrong codes.
	GuessesPerIP throttle.Policy
}

// Contact is whom a device sends codes to: exactly one of the two is set.
type Contact = wire.Contact

// Code is a code as it is handed out, in the CDI's shape: the only time
// its secrets exist outside the client.
type Code = wire.Code

// Credentials prove a sign-in: a link code, or a device id with a user
// input code.
type Credentials struct {
	LinkCode      string
	DeviceID      string
	UserInputCode string
}

// Consumed is a successful consume (or check).
type Consumed struct {
	// Device is the device as it was before it was used up.
	Device store.PasswordlessDevice
	// User and CreatedNewUser are set by Consume only.
	User           store.User
	CreatedNewUser bool
}

// NormaliseEmail trims and lower-cases an email, as the core stores it.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (s *Service) normalisePhone(p string) string {
	if s.NormalisePhone != nil {
		return s.NormalisePhone(p)
	}
	return strings.TrimSpace(p)
}

// normaliseContact puts the email or phone number in the stored form.
func (s *Service) normaliseContact(c Contact) Contact {
	if c.Email != "" {
		return Contact{Email: NormaliseEmail(c.Email)}
	}
	return Contact{PhoneNumber: s.normalisePhone(c.PhoneNumber)}
}

var (
	errDeviceIDEncoding = cdi.BadRequest("Input encoding error in DeviceId")
	errLinkCodeEncoding = cdi.BadRequest("Input encoding error in LinkCode")
	errMismatch         = cdi.BadRequest("preAuthSessionId and deviceId doesn't match")
	errNoContactGiven   = cdi.BadRequest("Please provide a non-empty email or phoneNumber")
)

// newCodeAttempts bounds the retries when a generated code collides with
// one that exists, which random 256-bit values make all but impossible.
const newCodeAttempts = 3

// CreateDevice starts a sign-in: a new device for the contact, with one
// code. userInputCode is used when not empty (an SDK may choose codes);
// otherwise 6 random digits are.
func (s *Service) CreateDevice(ctx context.Context, tenantID string, contact Contact, userInputCode string) (Code, error) {
	contact = s.normaliseContact(contact)
	if contact.Email == "" && contact.PhoneNumber == "" {
		return Code{}, errNoContactGiven
	}
	for attempt := 1; ; attempt++ {
		deviceID, err := randomBytes(deviceIDBytes)
		if err != nil {
			return Code{}, err
		}
		salt, err := randomBytes(linkCodeSaltBytes)
		if err != nil {
			return Code{}, err
		}
		code, stored, err := s.newCode(ctx, deviceID, salt, userInputCode)
		if err != nil {
			return Code{}, err
		}
		d := store.PasswordlessDevice{TenantID: tenantID, PreAuthSessionID: code.PreAuthSessionID,
			Email: contact.Email, PhoneNumber: contact.PhoneNumber, LinkCodeSalt: encode(salt)}
		err = s.Store.CreatePasswordlessDevice(ctx, d, stored)
		if errors.Is(err, store.ErrAlreadyExists) && attempt < newCodeAttempts {
			continue // the device id is new each time, so is everything derived from it
		}
		if err != nil {
			return Code{}, err
		}
		return code, nil
	}
}

// CreateCode makes a new code for the device (a resend).
// cdi.ErrRestartFlow when the device is gone; cdi.ErrUserInputCodeAlreadyUsed
// when the given userInputCode is one the device already has.
func (s *Service) CreateCode(ctx context.Context, tenantID, deviceID, userInputCode string) (Code, error) {
	id, ok := decode(deviceID)
	if !ok {
		return Code{}, errDeviceIDEncoding
	}
	d, err := s.Store.PasswordlessDevice(ctx, tenantID, preAuthSessionID(id))
	if errors.Is(err, store.ErrNotFound) {
		return Code{}, cdi.ErrRestartFlow
	}
	if err != nil {
		return Code{}, err
	}
	salt, ok := decode(d.LinkCodeSalt)
	if !ok {
		return Code{}, errors.New("passwordless: a stored link code salt is not base64")
	}
	for attempt := 1; ; attempt++ {
		code, stored, err := s.newCode(ctx, id, salt, userInputCode)
		if err != nil {
			return Code{}, err
		}
		err = s.Store.CreatePasswordlessCode(ctx, tenantID, stored, s.MaxCodesPerDevice)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return Code{}, cdi.ErrRestartFlow
		case errors.Is(err, store.ErrAlreadyExists) && userInputCode != "":
			// The link code is derived from the device and the user input
			// code, so the same code always collides.
			return Code{}, cdi.ErrUserInputCodeAlreadyUsed
		case errors.Is(err, store.ErrAlreadyExists) && attempt < newCodeAttempts:
			continue
		case err != nil:
			return Code{}, err
		}
		return code, nil
	}
}

// newCode makes a code for a device: what the client gets, and what the
// store keeps.
func (s *Service) newCode(ctx context.Context, deviceID, salt []byte, userInputCode string) (Code, store.PasswordlessCode, error) {
	if userInputCode == "" {
		var err error
		if userInputCode, err = newUserInputCode(); err != nil {
			return Code{}, store.PasswordlessCode{}, err
		}
	}
	link := linkCode(deviceID, salt, userInputCode)
	now := s.Now().Truncate(time.Millisecond)
	code := Code{
		PreAuthSessionID: preAuthSessionID(deviceID),
		CodeID:           uuid.NewString(),
		DeviceID:         encode(deviceID),
		UserInputCode:    userInputCode,
		LinkCode:         encode(link),
		TimeCreated:      now.UnixMilli(),
		CodeLifetime:     s.codeLifetime(ctx).Milliseconds(),
	}
	return code, store.PasswordlessCode{ID: code.CodeID, PreAuthSessionID: code.PreAuthSessionID,
		LinkCodeHash: linkCodeHash(link), CreatedAt: now}, nil
}

// Consume signs in with a code: it uses up the device (and every other
// device of its email or phone number), creates the user if needed and
// marks a consumed email verified. Statuses: cdi.ErrRestartFlow,
// cdi.ErrIncorrectUserInputCode, cdi.ErrExpiredUserInputCode (the latter
// two with the attempt counts).
func (s *Service) Consume(ctx context.Context, tenantID, preAuthSessionID string, cred Credentials) (Consumed, error) {
	return s.use(ctx, tenantID, preAuthSessionID, cred, store.PasswordlessSignIn)
}

// Check checks a code as Consume does, counting a wrong user input code,
// but leaves a right one unused.
func (s *Service) Check(ctx context.Context, tenantID, preAuthSessionID string, cred Credentials) (Consumed, error) {
	return s.use(ctx, tenantID, preAuthSessionID, cred, store.PasswordlessKeep)
}

func (s *Service) use(ctx context.Context, tenantID, given string, cred Credentials, onSuccess store.PasswordlessOutcome) (Consumed, error) {
	now := s.Now()
	oldest := now.Add(-s.codeLifetime(ctx)) // a code created before this has expired
	given = strings.ReplaceAll(given, "=", "")
	byLink := cred.DeviceID == ""

	// Find the device and the hash to look for. The transaction below
	// checks everything again under lock; this only tells a bad request
	// (400) from a flow to restart.
	var pre, hash string
	if byLink {
		link, ok := decode(cred.LinkCode)
		if !ok {
			return Consumed{}, errLinkCodeEncoding
		}
		hash = linkCodeHash(link)
		code, err := s.Store.PasswordlessCodeByLinkCodeHash(ctx, tenantID, hash)
		if errors.Is(err, store.ErrNotFound) {
			return Consumed{}, cdi.ErrRestartFlow
		}
		if err != nil {
			return Consumed{}, err
		}
		if code.CreatedAt.Before(oldest) {
			return Consumed{}, cdi.ErrRestartFlow
		}
		pre = code.PreAuthSessionID
	} else {
		id, ok := decode(cred.DeviceID)
		if !ok {
			return Consumed{}, errDeviceIDEncoding
		}
		pre = preAuthSessionID(id)
		d, err := s.Store.PasswordlessDevice(ctx, tenantID, pre)
		if errors.Is(err, store.ErrNotFound) {
			return Consumed{}, cdi.ErrRestartFlow
		}
		if err != nil {
			return Consumed{}, err
		}
		salt, ok := decode(d.LinkCodeSalt)
		if !ok {
			return Consumed{}, errors.New("passwordless: a stored link code salt is not base64")
		}
		hash = linkCodeHash(linkCode(id, salt, cred.UserInputCode))
	}
	if pre != given {
		return Consumed{}, errMismatch
	}

	// A client IP locked after too many wrong codes gets the flow
	// restarted, with the Latchkey field saying how long to wait; the
	// code is not checked, so the answer tells nothing about it.
	var ipSubjects []throttle.Subject
	if ip := cdi.ClientIP(ctx); ip != "" && s.Limiter != nil && !byLink {
		ipSubjects = []throttle.Subject{throttle.NewSubject(s.GuessesPerIP, "consume-ip", ip)}
		chk, err := s.Limiter.Check(ctx, ipSubjects...)
		if err != nil {
			return Consumed{}, err
		}
		if chk.Locked() {
			return Consumed{}, cdi.ErrRestartFlow.With(throttle.RetryAfterField, s.Limiter.RetryAfter(chk).Milliseconds())
		}
	}
	wrongGuess := false

	limit := int(cdi.ConfigInt(ctx, "passwordless_max_code_input_attempts", int64(s.MaxAttempts)))
	check := func(d store.PasswordlessDevice) (store.PasswordlessOutcome, error) {
		wrongGuess = false // the store may call check again on a retried transaction
		if d.FailedAttempts >= limit {
			// Only when the limit was lowered since the attempts were made.
			return store.PasswordlessRevoke, cdi.ErrRestartFlow
		}
		var code *store.PasswordlessCode
		for i := range d.Codes {
			if sameHash(d.Codes[i].LinkCodeHash, hash) {
				code = &d.Codes[i]
			}
		}
		if code != nil && !code.CreatedAt.Before(oldest) {
			return onSuccess, nil
		}
		if byLink {
			// A wrong or expired link is not an attempt at guessing a
			// code, so it costs none; the flow restarts.
			return store.PasswordlessKeep, cdi.ErrRestartFlow
		}
		wrongGuess = true
		failed := d.FailedAttempts + 1
		if failed >= limit {
			return store.PasswordlessRevoke, cdi.ErrRestartFlow
		}
		status := cdi.ErrIncorrectUserInputCode
		if code != nil {
			status = cdi.ErrExpiredUserInputCode
		}
		return store.PasswordlessFailedAttempt, status.With("failedCodeInputAttemptCount", failed).With("maximumCodeInputAttempts", limit)
	}
	res, err := s.Store.ConsumePasswordlessCode(ctx, tenantID, pre,
		store.PasswordlessUser{ID: uuid.NewString(), TimeJoined: now.Truncate(time.Millisecond)}, check)
	if wrongGuess && len(ipSubjects) > 0 {
		if err := s.Limiter.Fail(ctx, ipSubjects...); err != nil {
			return Consumed{}, err
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Used up, revoked or expired meanwhile.
		return Consumed{}, cdi.ErrRestartFlow
	case errors.Is(err, store.ErrAlreadyExists):
		// A user with this contact kept appearing while we created one;
		// asking the user to start again is what the reference does.
		return Consumed{}, cdi.ErrRestartFlow
	case err != nil:
		return Consumed{}, err
	}
	return Consumed{Device: res.Device, User: res.User, CreatedNewUser: res.CreatedNewUser}, nil
}

// DevicesQuery selects devices by exactly one field.
type DevicesQuery struct {
	Email, PhoneNumber, DeviceID, PreAuthSessionID *string
}

// Devices lists devices with their codes.
func (s *Service) Devices(ctx context.Context, tenantID string, q DevicesQuery) ([]store.PasswordlessDevice, error) {
	one := func(pre string) ([]store.PasswordlessDevice, error) {
		d, err := s.Store.PasswordlessDevice(ctx, tenantID, pre)
		if errors.Is(err, store.ErrNotFound) {
			return []store.PasswordlessDevice{}, nil
		}
		if err != nil {
			return nil, err
		}
		return []store.PasswordlessDevice{d}, nil
	}
	switch {
	case q.Email != nil:
		return s.Store.PasswordlessDevicesByEmail(ctx, tenantID, NormaliseEmail(*q.Email))
	case q.PhoneNumber != nil:
		return s.Store.PasswordlessDevicesByPhoneNumber(ctx, tenantID, s.normalisePhone(*q.PhoneNumber))
	case q.DeviceID != nil:
		id, ok := decode(*q.DeviceID)
		if !ok {
			return nil, errDeviceIDEncoding
		}
		return one(preAuthSessionID(id))
	case q.PreAuthSessionID != nil:
		return one(strings.ReplaceAll(*q.PreAuthSessionID, "=", ""))
	}
	return []store.PasswordlessDevice{}, nil
}

// RemoveCode revokes one code (and its device, if it was the last).
func (s *Service) RemoveCode(ctx context.Context, tenantID, codeID string) error {
	return s.Store.DeletePasswordlessCode(ctx, tenantID, codeID)
}

// RemoveCodes revokes every device of the contact.
func (s *Service) RemoveCodes(ctx context.Context, tenantID string, contact Contact) error {
	contact = s.normaliseContact(contact)
	if contact.Email != "" {
		return s.Store.DeletePasswordlessDevicesByEmail(ctx, tenantID, contact.Email)
	}
	return s.Store.DeletePasswordlessDevicesByPhoneNumber(ctx, tenantID, contact.PhoneNumber)
}

// User returns the passwordless user with this id. cdi.ErrUnknownUserID
// when there is none.
func (s *Service) User(ctx context.Context, userID string) (store.User, error) {
	p, err := s.Store.PasswordlessUser(ctx, userID)
	return s.user(ctx, p.ID, err, cdi.ErrUnknownUserID)
}

// UserByEmail returns the passwordless user with this email in the tenant.
// cdi.ErrUnknownEmail when there is none.
func (s *Service) UserByEmail(ctx context.Context, tenantID, email string) (store.User, error) {
	p, err := s.Store.PasswordlessUserByEmail(ctx, tenantID, NormaliseEmail(email))
	return s.user(ctx, p.ID, err, cdi.ErrUnknownEmail)
}

// UserByPhoneNumber returns the passwordless user with this phone number in
// the tenant. cdi.ErrUnknownPhoneNumber when there is none.
func (s *Service) UserByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) (store.User, error) {
	p, err := s.Store.PasswordlessUserByPhoneNumber(ctx, tenantID, s.normalisePhone(phoneNumber))
	return s.user(ctx, p.ID, err, cdi.ErrUnknownPhoneNumber)
}

// user loads the user a lookup found, mapping not found (then or after a
// concurrent delete) to notFound.
func (s *Service) user(ctx context.Context, id string, err, notFound error) (store.User, error) {
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, notFound
	}
	if err != nil {
		return store.User{}, err
	}
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, notFound
	}
	return u, err
}

// Field is an optional update of one field: absent leaves it as it is;
// present with Clear (JSON null) or an empty Value removes it.
type Field struct {
	Present bool
	Clear   bool
	Value   string
}

var errNoContact = cdi.BadRequest("You cannot clear both email and phone number of a user")

// Update changes or clears a user's email and phone number.
// cdi.ErrUnknownUserID, cdi.ErrEmailAlreadyExists,
// cdi.ErrPhoneNumberAlreadyExists; a 400 when both would be cleared.
func (s *Service) Update(ctx context.Context, userID string, email, phone Field) error {
	_, err := s.Store.UpdatePasswordlessUser(ctx, userID, func(u *store.PasswordlessUser) error {
		if email.Present {
			u.Email = ""
			if !email.Clear {
				u.Email = NormaliseEmail(email.Value)
			}
		}
		if phone.Present {
			u.PhoneNumber = ""
			if !phone.Clear {
				u.PhoneNumber = s.normalisePhone(phone.Value)
			}
		}
		if u.Email == "" && u.PhoneNumber == "" {
			return errNoContact
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return cdi.ErrUnknownUserID
	case errors.Is(err, store.ErrEmailTaken):
		return cdi.ErrEmailAlreadyExists
	case errors.Is(err, store.ErrPhoneNumberTaken):
		return cdi.ErrPhoneNumberAlreadyExists
	}
	if le := (*store.LinkError)(nil); errors.As(err, &le) {
		if le.InfoType == store.InfoPhoneNumber {
			return cdi.ErrPhoneNumberChangeNotAllowed.With("reason", "New phone number is associated with another primary user ID")
		}
		return cdi.ErrEmailChangeNotAllowed.With("reason", "New email is associated with another primary user ID")
	}
	return err
}

// codeLifetime is the request's tenant's own code lifetime, or the core's.
func (s *Service) codeLifetime(ctx context.Context) time.Duration {
	return cdi.ConfigMillis(ctx, "passwordless_code_lifetime", s.CodeLifetime)
}
