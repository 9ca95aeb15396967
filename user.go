package latchkey

import "github.com/latchkey-dev/latchkey/internal/wire"

// User is a user as the core returns it at CDI 5.4: the account-linking
// User object (reference/cdi-core.md §2.1). Its JSON is the wire shape the
// frontend gets at FDI 3.0 and later. The core and the SDK share this one
// definition, so they cannot disagree about it. User.LoginMethod finds a
// login method by recipe user id; User.Legacy gives the pre-FDI-3.0 shape.
type User = wire.User

// LoginMethod is one way a user signs in (an email and password, a
// third-party account).
type LoginMethod = wire.LoginMethod

// ThirdParty is a third-party account.
type ThirdParty = wire.ThirdParty

// Webauthn lists a user's passkeys.
type Webauthn = wire.WebAuthn
