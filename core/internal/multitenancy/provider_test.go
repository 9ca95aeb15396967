package multitenancy

import (
	"encoding/json"
	"testing"
)

// TestProviderValidation: the checks the reference lists for
// PUT /recipe/multitenancy/config/thirdparty, one case each.
func TestProviderValidation(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		wantReason   string // "" when valid
		wantParseErr bool
	}{
		{"minimal", `{"thirdPartyId":"okta","name":"Okta"}`, "", false},
		{"no name", `{"thirdPartyId":"okta"}`, "name is required", false},
		{"one client without a type", `{"thirdPartyId":"okta","name":"O","clients":[{"clientId":"a"}]}`, "", false},
		{"two clients, one without a type", `{"thirdPartyId":"okta","name":"O","clients":[{"clientId":"a","clientType":"web"},{"clientId":"b"}]}`,
			"clientType should be specified for all clients when there is more than one client", false},
		{"two clients of one type", `{"thirdPartyId":"okta","name":"O","clients":[{"clientId":"a","clientType":"web"},{"clientId":"b","clientType":"web"}]}`,
			"clientType must be unique in all clients", false},
		{"empty client id", `{"thirdPartyId":"okta","name":"O","clients":[{"clientId":" "}]}`, "clientId should not be empty for any client", false},
		{"apple with a secret", `{"thirdPartyId":"apple","name":"A","clients":[{"clientId":"a","clientSecret":"s","additionalConfig":{"keyId":"k","teamId":"t","privateKey":"p"}}]}`,
			"clientSecret should not be provided for Apple", false},
		{"apple", `{"thirdPartyId":"apple","name":"A","clients":[{"clientId":"a","additionalConfig":{"keyId":"k","teamId":"t","privateKey":"p"}}]}`, "", false},
		{"workspaces with a bad hd", `{"thirdPartyId":"google-workspaces","name":"G","clients":[{"clientId":"a","additionalConfig":{"hd":"not a domain"}}]}`,
			`additionalConfig.hd must be "*" or a valid domain for Google Workspaces`, false},
		{"workspaces with any hd", `{"thirdPartyId":"google-workspaces","name":"G","clients":[{"clientId":"a","additionalConfig":{"hd":"*"}}]}`, "", false},
		{"workspaces with a domain", `{"thirdPartyId":"google-workspaces","name":"G","clients":[{"clientId":"a","additionalConfig":{"hd":"example.com"}}]}`, "", false},
		{"boxy without a URL", `{"thirdPartyId":"boxy-saml","name":"B","clients":[{"clientId":"a"}]}`,
			"additionalConfig.boxyURL must be a non-empty string for Boxy SAML", false},
		{"no id", `{"name":"X"}`, "", true},
		{"an id with ::", `{"thirdPartyId":"a::b","name":"X"}`, "", true},
		{"an id with spaces around", `{"thirdPartyId":" a","name":"X"}`, "", true},
		{"clients not a list", `{"thirdPartyId":"a","name":"X","clients":{}}`, "", true},
	} {
		p, err := parseProvider(json.RawMessage(tc.config))
		if (err != nil) != tc.wantParseErr {
			t.Errorf("%s: parse error %v, want one: %v", tc.name, err, tc.wantParseErr)
			continue
		}
		if err != nil {
			continue
		}
		if got := p.validate(); got != tc.wantReason {
			t.Errorf("%s: reason %q, want %q", tc.name, got, tc.wantReason)
		}
	}
}
