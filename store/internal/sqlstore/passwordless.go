package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// Passwordless storage. Lock order, which keeps PostgreSQL transactions from
// waiting for each other in a cycle:
//
//   - A transaction locks all of its devices in one statement, ordered by
//     (tenant_id, pre_auth_session_id), before it writes anything else, and
//     deletes only the devices it locked, by key, never by a predicate that
//     could reach a device someone else holds.
//   - UpdatePasswordlessUser locks the user first, then the devices of the
//     old and new contacts, and only then writes the user's identifiers.
//   - ConsumePasswordlessCode never waits for a user: it reads the user it
//     signs in without a lock (whoever changes that user's contacts must
//     first get the devices it holds) and creates a new user under a key of
//     its own; a duplicate contact makes it start again.
//   - user_counts are written last (adjustCounts).
//
// SQLite serialises write transactions, so there the order is moot.

// pwlAttempts bounds the attempts of ConsumePasswordlessCode: another is
// needed only when a user with the device's contact was created
// concurrently, after which the next attempt finds that user.
const pwlAttempts = 3

const pwlDeviceSelect = `SELECT tenant_id, pre_auth_session_id, email, phone_number, link_code_salt, failed_attempts
FROM passwordless_devices`

const pwlCodeSelect = `SELECT code_id, pre_auth_session_id, link_code_hash, created_at FROM passwordless_codes`

const pwlUserSelect = `SELECT p.user_id, p.tenant_id, p.email, p.phone_number, u.time_joined
FROM passwordless_users p JOIN users u ON u.user_id = p.user_id`

// pwlByInfo is the WHERE clause that finds the passwordless user with an
// identifier ($2 of type $3) in tenant $1, through account_infos, whose
// primary key is the uniqueness rule.
const pwlByInfo = ` WHERE p.user_id = (SELECT a.user_id FROM account_infos a
	WHERE a.tenant_id = $1 AND a.info_type = $3 AND a.info_value = $2
	AND a.recipe_id = 'passwordless' AND a.third_party_key = '')`

type scanner interface{ Scan(dest ...any) error }

func scanDevice(sc scanner) (store.PasswordlessDevice, error) {
	var (
		d            store.PasswordlessDevice
		email, phone sql.NullString
	)
	if err := sc.Scan(&d.TenantID, &d.PreAuthSessionID, &email, &phone, &d.LinkCodeSalt, &d.FailedAttempts); err != nil {
		return store.PasswordlessDevice{}, err
	}
	d.Email, d.PhoneNumber = email.String, phone.String
	return d, nil
}

func scanCode(sc scanner) (store.PasswordlessCode, error) {
	var (
		c       store.PasswordlessCode
		created int64
	)
	if err := sc.Scan(&c.ID, &c.PreAuthSessionID, &c.LinkCodeHash, &created); err != nil {
		return store.PasswordlessCode{}, err
	}
	c.CreatedAt = fromMS(created)
	return c, nil
}

func scanPwlUser(sc scanner) (store.PasswordlessUser, error) {
	var (
		u            store.PasswordlessUser
		email, phone sql.NullString
		joined       int64
	)
	if err := sc.Scan(&u.ID, &u.TenantID, &email, &phone, &joined); err != nil {
		return store.PasswordlessUser{}, err
	}
	u.Email, u.PhoneNumber, u.TimeJoined = email.String, phone.String, fromMS(joined)
	return u, nil
}

// nullIfEmpty stores "" as NULL, for the optional contact columns.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scanDevices reads a device query's rows.
func scanDevices(rows *sql.Rows, err error) ([]store.PasswordlessDevice, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.PasswordlessDevice{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// withCodes fills in the codes of devices, all of tenantID, oldest first.
func (s *DB) withCodes(ctx context.Context, q querier, tenantID string, devices []store.PasswordlessDevice) error {
	for start := 0; start < len(devices); start += loadChunk {
		chunk := devices[start:min(len(devices), start+loadChunk)]
		byID := make(map[string]*store.PasswordlessDevice, len(chunk))
		var a argList
		tenant := a.add(tenantID)
		pres := make([]string, len(chunk))
		for i := range chunk {
			chunk[i].Codes = []store.PasswordlessCode{}
			byID[chunk[i].PreAuthSessionID] = &chunk[i]
			pres[i] = chunk[i].PreAuthSessionID
		}
		rows, err := q.QueryContext(ctx, pwlCodeSelect+` WHERE tenant_id = `+tenant+
			` AND pre_auth_session_id IN (`+a.in(pres)+`) ORDER BY created_at, code_id`, a.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanCode(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if d := byID[c.PreAuthSessionID]; d != nil {
				d.Codes = append(d.Codes, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CreatePasswordlessDevice stores a device and its first code in one
// transaction.
func (s *DB) CreatePasswordlessDevice(ctx context.Context, d store.PasswordlessDevice, c store.PasswordlessCode) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO passwordless_devices
(tenant_id, pre_auth_session_id, email, phone_number, link_code_salt, failed_attempts) VALUES ($1, $2, $3, $4, $5, 0)`,
			d.TenantID, d.PreAuthSessionID, nullIfEmpty(d.Email), nullIfEmpty(d.PhoneNumber), d.LinkCodeSalt); err != nil {
			return s.wrap("create passwordless device", err)
		}
		return s.insertCode(ctx, tx, d.TenantID, d.PreAuthSessionID, c)
	})
}

func (s *DB) insertCode(ctx context.Context, q querier, tenantID, preAuthSessionID string, c store.PasswordlessCode) error {
	_, err := q.ExecContext(ctx, `INSERT INTO passwordless_codes
(tenant_id, code_id, pre_auth_session_id, link_code_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		tenantID, c.ID, preAuthSessionID, c.LinkCodeHash, ms(c.CreatedAt))
	if s.isForeignKeyViolation(err) {
		return notFound("create passwordless code: device")
	}
	return s.wrap("create passwordless code", err)
}

// CreatePasswordlessCode adds a code to a device and drops its oldest
// codes beyond maxCodes, in one transaction that holds the device's row so
// that concurrent resends cannot leave more. The device is a foreign key,
// so a device consumed concurrently is reported as not found.
func (s *DB) CreatePasswordlessCode(ctx context.Context, tenantID string, c store.PasswordlessCode, maxCodes int) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM passwordless_devices WHERE tenant_id = $1 AND pre_auth_session_id = $2`+s.dialect.ForUpdate,
			tenantID, c.PreAuthSessionID).Scan(&one)
		if errNoRows(err) {
			return notFound("create passwordless code: device")
		}
		if err != nil {
			return s.wrap("create passwordless code", err)
		}
		if err := s.insertCode(ctx, tx, tenantID, c.PreAuthSessionID, c); err != nil {
			return err
		}
		if maxCodes <= 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM passwordless_codes WHERE tenant_id = $1 AND pre_auth_session_id = $2 AND code_id NOT IN (
	SELECT code_id FROM passwordless_codes WHERE tenant_id = $1 AND pre_auth_session_id = $2 ORDER BY created_at DESC, code_id DESC LIMIT $3)`,
			tenantID, c.PreAuthSessionID, maxCodes)
		return s.wrap("create passwordless code: drop the oldest", err)
	})
}

// PasswordlessDevice returns a device with its codes.
func (s *DB) PasswordlessDevice(ctx context.Context, tenantID, preAuthSessionID string) (store.PasswordlessDevice, error) {
	d, err := scanDevice(s.reader.QueryRowContext(ctx, pwlDeviceSelect+` WHERE tenant_id = $1 AND pre_auth_session_id = $2`,
		tenantID, preAuthSessionID))
	if errNoRows(err) {
		return d, notFound("passwordless device")
	}
	if err != nil {
		return d, s.wrap("passwordless device", err)
	}
	devices := []store.PasswordlessDevice{d}
	if err := s.withCodes(ctx, s.reader, tenantID, devices); err != nil {
		return store.PasswordlessDevice{}, s.wrap("passwordless device", err)
	}
	return devices[0], nil
}

// PasswordlessDevicesByEmail returns the devices of an email.
func (s *DB) PasswordlessDevicesByEmail(ctx context.Context, tenantID, email string) ([]store.PasswordlessDevice, error) {
	return s.devicesBy(ctx, tenantID, "email", email)
}

// PasswordlessDevicesByPhoneNumber returns the devices of a phone number.
func (s *DB) PasswordlessDevicesByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) ([]store.PasswordlessDevice, error) {
	return s.devicesBy(ctx, tenantID, "phone_number", phoneNumber)
}

// devicesBy lists the devices whose column (email or phone_number, never
// client input) equals value.
func (s *DB) devicesBy(ctx context.Context, tenantID, column, value string) ([]store.PasswordlessDevice, error) {
	devices, err := scanDevices(s.reader.QueryContext(ctx,
		pwlDeviceSelect+` WHERE tenant_id = $1 AND `+column+` = $2 ORDER BY pre_auth_session_id`, tenantID, value))
	if err == nil {
		err = s.withCodes(ctx, s.reader, tenantID, devices)
	}
	if err != nil {
		return nil, s.wrap("passwordless devices", err)
	}
	return devices, nil
}

// PasswordlessCodeByLinkCodeHash returns the code with this link code hash.
func (s *DB) PasswordlessCodeByLinkCodeHash(ctx context.Context, tenantID, linkCodeHash string) (store.PasswordlessCode, error) {
	c, err := scanCode(s.reader.QueryRowContext(ctx, pwlCodeSelect+` WHERE tenant_id = $1 AND link_code_hash = $2`,
		tenantID, linkCodeHash))
	if errNoRows(err) {
		return c, notFound("passwordless code")
	}
	return c, s.wrap("passwordless code", err)
}

// DeletePasswordlessCode removes a code, and its device when no code is
// left, in one transaction that holds the device.
func (s *DB) DeletePasswordlessCode(ctx context.Context, tenantID, codeID string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var pre string
		err := tx.QueryRowContext(ctx, `SELECT pre_auth_session_id FROM passwordless_codes WHERE tenant_id = $1 AND code_id = $2`,
			tenantID, codeID).Scan(&pre)
		if errNoRows(err) {
			return nil
		}
		if err != nil {
			return s.wrap("delete passwordless code", err)
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM passwordless_devices WHERE tenant_id = $1 AND pre_auth_session_id = $2`+
			s.dialect.ForUpdate, tenantID, pre).Scan(&one)
		if errNoRows(err) {
			return nil // consumed meanwhile, codes and all
		}
		if err != nil {
			return s.wrap("delete passwordless code", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM passwordless_codes WHERE tenant_id = $1 AND code_id = $2`,
			tenantID, codeID); err != nil {
			return s.wrap("delete passwordless code", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM passwordless_devices WHERE tenant_id = $1 AND pre_auth_session_id = $2
AND NOT EXISTS (SELECT 1 FROM passwordless_codes c WHERE c.tenant_id = $1 AND c.pre_auth_session_id = $2)`,
			tenantID, pre); err != nil {
			return s.wrap("delete passwordless code", err)
		}
		return nil
	})
}

// DeletePasswordlessDevicesByEmail removes every device of an email.
func (s *DB) DeletePasswordlessDevicesByEmail(ctx context.Context, tenantID, email string) error {
	return s.deleteDevicesOf(ctx, tenantID, []string{email}, nil)
}

// DeletePasswordlessDevicesByPhoneNumber removes every device of a phone
// number.
func (s *DB) DeletePasswordlessDevicesByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) error {
	return s.deleteDevicesOf(ctx, tenantID, nil, []string{phoneNumber})
}

func (s *DB) deleteDevicesOf(ctx context.Context, tenantID string, emails, phones []string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		locked, err := s.lockDevices(ctx, tx, tenantID, emails, phones)
		if err != nil {
			return err
		}
		return s.deleteDevices(ctx, tx, tenantID, preAuthSessionIDs(locked))
	})
}

// lockDevices locks, in one statement and in key order, the devices of
// tenantID that belong to any of the emails or phone numbers, and returns
// them.
func (s *DB) lockDevices(ctx context.Context, tx *sql.Tx, tenantID string, emails, phones []string) ([]store.PasswordlessDevice, error) {
	emails, phones = nonEmpty(emails), nonEmpty(phones)
	if len(emails) == 0 && len(phones) == 0 {
		return nil, nil
	}
	var a argList
	query := pwlDeviceSelect + ` WHERE tenant_id = ` + a.add(tenantID) + ` AND (`
	var ors []string
	if len(emails) > 0 {
		ors = append(ors, `email IN (`+a.in(emails)+`)`)
	}
	if len(phones) > 0 {
		ors = append(ors, `phone_number IN (`+a.in(phones)+`)`)
	}
	query += strings.Join(ors, " OR ") + `) ORDER BY pre_auth_session_id` + s.dialect.ForUpdate
	devices, err := scanDevices(tx.QueryContext(ctx, query, a.args...))
	if err != nil {
		return nil, s.wrap("lock passwordless devices", err)
	}
	return devices, nil
}

// nonEmpty returns ss without empty strings and repeats.
func nonEmpty(ss []string) []string {
	var out []string
	for _, v := range dedupe(ss) {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func preAuthSessionIDs(devices []store.PasswordlessDevice) []string {
	out := make([]string, len(devices))
	for i, d := range devices {
		out[i] = d.PreAuthSessionID
	}
	return out
}

// deleteDevices deletes devices by key; their codes go with them (ON
// DELETE CASCADE).
func (s *DB) deleteDevices(ctx context.Context, tx *sql.Tx, tenantID string, pres []string) error {
	for len(pres) > 0 {
		n := min(len(pres), loadChunk)
		var a argList
		query := `DELETE FROM passwordless_devices WHERE tenant_id = ` + a.add(tenantID) +
			` AND pre_auth_session_id IN (` + a.in(pres[:n]) + `)`
		if _, err := tx.ExecContext(ctx, query, a.args...); err != nil {
			return s.wrap("delete passwordless devices", err)
		}
		pres = pres[n:]
	}
	return nil
}

// DeleteExpiredPasswordlessDevices removes the devices without a code
// created at or after createdBefore. The devices are locked in key order
// first, as every multi-device transaction does; the DELETE checks the
// codes again, so a device that was given a new code meanwhile stays.
func (s *DB) DeleteExpiredPasswordlessDevices(ctx context.Context, createdBefore time.Time) (int64, error) {
	var deleted int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT tenant_id, pre_auth_session_id FROM passwordless_devices d
WHERE NOT EXISTS (SELECT 1 FROM passwordless_codes c
	WHERE c.tenant_id = d.tenant_id AND c.pre_auth_session_id = d.pre_auth_session_id AND c.created_at >= $1)
ORDER BY tenant_id, pre_auth_session_id`+s.dialect.ForUpdate, ms(createdBefore))
		if err != nil {
			return s.wrap("delete expired passwordless devices", err)
		}
		type key struct{ tenant, pre string }
		var keys []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.tenant, &k.pre); err != nil {
				rows.Close()
				return s.wrap("delete expired passwordless devices", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap("delete expired passwordless devices", err)
		}
		for _, k := range keys {
			res, err := tx.ExecContext(ctx, `DELETE FROM passwordless_devices WHERE tenant_id = $1 AND pre_auth_session_id = $2
AND NOT EXISTS (SELECT 1 FROM passwordless_codes c
	WHERE c.tenant_id = $1 AND c.pre_auth_session_id = $2 AND c.created_at >= $3)`,
				k.tenant, k.pre, ms(createdBefore))
			if err != nil {
				return s.wrap("delete expired passwordless devices", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return s.wrap("delete expired passwordless devices", err)
			}
			deleted += n
		}
		return nil
	})
	return deleted, err
}

// ConsumePasswordlessCode locks the device and the other devices of its
// contact (and of the contact of the user it would sign in), calls check,
// and applies its outcome, in one transaction; see [store.Passwordless].
func (s *DB) ConsumePasswordlessCode(ctx context.Context, tenantID, preAuthSessionID string, newUser store.PasswordlessUser,
	check func(store.PasswordlessDevice) (store.PasswordlessOutcome, error)) (store.PasswordlessConsumed, error) {
	for attempt := 1; ; attempt++ {
		var (
			out      store.PasswordlessConsumed
			checkErr error
		)
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var err error
			out, checkErr, err = s.consume(ctx, tx, tenantID, preAuthSessionID, newUser, check)
			if err != nil {
				return err
			}
			if checkErr != nil {
				return commitAnyway{checkErr}
			}
			return nil
		})
		switch {
		case err == nil:
			return out, nil
		case checkErr != nil && err == checkErr:
			// Committed: the device is as the check saw it, plus its outcome.
			return out, err
		case isNewUserConflict(err) && attempt < pwlAttempts:
			continue
		}
		return store.PasswordlessConsumed{}, err
	}
}

// errNewUserConflict marks the unique violation of creating the user that
// signs in, so that the retry does not mistake a check's error for it.
type errNewUserConflict struct{ err error }

func (e errNewUserConflict) Error() string { return e.err.Error() }
func (e errNewUserConflict) Unwrap() error { return e.err }

func isNewUserConflict(err error) bool {
	var c errNewUserConflict
	return errors.As(err, &c)
}

func (s *DB) consume(ctx context.Context, tx *sql.Tx, tenantID, pre string, newUser store.PasswordlessUser,
	check func(store.PasswordlessDevice) (store.PasswordlessOutcome, error)) (store.PasswordlessConsumed, error, error) {
	var out store.PasswordlessConsumed
	// Read before locking, to learn which devices to lock.
	var email, phone sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT email, phone_number FROM passwordless_devices WHERE tenant_id = $1 AND pre_auth_session_id = $2`,
		tenantID, pre).Scan(&email, &phone)
	if errNoRows(err) {
		return out, nil, notFound("consume passwordless code: device")
	}
	if err != nil {
		return out, nil, s.wrap("consume passwordless code", err)
	}
	emails, phones := []string{email.String}, []string{phone.String}
	if u, err := s.pwlUserByContact(ctx, tx, tenantID, email.String, phone.String); err == nil {
		emails, phones = append(emails, u.Email), append(phones, u.PhoneNumber)
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, nil, err
	}
	locked, err := s.lockDevices(ctx, tx, tenantID, emails, phones)
	if err != nil {
		return out, nil, err
	}
	var device *store.PasswordlessDevice
	for i := range locked {
		if locked[i].PreAuthSessionID == pre {
			device = &locked[i]
		}
	}
	if device == nil {
		return out, nil, notFound("consume passwordless code: device") // consumed or revoked meanwhile
	}
	one := []store.PasswordlessDevice{*device}
	if err := s.withCodes(ctx, tx, tenantID, one); err != nil {
		return out, nil, s.wrap("consume passwordless code", err)
	}
	out.Device = one[0]

	outcome, checkErr := check(out.Device)
	switch outcome {
	case store.PasswordlessKeep:
	case store.PasswordlessFailedAttempt:
		if _, err := tx.ExecContext(ctx, `UPDATE passwordless_devices SET failed_attempts = failed_attempts + 1
WHERE tenant_id = $1 AND pre_auth_session_id = $2`, tenantID, pre); err != nil {
			return out, nil, s.wrap("consume passwordless code", err)
		}
	case store.PasswordlessRevoke:
		if err := s.deleteDevices(ctx, tx, tenantID, []string{pre}); err != nil {
			return out, nil, err
		}
	case store.PasswordlessSignIn:
		if out.User, out.CreatedNewUser, err = s.pwlSignIn(ctx, tx, out.Device, locked, newUser); err != nil {
			return out, nil, err
		}
	default:
		return out, nil, fmt.Errorf("sqlstore: consume passwordless code: unknown outcome %d", outcome)
	}
	return out, checkErr, nil
}

// pwlSignIn finds or creates the passwordless user of the device's
// contact, deletes the locked devices of that user's contacts, and marks a
// consumed email verified.
func (s *DB) pwlSignIn(ctx context.Context, tx *sql.Tx, d store.PasswordlessDevice, locked []store.PasswordlessDevice,
	newUser store.PasswordlessUser) (store.User, bool, error) {
	u, err := s.pwlUserByContact(ctx, tx, d.TenantID, d.Email, d.PhoneNumber)
	created := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		u = store.PasswordlessUser{ID: newUser.ID, TenantID: d.TenantID, Email: d.Email, PhoneNumber: d.PhoneNumber,
			TimeJoined: newUser.TimeJoined}
		if err := s.insertPasswordlessUser(ctx, tx, u); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return store.User{}, false, errNewUserConflict{err}
			}
			return store.User{}, false, err
		}
		created = true
	case err != nil:
		return store.User{}, false, err
	}
	var del []string
	for _, l := range locked {
		if (l.Email != "" && (l.Email == d.Email || l.Email == u.Email)) ||
			(l.PhoneNumber != "" && (l.PhoneNumber == d.PhoneNumber || l.PhoneNumber == u.PhoneNumber)) {
			del = append(del, l.PreAuthSessionID)
		}
	}
	if err := s.deleteDevices(ctx, tx, d.TenantID, del); err != nil {
		return store.User{}, false, err
	}
	if d.Email != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO verified_emails (user_id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			u.ID, d.Email); err != nil {
			return store.User{}, false, s.wrap("consume passwordless code: verify email", err)
		}
	}
	users, err := s.loadUsers(ctx, tx, []string{u.ID})
	if err != nil {
		return store.User{}, false, err
	}
	if len(users) == 0 {
		return store.User{}, false, notFound("consume passwordless code: user")
	}
	return users[0], created, nil
}

// pwlUserByContact returns the passwordless user with the email, or else
// the phone number, in tenantID.
func (s *DB) pwlUserByContact(ctx context.Context, q querier, tenantID, email, phone string) (store.PasswordlessUser, error) {
	infoType, value := infoEmail, email
	if email == "" {
		infoType, value = infoPhone, phone
	}
	u, err := scanPwlUser(q.QueryRowContext(ctx, pwlUserSelect+pwlByInfo, tenantID, value, infoType))
	if errNoRows(err) {
		return u, notFound("passwordless user")
	}
	return u, s.wrap("passwordless user", err)
}

// CreatePasswordlessUser stores a new user.
func (s *DB) CreatePasswordlessUser(ctx context.Context, u store.PasswordlessUser) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.insertPasswordlessUser(ctx, tx, u) })
}

func (s *DB) insertPasswordlessUser(ctx context.Context, tx *sql.Tx, u store.PasswordlessUser) error {
	if u.Email == "" && u.PhoneNumber == "" {
		return errors.New("sqlstore: create passwordless user: a passwordless user needs an email or a phone number")
	}
	joined := ms(u.TimeJoined)
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (user_id, recipe_id, time_joined) VALUES ($1, 'passwordless', $2)`,
		u.ID, joined); err != nil {
		return s.wrap("create passwordless user", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_users (tenant_id, user_id, recipe_id, time_joined) VALUES ($1, $2, 'passwordless', $3)`,
		u.TenantID, u.ID, joined); err != nil {
		return s.wrap("create passwordless user", err)
	}
	if u.Email != "" {
		if err := s.insertPwlInfo(ctx, tx, u, infoEmail, u.Email); err != nil {
			return err
		}
	}
	if u.PhoneNumber != "" {
		if err := s.insertPwlInfo(ctx, tx, u, infoPhone, u.PhoneNumber); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO passwordless_users (user_id, tenant_id, email, phone_number) VALUES ($1, $2, $3, $4)`,
		u.ID, u.TenantID, nullIfEmpty(u.Email), nullIfEmpty(u.PhoneNumber)); err != nil {
		return s.wrap("create passwordless user", err)
	}
	return s.countNewUser(ctx, tx, store.RecipePasswordless, u.TenantID, u.TimeJoined)
}

// insertPwlInfo adds one identifier of a passwordless user to
// account_infos, whose primary key makes it unique in the tenant.
func (s *DB) insertPwlInfo(ctx context.Context, tx *sql.Tx, u store.PasswordlessUser, infoType, value string) error {
	var domain any
	if infoType == infoEmail {
		domain = emailDomain(value)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO account_infos (tenant_id, info_type, info_value, recipe_id, third_party_key, email_domain, user_id, time_joined)
VALUES ($1, $2, $3, 'passwordless', '', $4, $5, $6)`, u.TenantID, infoType, value, domain, u.ID, ms(u.TimeJoined))
	return s.pwlInfoErr("passwordless user "+infoType, infoType, err)
}

// pwlInfoErr names which identifier a unique violation is about.
func (s *DB) pwlInfoErr(op, infoType string, err error) error {
	if s.isUniqueViolation(err) {
		taken := store.ErrEmailTaken
		if infoType == infoPhone {
			taken = store.ErrPhoneNumberTaken
		}
		return fmt.Errorf("sqlstore: %s: %w: %w", op, taken, err)
	}
	return s.wrap(op, err)
}

// PasswordlessUser returns a passwordless user by id.
func (s *DB) PasswordlessUser(ctx context.Context, userID string) (store.PasswordlessUser, error) {
	u, err := scanPwlUser(s.reader.QueryRowContext(ctx, pwlUserSelect+` WHERE p.user_id = $1`, userID))
	if errNoRows(err) {
		return u, notFound("passwordless user")
	}
	return u, s.wrap("passwordless user", err)
}

// PasswordlessUserByEmail returns the passwordless user with this email in
// tenantID.
func (s *DB) PasswordlessUserByEmail(ctx context.Context, tenantID, email string) (store.PasswordlessUser, error) {
	return s.pwlUserByContact(ctx, s.reader, tenantID, email, "")
}

// PasswordlessUserByPhoneNumber returns the passwordless user with this
// phone number in tenantID.
func (s *DB) PasswordlessUserByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) (store.PasswordlessUser, error) {
	if phoneNumber == "" {
		return store.PasswordlessUser{}, notFound("passwordless user")
	}
	return s.pwlUserByContact(ctx, s.reader, tenantID, "", phoneNumber)
}

// UpdatePasswordlessUser changes a user's email and phone number in one
// transaction that locks the user, then the devices of its old and new
// contacts (see the lock order above).
func (s *DB) UpdatePasswordlessUser(ctx context.Context, userID string, update func(*store.PasswordlessUser) error) (store.PasswordlessUser, error) {
	var out store.PasswordlessUser
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanPwlUser(tx.QueryRowContext(ctx, pwlUserSelect+` WHERE p.user_id = $1`+s.dialect.ForUpdate, userID))
		if errNoRows(err) {
			return notFound("update passwordless user")
		}
		if err != nil {
			return s.wrap("update passwordless user", err)
		}
		u := old
		if err := update(&u); err != nil {
			return err
		}
		u.ID, u.TenantID, u.TimeJoined = old.ID, old.TenantID, old.TimeJoined
		if u.Email == "" && u.PhoneNumber == "" {
			return errors.New("sqlstore: update passwordless user: a passwordless user needs an email or a phone number")
		}
		if u.Email == old.Email && u.PhoneNumber == old.PhoneNumber {
			out = u
			return nil
		}
		locked, err := s.lockDevices(ctx, tx, old.TenantID, []string{old.Email, u.Email}, []string{old.PhoneNumber, u.PhoneNumber})
		if err != nil {
			return err
		}
		if err := s.setPwlInfo(ctx, tx, u, infoEmail, old.Email, u.Email); err != nil {
			return err
		}
		if err := s.setPwlInfo(ctx, tx, u, infoPhone, old.PhoneNumber, u.PhoneNumber); err != nil {
			return err
		}
		if err := s.reclaimFor(ctx, tx, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE passwordless_users SET email = $1, phone_number = $2 WHERE user_id = $3`,
			nullIfEmpty(u.Email), nullIfEmpty(u.PhoneNumber), u.ID); err != nil {
			return s.wrap("update passwordless user", err)
		}
		// A pending sign-in with the old contact would now create a new
		// user, and one with the new contact sign in to this one: neither
		// was asked for, so both flows restart.
		if err := s.deleteDevices(ctx, tx, old.TenantID, preAuthSessionIDs(locked)); err != nil {
			return err
		}
		out = u
		return nil
	})
	if err != nil {
		return store.PasswordlessUser{}, err
	}
	return out, nil
}

// setPwlInfo moves one identifier of a passwordless user from old to new
// in account_infos ("" is none).
func (s *DB) setPwlInfo(ctx context.Context, tx *sql.Tx, u store.PasswordlessUser, infoType, old, new string) error {
	var err error
	switch {
	case old == new:
		return nil
	case old == "":
		return s.insertPwlInfo(ctx, tx, u, infoType, new)
	case new == "":
		_, err = tx.ExecContext(ctx, `DELETE FROM account_infos WHERE user_id = $1 AND info_type = $2 AND recipe_id = 'passwordless'`,
			u.ID, infoType)
	default:
		var domain any
		if infoType == infoEmail {
			domain = emailDomain(new)
		}
		_, err = tx.ExecContext(ctx, `UPDATE account_infos SET info_value = $1, email_domain = $2
WHERE user_id = $3 AND info_type = $4 AND recipe_id = 'passwordless' AND third_party_key = ''`, new, domain, u.ID, infoType)
	}
	return s.pwlInfoErr("update passwordless user "+infoType, infoType, err)
}
