// Package emailpassword serves the core's email-password recipe
// (reference/cdi-core.md §2.3):
//
//	POST /recipe/signup                                 create a user
//	POST /recipe/signin                                 check a password
//	GET  /recipe/user            (rid emailpassword)    one user by id or email
//	PUT  /recipe/user            (rid emailpassword)    change email or password
//	POST /recipe/user/password/reset/token              make a reset token
//	POST /recipe/user/password/reset/token/consume      use a reset token
//	POST /recipe/user/password/reset                    use a token and set the password (pre-4.0 flow)
//	POST /recipe/user/passwordhash/import               import a bcrypt or argon2 hash
//
// The logic is in Service, usable without HTTP; routes.go maps it to the
// wire.
package emailpassword
