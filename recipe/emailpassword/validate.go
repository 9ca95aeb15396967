package emailpassword

import (
	"context"

	"github.com/latchkey-dev/latchkey"
)

// ValidateSignUpField runs the sign-up validator of the field id ("email",
// "password" or a configured field) on value for tenantID, and returns the
// error whose text the user should see, or nil when the value passes or the
// field has no validator. Other flows that take an email or a password (the
// dashboard creating a user or changing a password) use it so that one
// policy applies everywhere.
func (rc *Recipe) ValidateSignUpField(ctx context.Context, tenantID, id string, value any) error {
	fields := rc.fields
	if fields == nil {
		// Not initialised yet: the built-in validators still apply.
		fields = signUpFields(rc.cfg.SignUpFields)
	}
	f := fieldByID(fields, id)
	if f.Validate == nil {
		return nil
	}
	return f.Validate(ctx, value, latchkey.TenantOrDefault(tenantID))
}
