// Package emaildelivery sends the emails of the auth flows: password
// reset and email verification links, and passwordless sign-in codes and
// magic links (reference/sdk-fdi.md §2.4).
//
// A [Sender] delivers one [Email]. Three are provided:
//
//   - [SMTP] sends through an SMTP server, with implicit TLS or STARTTLS
//     and AUTH PLAIN;
//   - [Log] writes the link to a logger, for development only (the link
//     carries a one-time token);
//   - [Recorder] keeps the emails in memory, for tests.
//
// Recipes take a Sender in their config (emailpassword.Config.EmailDelivery,
// emailverification.Config.EmailDelivery, passwordless.Config.EmailDelivery).
package emaildelivery
