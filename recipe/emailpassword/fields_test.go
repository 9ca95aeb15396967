package emailpassword

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/latchkey-dev/latchkey"
)

func TestDefaultValidators(t *testing.T) {
	ctx := context.Background()
	for email, ok := range map[string]bool{
		"a@b.co": true, "first.last@sub.example.com": true, `"quoted"@example.com`: true, "a@[1.2.3.4]": true,
		"a@b": false, "a.@b.co": false, "@b.co": false, "a b@c.co": false, "a@b.c": false,
	} {
		if err := ValidateEmail(ctx, email, "public"); (err == nil) != ok {
			t.Errorf("ValidateEmail(%q) = %v", email, err)
		}
	}
	if err := ValidateEmail(ctx, 5, "public"); err == nil || err.Error() != "Development bug: Please make sure the email field yields a string" {
		t.Errorf("non-string email: %v", err)
	}
	for pw, want := range map[string]string{
		"abc1":                    "Password must contain at least 8 characters, including a number",
		"12345678":                "Password must contain at least one alphabet",
		"abcdefgh":                "Password must contain at least one number",
		"abcdefg1":                "",
		"a1€€€€€":                 "Password must contain at least 8 characters, including a number", // 7 characters, 17 bytes
		"a1€€€€€€":                "",
		string(make([]byte, 100)): "Password's length must be lesser than 100 characters",
	} {
		err := ValidatePassword(ctx, pw, "public")
		if got := ""; err != nil {
			got = err.Error()
			if got != want {
				t.Errorf("ValidatePassword(%q) = %q, want %q", pw, got, want)
			}
		} else if want != "" {
			t.Errorf("ValidatePassword(%q) passed, want %q", pw, want)
		}
	}
}

func TestReadFormFields(t *testing.T) {
	for body, want := range map[string]string{
		`{}`:                                    "Missing input param: formFields",
		`{"formFields":{}}`:                     "formFields must be an array",
		`{"formFields":[1]}`:                    "formFields must be an array of objects containing id and value of type string",
		`{"formFields":[{"id":2,"value":"x"}]}`: "formFields must be an array of objects containing id and value of type string",
		`{"formFields":[{"id":"email","value":1}]}`:                                 "email value must be a string",
		`{"formFields":[{"id":"password","value":true}]}`:                           "password value must be a string",
		`{"formFields":[{"id":"email","value":" a@b.co "},{"id":"age","value":3}]}`: "",
	} {
		var raw map[string]json.RawMessage
		_ = json.Unmarshal([]byte(body), &raw)
		ff, err := readFormFields(raw)
		var bad *latchkey.BadInputError
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", body, err)
		case want == "" && (value(ff, "email") != "a@b.co" || ff[1].Value != 3.0):
			t.Errorf("%s: %+v", body, ff)
		case want != "" && (!errors.As(err, &bad) || bad.Message != want):
			t.Errorf("%s: got %v, want %q", body, err, want)
		}
	}
}

func TestSignUpFieldsAlwaysHaveEmailAndPassword(t *testing.T) {
	fs := signUpFields([]Field{{ID: "name"}, {ID: "email", Optional: true}})
	if len(fs) != 3 || fs[1].ID != "email" || fs[1].Optional || fs[1].Validate == nil || fs[2].ID != "password" {
		t.Fatalf("%+v", fs)
	}
	errs, err := validateFields(context.Background(), fs, []FormField{{ID: "email", Value: "a@b.co"}, {ID: "password", Value: "abcdefg1"}}, "public")
	if err != nil || len(errs) != 1 || errs[0].ID != "name" || errs[0].Error != "Field is not optional" {
		t.Fatalf("%v %v", errs, err)
	}
}
