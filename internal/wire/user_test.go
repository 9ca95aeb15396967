package wire

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The reference's example User object (reference/cdi-core.md §2.1), which
// must survive a decode and an encode unchanged.
const referenceUser = `{"id":"u1","isPrimaryUser":false,
 "tenantIds":["public"],"timeJoined":1700000000000,
 "emails":["a@b.com"],"phoneNumbers":[],"thirdParty":[{"id":"google","userId":"123"}],
 "webauthn":{"credentialIds":[]},
 "loginMethods":[{"tenantIds":["public"],"recipeUserId":"u1","verified":false,"timeJoined":1700000000000,
   "recipeId":"emailpassword","email":"a@b.com"}]}`

func TestUserRoundTrip(t *testing.T) {
	var u User
	if err := json.Unmarshal([]byte(referenceUser), &u); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(referenceUser), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the user:\n got %s\nwant %s", out, referenceUser)
	}
}

func TestWebAuthnIsNeverNull(t *testing.T) {
	// A user decoded from an answer without "webauthn" still sends the
	// key, with an empty list.
	out, err := json.Marshal(User{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	if w, _ := m["webauthn"].(map[string]any); w == nil || w["credentialIds"] == nil {
		t.Errorf("webauthn = %v in %s, want {credentialIds: []}", m["webauthn"], out)
	}
	// A login method has it only when it is a webauthn one.
	out, _ = json.Marshal(LoginMethod{RecipeID: "emailpassword"})
	m = nil
	_ = json.Unmarshal(out, &m)
	if _, ok := m["webauthn"]; ok {
		t.Errorf("a non-webauthn login method has webauthn: %s", out)
	}
}

func TestLegacy(t *testing.T) {
	u := User{ID: "p", TimeJoined: 1, TenantIDs: []string{"public"}, LoginMethods: []LoginMethod{
		{RecipeID: "emailpassword", RecipeUserID: "e", TimeJoined: 2, TenantIDs: []string{"public"}, Email: "a@b.co"},
		{RecipeID: "passwordless", RecipeUserID: "p", TimeJoined: 3, TenantIDs: []string{"t"}, PhoneNumber: "+12015550123"},
	}}
	got := u.Legacy("passwordless")
	want := map[string]any{"id": "p", "timeJoined": int64(3), "tenantIds": []string{"t"}, "phoneNumber": "+12015550123"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Legacy = %v, want %v", got, want)
	}
	if m, ok := u.LoginMethod("e"); !ok || m.Email != "a@b.co" {
		t.Errorf("LoginMethod(e) = %v, %v", m, ok)
	}
}

func TestWebAuthnEncoding(t *testing.T) {
	for _, tc := range []struct {
		in   WebAuthn
		want string
	}{
		{WebAuthn{}, `{"credentialIds":[]}`},
		{WebAuthn{CredentialIDs: []string{}}, `{"credentialIds":[]}`},
		{WebAuthn{CredentialIDs: []string{"c1", "c2"}}, `{"credentialIds":["c1","c2"]}`},
	} {
		out, err := json.Marshal(tc.in)
		if err != nil || string(out) != tc.want {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", tc.in, out, err, tc.want)
		}
	}
}
