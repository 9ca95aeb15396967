package multitenancy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
)

// provider is a thirdPartyProviderConfig as far as the core checks it;
// the whole object is kept as sent (raw, compacted).
type provider struct {
	ThirdPartyID string           `json:"thirdPartyId"`
	Name         *string          `json:"name"`
	Clients      []providerClient `json:"clients"`
	raw          json.RawMessage
}

type providerClient struct {
	ClientType       *string        `json:"clientType"`
	ClientID         *string        `json:"clientId"`
	ClientSecret     *string        `json:"clientSecret"`
	AdditionalConfig map[string]any `json:"additionalConfig"`
}

// maxThirdPartyIDLength caps a provider id, which is part of every
// third-party user's key.
const maxThirdPartyIDLength = 100

// parseProvider reads a provider config. A config that is not of the
// spec's shape, or without a usable thirdPartyId (the key it is stored
// under), is a 400 whatever skipValidation says.
func parseProvider(raw json.RawMessage) (provider, error) {
	var p provider
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		return p, cdi.BadRequest("Field name 'config' is invalid in JSON input")
	}
	switch id := p.ThirdPartyID; {
	case strings.TrimSpace(id) == "" || id != strings.TrimSpace(id):
		return p, cdi.BadRequest("Field name 'thirdPartyId' is invalid in JSON input")
	case len(id) > maxThirdPartyIDLength || strings.Contains(id, "::") || strings.ContainsRune(id, 0):
		return p, cdi.BadRequestf("Invalid thirdPartyId: at most %d characters, without \"::\"", maxThirdPartyIDLength)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return p, cdi.BadRequest("Field name 'config' is invalid in JSON input")
	}
	p.raw = buf.Bytes()
	return p, nil
}

// hostedDomain is what google-workspaces accepts as hd besides "*".
var hostedDomain = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))+$`)

// validate applies the checks the reference lists for
// PUT /recipe/multitenancy/config/thirdparty and returns the reason the
// config fails, or "".
func (p provider) validate() string {
	if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
		return "name is required"
	}
	if len(p.Clients) > 1 {
		types := map[string]bool{}
		for _, c := range p.Clients {
			if c.ClientType == nil || *c.ClientType == "" {
				return "clientType should be specified for all clients when there is more than one client"
			}
			if types[*c.ClientType] {
				return "clientType must be unique in all clients"
			}
			types[*c.ClientType] = true
		}
	}
	for _, c := range p.Clients {
		if c.ClientID == nil || strings.TrimSpace(*c.ClientID) == "" {
			return "clientId should not be empty for any client"
		}
	}
	nonEmpty := func(c providerClient, key string) bool {
		s, ok := c.AdditionalConfig[key].(string)
		return ok && strings.TrimSpace(s) != ""
	}
	switch id := p.ThirdPartyID; {
	case strings.HasPrefix(id, "apple"):
		for _, c := range p.Clients {
			if c.ClientSecret != nil && *c.ClientSecret != "" {
				return "clientSecret should not be provided for Apple"
			}
			for _, key := range []string{"keyId", "teamId", "privateKey"} {
				if !nonEmpty(c, key) {
					return fmt.Sprintf("additionalConfig.%s must be a non-empty string for Apple", key)
				}
			}
		}
	case strings.HasPrefix(id, "google-workspaces"):
		for _, c := range p.Clients {
			v, given := c.AdditionalConfig["hd"]
			if !given {
				continue
			}
			if hd, ok := v.(string); !ok || hd != "*" && !hostedDomain.MatchString(hd) {
				return `additionalConfig.hd must be "*" or a valid domain for Google Workspaces`
			}
		}
	case strings.HasPrefix(id, "boxy-saml"):
		for _, c := range p.Clients {
			if !nonEmpty(c, "boxyURL") {
				return "additionalConfig.boxyURL must be a non-empty string for Boxy SAML"
			}
		}
	}
	return ""
}
