package emailpassword

import "github.com/latchkey-dev/latchkey"

// AddLoginMethods implements latchkey.LoginMethodsProvider.
func (rc *Recipe) AddLoginMethods(_ string, lm *latchkey.LoginMethods) {
	lm.EmailPassword.Enabled = true
	lm.FirstFactors = append(lm.FirstFactors, "emailpassword")
}
