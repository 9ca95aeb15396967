// Package smsdelivery sends the text messages of the auth flows:
// passwordless sign-in codes and magic links (reference/sdk-fdi.md §2.4).
// It mirrors package emaildelivery.
//
// A [Sender] delivers one [SMS]; [Content] gives its text. Provided are:
//
//   - [Log] writes the code and link to a logger, for development only
//     (both are one-time secrets);
//   - [Recorder] keeps the messages in memory, for tests;
//   - [SenderFunc] adapts a function, such as a call to an SMS provider's
//     API, to a Sender.
//
// The passwordless recipe takes a Sender in passwordless.Config.SMSDelivery.
package smsdelivery
