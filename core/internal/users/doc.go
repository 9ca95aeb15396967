// Package users serves the core's recipe-independent user endpoints
// (reference/cdi-core.md §2.2):
//
//	GET  /users                 list a tenant's users: keyset pages or a tag search
//	                            (paged too with pagedSearch=true, a Latchkey extension)
//	GET  /users/count           count users in a tenant or the app
//	GET  /user/id               one user by id
//	POST /user/remove           delete a user and everything kept for it
//	GET  /user/search/tags      the search tags /users accepts
//	GET  /users/by-accountinfo  users with a given email, phone or provider id
//	GET  /recipe/latchkey/users/stats  sign-ups per day and user counts (Latchkey only)
package users
