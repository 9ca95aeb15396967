// Command users1m builds a store of many email-password users, for the
// listing, search and count benchmarks (store/storetest.BenchmarkUsers).
//
//	go run ./bench/users1m -db sqlite:/tmp/users1m.db -n 1000000
//	go run ./bench/users1m -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -n 1000000
//
// With -extras it then verifies emails, gives roles and records sign-ins
// (addExtras), for the list's filters and sorts.
//
// The users are a pure function of their index: id, an email such as
// "john.smith12@gmail.com" (about 60 first names, 60 last names and 50
// domains), and a join time spread over three years at minute precision, so
// that about a quarter of the users share their join time with a neighbour,
// plus one burst of 1,000 users joined in the same millisecond, as an
// import would make. Every user has the same bcrypt hash (cost 11),
// computed once.
//
// On PostgreSQL the loader ends with VACUUM (ANALYZE) of the loaded tables,
// so that the planner has statistics (it picks the search plans from them)
// and index-only scans need no heap fetches, as they would once autovacuum
// had run.
//
// Loading is idempotent: a store that already holds n users is left
// alone, and one that holds fewer (an interrupted load; each batch is one
// transaction) is completed from where it stopped.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/latchkey-dev/latchkey/store"
	"github.com/latchkey-dev/latchkey/store/postgres"
	"github.com/latchkey-dev/latchkey/store/sqlite"
)

// loader is what both engines provide beyond store.Store.
type loader interface {
	store.Store
	BulkLoadEmailPasswordUsers(ctx context.Context, users []store.EmailPasswordUser) error
}

func main() {
	dbFlag := flag.String("db", "", "sqlite:/path/to/file.db or postgres://… URL")
	n := flag.Int("n", 1_000_000, "number of users")
	batch := flag.Int("batch", 20_000, "users per transaction")
	extras := flag.Bool("extras", false, "then verify emails, give roles and record sign-ins (the list's filters and sorts)")
	flag.Parse()
	log.SetFlags(0)
	if err := run(context.Background(), *dbFlag, *n, *batch); err != nil {
		log.Fatalf("users1m: %v", err)
	}
	if *extras {
		if err := addExtras(context.Background(), *dbFlag); err != nil {
			log.Fatalf("users1m: extras: %v", err)
		}
	}
}

// addExtras gives the loaded users what the list's filters and sorts read,
// chosen by the first hex digits of their (random) ids, so independently
// of join time: a verified email for 11 in 16, the role "member" for 5 in
// 16 and "admin" for 1 in 4,096 (the rare role), and a sign-in for half of
// them, a day after joining, last active an hour later. Each step is one
// statement that skips what is already there, so it is idempotent.
func addExtras(ctx context.Context, dsn string) error {
	s, err := open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	w, ok := s.(interface{ Writer() *sql.DB })
	if !ok {
		return errors.New("the store gives no SQL access")
	}
	for _, role := range []string{"member", "admin"} {
		if _, err := s.CreateRole(ctx, role, nil); err != nil {
			return err
		}
	}
	steps := []struct{ what, query string }{
		{"verified emails", `INSERT INTO verified_emails (user_id, email)
SELECT user_id, info_value FROM account_infos WHERE info_type = 'email' AND substr(user_id, 1, 1) IN ('0','1','2','3','4','5','6','7','8','9','a')
ON CONFLICT DO NOTHING`},
		{"members", `INSERT INTO user_roles (tenant_id, user_id, role)
SELECT tenant_id, user_id, 'member' FROM tenant_users WHERE substr(user_id, 2, 1) IN ('0','1','2','3','4') ON CONFLICT DO NOTHING`},
		{"admins", `INSERT INTO user_roles (tenant_id, user_id, role)
SELECT tenant_id, user_id, 'admin' FROM tenant_users WHERE substr(user_id, 1, 3) = '000' ON CONFLICT DO NOTHING`},
		{"sign-ins", `INSERT INTO user_activity (user_id, last_sign_in, last_active, sign_in_count)
SELECT user_id, time_joined + 86400000, time_joined + 90000000, 1 FROM users WHERE substr(user_id, 3, 1) IN ('0','1','2','3','4','5','6','7')
ON CONFLICT DO NOTHING`},
	}
	for _, st := range steps {
		start := time.Now()
		res, err := w.Writer().ExecContext(ctx, st.query)
		if err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
		n, _ := res.RowsAffected()
		fmt.Printf("%s: %d rows in %s\n", st.what, n, time.Since(start).Round(time.Millisecond))
	}
	if strings.HasPrefix(dsn, "sqlite:") {
		return nil
	}
	for _, table := range []string{"account_infos", "verified_emails", "user_roles", "user_activity"} {
		if _, err := w.Writer().ExecContext(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return fmt.Errorf("vacuum %s: %w", table, err)
		}
	}
	return nil
}

func run(ctx context.Context, dsn string, n, batch int) error {
	if n <= 0 || batch <= 0 {
		return errors.New("-n and -batch must be positive")
	}
	s, err := open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()

	have, err := s.CountUsers(ctx, "", nil)
	if err != nil {
		return err
	}
	switch {
	case have >= int64(n):
		fmt.Printf("%d users already loaded; nothing to do\n", have)
		return nil
	case have > 0:
		// Resume only where the stored users are this program's: the
		// first stored user must be user 0.
		if _, err := s.EmailPasswordUser(ctx, userID(0)); err != nil {
			return fmt.Errorf("the store holds %d users that this program did not load; use an empty database", have)
		}
		fmt.Printf("resuming after %d users\n", have)
	}

	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery staple 1"), 11)
	if err != nil {
		return err
	}
	start := time.Now()
	users := make([]store.EmailPasswordUser, 0, batch)
	for i := int(have); i < n; {
		users = users[:0]
		for ; i < n && len(users) < batch; i++ {
			users = append(users, user(i, n, string(hash)))
		}
		if err := s.BulkLoadEmailPasswordUsers(ctx, users); err != nil {
			return fmt.Errorf("after %d users: %w", i-len(users), err)
		}
		rate := float64(i-int(have)) / time.Since(start).Seconds()
		fmt.Printf("\r%d/%d users, %.0f/s   ", i, n, rate)
	}
	fmt.Printf("\nloaded %d users in %s\n", n-int(have), time.Since(start).Round(time.Second))
	if strings.HasPrefix(dsn, "sqlite:") {
		return nil
	}
	w, ok := s.(interface{ Writer() *sql.DB })
	if !ok {
		return nil
	}
	for _, table := range []string{"users", "tenant_users", "account_infos", "emailpassword_users", "user_counts"} {
		if _, err := w.Writer().ExecContext(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return fmt.Errorf("vacuum %s: %w", table, err)
		}
	}
	fmt.Println("vacuumed and analyzed")
	return nil
}

func open(ctx context.Context, dsn string) (loader, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	}
	fmt.Fprintln(os.Stderr, "usage: users1m -db sqlite:/path.db|postgres://… [-n 1000000]")
	return nil, fmt.Errorf("-db %q: want sqlite:<path> or a postgres:// URL", dsn)
}

var (
	firstNames = strings.Fields(`james mary john patricia robert jennifer michael linda william elizabeth
		david barbara richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy
		matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna
		joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy stephanie ronald
		rebecca edward sharon jason laura jeffrey cynthia`)
	lastNames = strings.Fields(`smith johnson williams brown jones garcia miller davis rodriguez martinez
		hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white
		harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
		flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans
		turner diaz parker cruz edwards collins`)
	domains = strings.Fields(`gmail.com yahoo.com outlook.com hotmail.com icloud.com aol.com proton.me
		mail.com gmx.de web.de yandex.ru qq.com 163.com naver.com orange.fr free.fr libero.it btinternet.com
		comcast.net verizon.net att.net sbcglobal.net cox.net shaw.ca rogers.com bigpond.com optusnet.com.au
		example.com example.org acme.io globex.com initech.com umbrella.co hooli.xyz piedpiper.net
		wayne.enterprises stark.industries wonka.biz tyrell.corp cyberdyne.ai soylent.green aperture.science
		blackmesa.org vandelay.com dundermifflin.com oscorp.com gringotts.bank monsters.inc`)
)

// mix is splitmix64: a cheap, well-spread hash of the user index.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// userID is a UUIDv4-shaped id for user i; ids are unrelated to join
// order, as random UUIDs are.
func userID(i int) string {
	a, b := mix(uint64(i)), mix(uint64(i)^0xdeadbeefcafe)
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, b>>52, b&0xffffffffffff)
}

// threeYears is the span the join times cover.
const threeYears = 3 * 365 * 24 * time.Hour

var epoch = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

func user(i, n int, hash string) store.EmailPasswordUser {
	h := mix(uint64(i) + 1<<40)
	email := fmt.Sprintf("%s.%s%d@%s",
		firstNames[h%uint64(len(firstNames))],
		lastNames[(h>>16)%uint64(len(lastNames))],
		i,
		domains[(h>>32)%uint64(len(domains))])
	joined := epoch.Add(time.Duration(int64(threeYears) / int64(n) * int64(i))).Truncate(time.Minute)
	if burst := n / 3; i >= burst && i < burst+1000 {
		joined = epoch.Add(threeYears / 3).Truncate(time.Minute) // an import: 1,000 users at once
	}
	return store.EmailPasswordUser{
		ID:           userID(i),
		TenantID:     store.DefaultTenant,
		Email:        email,
		PasswordHash: hash,
		TimeJoined:   joined,
	}
}
