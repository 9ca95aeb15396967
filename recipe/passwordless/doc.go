// Package passwordless is the passwordless recipe: sign-in with a one-time
// code or a magic link sent by email or SMS, which signs up users it does
// not know yet (reference/sdk-fdi.md §2.7, §3.3; reference/cdi-core.md §2.9).
//
// Routes, below the API base path and an optional /{tenantId} segment:
//
//	POST /signinup/code                       send a code and/or link to an email or phone number
//	POST /signinup/code/resend                send a new code for the same attempt
//	POST /signinup/code/consume               sign in with the code or link, create a session
//	GET  /passwordless/email/exists           has a passwordless user this email? (also /signup/email/exists, rid passwordless)
//	GET  /passwordless/phonenumber/exists     has a passwordless user this phone number? (also /signup/phonenumber/exists)
//
// Config.ContactMethod (ContactEmail, ContactPhone, ContactEmailOrPhone)
// says what users sign in with, Config.FlowType (FlowUserInputCode,
// FlowMagicLink, FlowUserInputCodeAndMagicLink) what they are sent. Emails
// go through emaildelivery (KindPasswordlessLogin), text messages through
// smsdelivery. A magic link is
// {websiteDomain}{websiteBasePath}/verify?preAuthSessionId=…&tenantId=…#<linkCode>.
//
// Responses follow the request's fdi-version header: the account-linking
// User object and createdNewRecipeUser for FDI 3.0 and later (and 1.18,
// 1.19, or no header), the legacy flat user and createdNewUser otherwise.
//
// Functions for code that runs without a browser request (a dashboard
// creating a user, an admin changing a phone number) are methods of
// Recipe: SignInUp, CreateCode, CreateMagicLink, ConsumeCode, UpdateUser,
// and the validators.
package passwordless
