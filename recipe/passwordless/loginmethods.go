package passwordless

import "github.com/latchkey-dev/latchkey"

// AddLoginMethods implements latchkey.LoginMethodsProvider: the factors
// follow from the contact method and the flow type (otp-email,
// link-email, otp-phone, link-phone).
func (rc *Recipe) AddLoginMethods(_ string, lm *latchkey.LoginMethods) {
	lm.Passwordless.Enabled = true
	code := rc.cfg.FlowType != FlowMagicLink
	link := rc.cfg.FlowType != FlowUserInputCode
	for _, c := range []struct {
		on   bool
		kind string
	}{{rc.cfg.ContactMethod != ContactPhone, "email"}, {rc.cfg.ContactMethod != ContactEmail, "phone"}} {
		if !c.on {
			continue
		}
		if code {
			lm.FirstFactors = append(lm.FirstFactors, "otp-"+c.kind)
		}
		if link {
			lm.FirstFactors = append(lm.FirstFactors, "link-"+c.kind)
		}
	}
}
