"use strict";
// The FDI routes of an Express app with the SDK's middleware, called over
// HTTP in header mode: sign-up (the SDK's very first core call, so the CDI
// negotiation is in its sequence), a protected route with local
// verification, refresh, the first verify after it, sign-out, sign-in and
// a password reset. Each asserts the exact core call sequence that
// reference/cdi-core.md §1.6 records for supertokens-node 24.0.3.

const { assert, calls, expectCalls, initSDK, listen, query, request, run, serve, step } = require("./lib");

run("fdi", async () => {
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    const { verifySession } = require("supertokens-node/recipe/session/framework/express");

    // Password-reset emails are captured instead of sent.
    const mail = [];
    const { server, apiDomain } = await listen();
    initSDK(apiDomain, [
        EmailPassword.init({
            emailDelivery: {
                override: (orig) => ({ ...orig, sendEmail: async (input) => void mail.push(input) }),
            },
        }),
        Session.init(),
    ]);
    serve(server, (app) => {
        app.get("/api/me", verifySession(), (req, res) => {
            res.json({ userId: req.session.getUserId(), handle: req.session.getHandle() });
        });
        app.get("/api/me-strict", verifySession({ checkDatabase: true }), (req, res) => {
            res.json({ userId: req.session.getUserId() });
        });
    });
    await expectCalls("init and app start", []);

    const email = "fdi-user@example.com";
    const password = "fdi-pass-1";
    const form = (email, password) => ({
        formFields: [
            { id: "email", value: email },
            { id: "password", value: password },
        ],
    });
    const header = { "st-auth-mode": "header" };
    let userId, access, refresh;

    await step("POST /auth/signup", async () => {
        const r = await request(apiDomain, "POST", "/auth/signup", { body: form(email, password), headers: header });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        assert.deepEqual(r.json.user.emails, [email]);
        userId = r.json.user.id;
        access = r.headers.get("st-access-token");
        refresh = r.headers.get("st-refresh-token");
        assert.ok(access && refresh && r.headers.get("front-token"), "tokens in the response headers");

        const cs = await expectCalls("sign-up", [
            "GET /apiversion",
            "GET /public/recipe/multitenancy/tenant/v2",
            "GET /public/users/by-accountinfo",
            "POST /public/recipe/signup",
            "GET /user/id",
            "POST /public/recipe/session",
        ]);
        assert.deepEqual(query(cs[0]), { apiDomain, websiteDomain: apiDomain });
        assert.equal(cs[1].rid, "multitenancy");
        assert.deepEqual(query(cs[2]), { email, doUnionOfAccountInfo: "true" });
        assert.equal(cs[3].rid, "emailpassword");
        assert.deepEqual(cs[3].body, { email, password });
        assert.deepEqual(query(cs[4]), { userId });
        assert.equal(cs[5].rid, "session");
        assert.deepEqual(cs[5].body, {
            userId,
            userDataInJWT: { iss: apiDomain + "/auth" },
            userDataInDatabase: {},
            useDynamicSigningKey: true,
            enableAntiCsrf: false,
        });
    });

    await step("protected route, fresh token: local verification", async () => {
        const r = await request(apiDomain, "GET", "/api/me", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.userId, userId);
        // Only the JWKS, which jose fetches once and caches.
        const cs = await expectCalls("first protected call", ["GET /.well-known/jwks.json"]);
        assert.equal(cs[0].apiKeySent, false, "jose sends no api-key: the core serves the JWKS without one");
        const again = await request(apiDomain, "GET", "/api/me", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(again.status, 200, again.text);
        await expectCalls("second protected call", []);
    });

    await step("protected route without a token", async () => {
        const r = await request(apiDomain, "GET", "/api/me");
        assert.equal(r.status, 401, r.text);
        await expectCalls("no token", []);
    });

    let refreshed;
    await step("POST /auth/session/refresh", async () => {
        const r = await request(apiDomain, "POST", "/auth/session/refresh", {
            headers: { ...header, authorization: `Bearer ${refresh}` },
        });
        assert.equal(r.status, 200, r.text);
        refreshed = r.headers.get("st-access-token");
        const newRefresh = r.headers.get("st-refresh-token");
        assert.ok(refreshed && refreshed !== access, "a new access token");
        assert.ok(newRefresh && newRefresh !== refresh, "a new refresh token");
        refresh = newRefresh;
        const cs = await expectCalls("refresh", ["POST /recipe/session/refresh"]);
        assert.equal(cs[0].rid, "session");
        assert.deepEqual(Object.keys(cs[0].body).sort(), ["enableAntiCsrf", "refreshToken", "useDynamicSigningKey"]);
        assert.equal(cs[0].body.enableAntiCsrf, false);
        assert.equal(cs[0].body.useDynamicSigningKey, true);
    });

    await step("first protected call after refresh: the core's verify", async () => {
        const r = await request(apiDomain, "GET", "/api/me", { headers: { authorization: `Bearer ${refreshed}` } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.userId, userId);
        const cs = await expectCalls("verify after refresh", ["POST /recipe/session/verify"]);
        assert.deepEqual(cs[0].body, {
            accessToken: refreshed,
            doAntiCsrfCheck: false,
            enableAntiCsrf: false,
            checkDatabase: false,
        });
        // The core promoted the new refresh token and minted an access
        // token without a parent, which the SDK passes on.
        const promoted = r.headers.get("st-access-token");
        assert.ok(promoted && promoted !== refreshed, "verify returned a new access token");
        access = promoted;
        const again = await request(apiDomain, "GET", "/api/me", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(again.status, 200, again.text);
        await expectCalls("protected call with the promoted token", []);
    });

    await step("POST /auth/signout", async () => {
        const strict = await request(apiDomain, "GET", "/api/me-strict", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(strict.status, 200, strict.text);
        await expectCalls("checkDatabase verify", ["POST /recipe/session/verify"]);

        const r = await request(apiDomain, "POST", "/auth/signout", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK");
        const cs = await expectCalls("sign-out", ["POST /recipe/session/remove"]);
        assert.equal(cs[0].body.sessionHandles.length, 1);

        // The session is gone from the core: a check against the database
        // now fails, and the refresh token no longer works.
        const after = await request(apiDomain, "GET", "/api/me-strict", { headers: { authorization: `Bearer ${access}` } });
        assert.equal(after.status, 401, after.text);
        const rr = await request(apiDomain, "POST", "/auth/session/refresh", {
            headers: { ...header, authorization: `Bearer ${refresh}` },
        });
        assert.equal(rr.status, 401, rr.text);
        await expectCalls("after sign-out", ["POST /recipe/session/verify", "POST /recipe/session/refresh"]);
    });

    await step("POST /auth/signin", async () => {
        const r = await request(apiDomain, "POST", "/auth/signin", { body: form(email, password), headers: header });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        assert.equal(r.json.user.id, userId);
        assert.ok(r.headers.get("st-access-token"), "an access token");
        const cs = await expectCalls("sign-in", [
            "GET /public/users/by-accountinfo",
            "GET /public/recipe/multitenancy/tenant/v2",
            "POST /public/recipe/signin",
            "GET /user/id",
            "POST /public/recipe/session",
        ]);
        assert.deepEqual(cs[2].body, { email, password });
    });

    await step("POST /auth/signin, wrong password", async () => {
        const r = await request(apiDomain, "POST", "/auth/signin", { body: form(email, "wrong-pass-1"), headers: header });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "WRONG_CREDENTIALS_ERROR", r.text);
        assert.equal(r.headers.get("st-access-token"), null);
    });

    await step("POST /auth/signup, existing email", async () => {
        const r = await request(apiDomain, "POST", "/auth/signup", { body: form(email, password), headers: header });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "FIELD_ERROR", r.text);
        assert.deepEqual(r.json.formFields, [{ id: "email", error: "This email already exists. Please sign in instead." }]);
    });

    const newPassword = "fdi-pass-2";
    await step("password reset over the FDI", async () => {
        await calls(); // forget the calls of the steps above
        const r = await request(apiDomain, "POST", "/auth/user/password/reset/token", {
            body: { formFields: [{ id: "email", value: email }] },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        const cs = await expectCalls("password-reset request", [
            "GET /public/users/by-accountinfo",
            "POST /public/recipe/user/password/reset/token",
        ]);
        assert.deepEqual(query(cs[0]), { email, doUnionOfAccountInfo: "false" });
        assert.deepEqual(cs[1].body, { userId, email });
        assert.equal(mail.length, 1, "one reset email");
        assert.equal(mail[0].type, "PASSWORD_RESET");
        const token = new URL(mail[0].passwordResetLink).searchParams.get("token");
        assert.ok(token, "the link carries the token");

        const reset = await request(apiDomain, "POST", "/auth/user/password/reset", {
            body: { method: "token", token, formFields: [{ id: "password", value: newPassword }] },
        });
        assert.equal(reset.status, 200, reset.text);
        assert.equal(reset.json.status, "OK", reset.text);
        // §1.6 lists the first three, seen against a stub; with a real
        // core the SDK goes on to its account-linking check, which reads
        // the user and the users sharing the email.
        const rs = await expectCalls("password reset", [
            "POST /public/recipe/user/password/reset/token/consume",
            "GET /user/id",
            "PUT /recipe/user",
            "GET /user/id",
            "GET /public/users/by-accountinfo",
        ]);
        assert.deepEqual(rs[0].body, { token });
        assert.equal(rs[2].rid, "emailpassword");
        assert.deepEqual(rs[2].body, { recipeUserId: userId, password: newPassword });

        const again = await request(apiDomain, "POST", "/auth/user/password/reset", {
            body: { method: "token", token, formFields: [{ id: "password", value: "fdi-pass-3" }] },
        });
        assert.equal(again.json.status, "RESET_PASSWORD_INVALID_TOKEN_ERROR", again.text);

        const old = await request(apiDomain, "POST", "/auth/signin", { body: form(email, password) });
        assert.equal(old.json.status, "WRONG_CREDENTIALS_ERROR", old.text);
        const ok = await request(apiDomain, "POST", "/auth/signin", { body: form(email, newPassword) });
        assert.equal(ok.json.status, "OK", ok.text);
    });
});
