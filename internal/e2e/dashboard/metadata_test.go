package dashboard

import (
	"testing"
)

// TestMetadataOfADeletedUser: saving metadata for a user that no longer
// exists is refused, and writes nothing; the user page says so.
func TestMetadataOfADeletedUser(t *testing.T) {
	e, w := signedIn(t, options{})
	tok := w.localStorage("auth-token")
	id := e.signUp("gone@example.com", "pass-word-1")
	e.ok(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": `{"plan": "free"}`})
	w.openUser(id, "gone@example.com")
	md := `L.role('region', 'User metadata')`
	w.click("Edit metadata", `L.role('button', 'Edit', `+md+`)`)
	w.fill("the editor", `L.label(/^Metadata/, `+md+`)`, `{"plan": "pro"}`)

	// Another tab deletes the user.
	e.ok(tok, "DELETE", "/dashboard/api/user?userId="+id+"&removeAllLinkedAccounts=true", nil)
	w.allow(400)
	w.click("Save", `L.role('button', 'Save', `+md+`)`)
	w.waitFor("the error", `L.text('This user does not exist any more: it may have been deleted elsewhere.', `+md+`)`)
	if got, err := e.md.UserMetadata(t.Context(), id); err != nil || len(got) != 0 {
		t.Fatalf("metadata of the deleted user: %v, %v", got, err)
	}

	// The API says the same to any caller.
	e.wantCode(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": id, "data": `{"a": 1}`}, 400, "Unknown User ID provided")
	e.wantCode(tok, "PUT", "/dashboard/api/user/metadata", map[string]any{"userId": "no-such-user", "data": `{"a": 1}`}, 400, "Unknown User ID provided")
	if got, _ := e.md.UserMetadata(t.Context(), "no-such-user"); len(got) != 0 {
		t.Fatalf("orphan metadata written: %v", got)
	}
}
