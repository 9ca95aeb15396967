package latchkey

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// examplePage is a core's answer to GET /users with MaxUsersPerPage
// email-password users, as bench/users1m makes them.
func examplePage(b *testing.B) []byte {
	users := make([]User, MaxUsersPerPage)
	for i := range users {
		id := fmt.Sprintf("%08x-7b1d-4daf-8223-953fc2f3276f", i)
		email := fmt.Sprintf("jennifer.roberts%d@rogers.com", i)
		users[i] = User{ID: id, TenantIDs: []string{"public"}, TimeJoined: 1640995200000 + int64(i), Emails: []string{email},
			PhoneNumbers: []string{}, ThirdParty: []ThirdParty{},
			LoginMethods: []LoginMethod{{RecipeID: "emailpassword", RecipeUserID: id, TenantIDs: []string{"public"}, TimeJoined: 1640995200000 + int64(i), Email: email}}}
	}
	raw, err := json.Marshal(map[string]any{"status": "OK", "users": users, "nextPaginationToken": "MGVmZWIzOGUtNjEzMi00NDM5LTg5YzQtMjY3NDdjY2I1NjVhOzE2NDE0NjgyNDAwMDA="})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkExportPage is the exporter's work on one page, from the core's
// answer to the written file, in each format, decoded as exportPage
// decodes it.
func BenchmarkExportPage(b *testing.B) {
	raw := examplePage(b)
	for _, f := range []ExportFormat{ExportCSV, ExportJSON} {
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			bw := bufio.NewWriter(io.Discard)
			out := newExportWriter(bw, f)
			for b.Loop() {
				var p exportPage
				if f == ExportJSON {
					var a struct {
						Users []json.RawMessage `json:"users"`
					}
					if err := json.Unmarshal(raw, &a); err != nil {
						b.Fatal(err)
					}
					p.raws = a.Users
				} else {
					var a struct {
						Users []User `json:"users"`
					}
					if err := json.Unmarshal(raw, &a); err != nil {
						b.Fatal(err)
					}
					p.users = a.Users
				}
				if err := out.page(&p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
