// Package session benchmarks the core's session endpoints over loopback
// HTTP with 16 concurrent clients, on SQLite and on PostgreSQL, next to the
// cost of one raw RS256 signature and verification (the floor: create and
// refresh sign once, verify checks once).
//
//	go test -run '^$' -bench . -benchtime 3s ./bench/session
//
// PostgreSQL comes from LATCHKEY_TEST_POSTGRES_URL, as in the tests.
package session
