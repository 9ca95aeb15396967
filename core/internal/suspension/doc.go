// Package suspension serves the Latchkey extension that suspends and
// reinstates users, and answers the question every way in asks: may this
// user sign in now?
//
//	POST /recipe/latchkey/user/suspend             suspend (revokes every session)
//	POST /recipe/latchkey/user/reinstate           lift a suspension
//	POST /recipe/latchkey/user/suspensions/bulk    the suspensions of a page of users
//	GET  /recipe/latchkey/suspensions              the tenant's suspended users, by keyset
//	POST /recipe/latchkey/user/activity/bulk       last sign-in, last active, sign-in count of a page of users
//
// None of these paths is in the CDI. While a user is suspended the
// sign-in endpoints of email-password, passwordless and third-party
// answer SIGN_IN_NOT_ALLOWED with "suspended": true (see [Service.Check]),
// POST /recipe/session answers 403, and refresh answers UNAUTHORISED.
package suspension
