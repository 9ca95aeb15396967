package thirdparty

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// appleSecretLifetime is how long each client secret is valid. Apple
// allows up to six months; one is made for every token request, so a few
// minutes is enough and a leaked one is soon useless.
const appleSecretLifetime = 5 * time.Minute

// appleClientSecret returns a function that makes Apple's client secret:
// an ES256 JWT signed with the private key of the Sign in with Apple key
// (https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret).
// The key is parsed now, so that a bad one is a configuration error.
func appleClientSecret(clientID, keyID, teamID, privateKey string) (func(time.Time) (string, error), error) {
	if keyID == "" || teamID == "" || privateKey == "" {
		return nil, errors.New(`set ClientSecret, or AdditionalConfig "keyId", "teamId" and "privateKey" (the .p8 key Apple gave you)`)
	}
	// Keys pasted into environment variables often carry literal \n.
	block, _ := pem.Decode([]byte(strings.ReplaceAll(privateKey, `\n`, "\n")))
	if block == nil {
		return nil, errors.New(`AdditionalConfig "privateKey" is not a PEM key (-----BEGIN PRIVATE KEY-----)`)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New(`AdditionalConfig "privateKey" is not a PKCS #8 private key: ` + err.Error())
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New(`AdditionalConfig "privateKey" is not an EC (P-256) key`)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID))
	if err != nil {
		return nil, errors.New(`AdditionalConfig "privateKey": ` + err.Error())
	}
	return func(now time.Time) (string, error) {
		return jwt.Signed(signer).Claims(jwt.Claims{
			Issuer:   teamID,
			Subject:  clientID,
			Audience: jwt.Audience{"https://appleid.apple.com"},
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(appleSecretLifetime)),
		}).Serialize()
	}, nil
}
