"use strict";
// Latchkey's suspensions as supertokens-node 24 sees them. The operator
// suspends users over the core's Latchkey extension; the SDK was written
// without knowing it, and still refuses every way in, because the core
// answers with outcomes the SDK already handles:
//   - refresh: UNAUTHORISED (the session was revoked), so 401;
//   - email-password sign-in: SIGN_IN_NOT_ALLOWED, which the SDK reads as
//     WRONG_CREDENTIALS_ERROR;
//   - passwordless and third-party sign-in: SIGN_IN_NOT_ALLOWED, which the
//     SDK's APIs map to SIGN_IN_UP_NOT_ALLOWED with a "contact support"
//     reason;
//   - a session made by back-office code: the core's 403, which the SDK
//     throws.
// Reinstated, the users sign in again.

const { apiKey, assert, coreURL, initSDK, listen, rejects, request, run, serve, step } = require("./lib");

run("suspend", async () => {
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Passwordless = require("supertokens-node/recipe/passwordless");
    const ThirdParty = require("supertokens-node/recipe/thirdparty");
    const Session = require("supertokens-node/recipe/session");
    const supertokens = require("supertokens-node");

    const codes = [];
    const { server, apiDomain } = await listen();
    initSDK(apiDomain, [
        EmailPassword.init(),
        Passwordless.init({
            contactMethod: "EMAIL",
            flowType: "USER_INPUT_CODE",
            emailDelivery: { override: (orig) => ({ ...orig, sendEmail: async (input) => void codes.push(input) }) },
        }),
        ThirdParty.init({
            signInAndUpFeature: {
                providers: [{ config: { thirdPartyId: "google", clients: [{ clientId: "google-client", clientSecret: "s" }] } }],
            },
        }),
        Session.init(),
    ]);
    serve(server);

    const T = "public";
    const header = { "st-auth-mode": "header" };
    const email = "sue@example.com";
    const password = "sue-pass-1";
    const form = { formFields: [{ id: "email", value: email }, { id: "password", value: password }] };
    const core = (path, body) =>
        request(coreURL, "POST", path, { body, headers: { "api-key": apiKey, "cdi-version": "5.4" } });
    const suspend = async (userId) => {
        const r = await core("/recipe/latchkey/user/suspend", { userId, reason: "e2e", actor: "nodesdk" });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        return r.json;
    };
    const reinstate = async (userId) => {
        const r = await core("/recipe/latchkey/user/reinstate", { userId });
        assert.equal(r.status, 200, r.text);
    };
    const passwordlessSignIn = async (address) => {
        const c = await request(apiDomain, "POST", "/auth/signinup/code", { body: { email: address }, headers: header });
        assert.equal(c.json.status, "OK", c.text);
        const code = codes.filter((m) => m.email === address).pop();
        assert.ok(code && code.userInputCode, "the code email");
        return request(apiDomain, "POST", "/auth/signinup/code/consume", {
            body: { preAuthSessionId: c.json.preAuthSessionId, deviceId: c.json.deviceId, userInputCode: code.userInputCode },
            headers: header,
        });
    };

    let sue, refresh, pat, tess;
    await step("sign up and in on every recipe", async () => {
        const r = await request(apiDomain, "POST", "/auth/signup", { body: form, headers: header });
        assert.equal(r.json.status, "OK", r.text);
        sue = r.json.user.id;
        refresh = r.headers.get("st-refresh-token");
        assert.ok(refresh, "a refresh token");
        const p = await passwordlessSignIn("pat@example.com");
        assert.equal(p.json.status, "OK", p.text);
        pat = p.json.user.id;
        const t = await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "tess@example.com", true);
        assert.equal(t.status, "OK");
        tess = t.user.id;
    });

    await step("suspend revokes the sessions: refresh is 401", async () => {
        const s = await suspend(sue);
        assert.equal(s.revokedSessionHandles.length, 1);
        await suspend(pat);
        await suspend(tess);
        const r = await request(apiDomain, "POST", "/auth/session/refresh", {
            headers: { ...header, authorization: `Bearer ${refresh}` },
        });
        assert.equal(r.status, 401, r.text);
    });

    await step("email-password sign-in is refused as wrong credentials", async () => {
        const r = await request(apiDomain, "POST", "/auth/signin", { body: form, headers: header });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "WRONG_CREDENTIALS_ERROR", r.text);
        assert.equal(r.headers.get("st-access-token"), null, "no session");
        assert.equal((await EmailPassword.signIn(T, email, password)).status, "WRONG_CREDENTIALS_ERROR");
    });

    await step("passwordless sign-in is SIGN_IN_UP_NOT_ALLOWED", async () => {
        const r = await passwordlessSignIn("pat@example.com");
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "SIGN_IN_UP_NOT_ALLOWED", r.text);
        assert.match(r.json.reason, /contact support/);
        assert.equal(r.headers.get("st-access-token"), null, "no session");
    });

    await step("third-party sign-in: the core's SIGN_IN_NOT_ALLOWED", async () => {
        // The function hands the core's status back as it is; the
        // signinup API maps it to SIGN_IN_UP_NOT_ALLOWED through the same
        // table as passwordless.
        const r = await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "tess@example.com", true);
        assert.equal(r.status, "SIGN_IN_NOT_ALLOWED");
    });

    await step("back-office createNewSession throws", async () => {
        const err = await rejects(
            Session.createNewSessionWithoutRequestResponse(T, supertokens.convertToRecipeUserId(sue)),
            "createNewSession for a suspended user"
        );
        assert.match(String(err && err.message), /403|suspended/i);
    });

    await step("reinstated, every recipe signs in", async () => {
        for (const id of [sue, pat, tess]) {
            await reinstate(id);
        }
        const r = await request(apiDomain, "POST", "/auth/signin", { body: form, headers: header });
        assert.equal(r.json.status, "OK", r.text);
        assert.ok(r.headers.get("st-access-token"), "a session");
        assert.equal((await passwordlessSignIn("pat@example.com")).json.status, "OK");
        assert.equal((await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "tess@example.com", true)).status, "OK");
    });
});
