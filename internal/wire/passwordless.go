package wire

// Passwordless contact methods: what users sign in with (the SDK's
// contactMethod setting, reference/sdk-fdi.md).
const (
	ContactEmail        = "EMAIL"
	ContactPhone        = "PHONE"
	ContactEmailOrPhone = "EMAIL_OR_PHONE"
)

// Passwordless flow types: what users are sent (the SDK's flowType
// setting, echoed in the FDI's create-code answer).
const (
	FlowUserInputCode             = "USER_INPUT_CODE"
	FlowMagicLink                 = "MAGIC_LINK"
	FlowUserInputCodeAndMagicLink = "USER_INPUT_CODE_AND_MAGIC_LINK"
)

// Contact is whom a passwordless device sends codes to: exactly one of the
// two is set. Its JSON is the CDI's request form (POST
// /recipe/signinup/code, /recipe/signinup/codes/remove).
type Contact struct {
	Email       string `json:"email,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// Code is a new passwordless code as POST /recipe/signinup/code answers
// it (besides "status"), the only time its secrets, UserInputCode and
// LinkCode, leave the core (reference/cdi-core.md §2.9).
type Code struct {
	PreAuthSessionID string `json:"preAuthSessionId"`
	CodeID           string `json:"codeId"`
	DeviceID         string `json:"deviceId"`
	UserInputCode    string `json:"userInputCode"`
	LinkCode         string `json:"linkCode"`
	TimeCreated      int64  `json:"timeCreated"`  // Unix ms
	CodeLifetime     int64  `json:"codeLifetime"` // ms
}
