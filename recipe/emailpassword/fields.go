package emailpassword

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/internal/validate"
)

// FormField is one field of a sign-up, sign-in or reset form.
type FormField struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

// FieldError is a form field that failed validation.
type FieldError struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

// Field configures one sign-up form field.
type Field struct {
	// ID names the field, such as "name". "email" and "password" replace
	// the built-in fields' validators.
	ID string
	// Validate checks the value; an error's text is shown to the user.
	// Default: the built-in validator for email and password, none for
	// other fields.
	Validate func(ctx context.Context, value any, tenantID string) error
	// Optional lets the field be missing or empty. email and password are
	// never optional.
	Optional bool
}

// ValidateEmail is the default email validator, with node's messages. The
// syntax check is the one the core applies to dashboard accounts.
func ValidateEmail(_ context.Context, value any, _ string) error {
	s, ok := value.(string)
	if !ok {
		//lint:ignore ST1005 supertokens-node's message, shown to users verbatim
		return errors.New("Development bug: Please make sure the email field yields a string")
	}
	if !validate.Email(s) {
		//lint:ignore ST1005 supertokens-node's message, shown to users verbatim
		return errors.New("Email is invalid")
	}
	return nil
}

// ValidatePassword is the default password policy, with node's messages:
// 8 to 99 characters (not bytes), at least one letter and one digit. The
// core applies the same policy to dashboard accounts.
func ValidatePassword(_ context.Context, value any, _ string) error {
	s, ok := value.(string)
	if !ok {
		//lint:ignore ST1005 supertokens-node's message, shown to users verbatim
		return errors.New("Development bug: Please make sure the password field yields a string")
	}
	return validate.Password(s)
}

// signUpFields returns the configured fields plus email and password.
func signUpFields(cfg []Field) []Field {
	out := make([]Field, 0, len(cfg)+2)
	var hasEmail, hasPassword bool
	for _, f := range cfg {
		switch f.ID {
		case "email":
			hasEmail = true
			f.Optional = false
			if f.Validate == nil {
				f.Validate = ValidateEmail
			}
		case "password":
			hasPassword = true
			f.Optional = false
			if f.Validate == nil {
				f.Validate = ValidatePassword
			}
		}
		out = append(out, f)
	}
	if !hasEmail {
		out = append([]Field{{ID: "email", Validate: ValidateEmail}}, out...)
	}
	if !hasPassword {
		out = append(out, Field{ID: "password", Validate: ValidatePassword})
	}
	return out
}

func fieldByID(fields []Field, id string) Field {
	for _, f := range fields {
		if f.ID == id {
			return f
		}
	}
	return Field{ID: id}
}

// readFormFields reads {"formFields": [...]} with the reference's 400
// messages (reference/sdk-fdi.md §2.1, "Request validation").
func readFormFields(raw map[string]json.RawMessage) ([]FormField, error) {
	ff, ok := raw["formFields"]
	if !ok || string(ff) == "null" {
		return nil, &latchkey.BadInputError{Message: "Missing input param: formFields"}
	}
	var list []json.RawMessage
	if json.Unmarshal(ff, &list) != nil {
		return nil, &latchkey.BadInputError{Message: "formFields must be an array"}
	}
	out := make([]FormField, 0, len(list))
	for _, item := range list {
		var obj map[string]json.RawMessage
		var id string
		if json.Unmarshal(item, &obj) != nil || obj == nil || json.Unmarshal(obj["id"], &id) != nil {
			return nil, &latchkey.BadInputError{Message: "formFields must be an array of objects containing id and value of type string"}
		}
		var v any
		if rv, ok := obj["value"]; ok {
			if json.Unmarshal(rv, &v) != nil {
				return nil, &latchkey.BadInputError{Message: "formFields must be an array of objects containing id and value of type string"}
			}
		}
		if id == "email" || id == "password" {
			if _, isString := v.(string); !isString && v != nil {
				return nil, &latchkey.BadInputError{Message: id + " value must be a string"}
			}
		}
		if s, isString := v.(string); isString {
			if strings.ContainsRune(s, 0) {
				return nil, &latchkey.BadInputError{Message: id + " value must not contain NUL characters"}
			}
			if id == "email" {
				v = strings.TrimSpace(s)
			}
		}
		out = append(out, FormField{ID: id, Value: v})
	}
	return out, nil
}

// validateFields checks input against fields and returns the field errors.
func validateFields(ctx context.Context, fields []Field, input []FormField, tenantID string) ([]FieldError, error) {
	if len(input) > len(fields) {
		return nil, &latchkey.BadInputError{Message: "Are you sending too many formFields?"}
	}
	var errs []FieldError
	for _, f := range fields {
		var v any
		for _, in := range input {
			if in.ID == f.ID {
				v = in.Value
				break
			}
		}
		if v == nil || v == "" {
			if !f.Optional {
				errs = append(errs, FieldError{ID: f.ID, Error: "Field is not optional"})
			}
			continue
		}
		if f.Validate != nil {
			if err := f.Validate(ctx, v, tenantID); err != nil {
				errs = append(errs, FieldError{ID: f.ID, Error: err.Error()})
			}
		}
	}
	return errs, nil
}

// value returns the string value of the field id.
func value(input []FormField, id string) string {
	for _, in := range input {
		if in.ID == id {
			s, _ := in.Value.(string)
			return s
		}
	}
	return ""
}
