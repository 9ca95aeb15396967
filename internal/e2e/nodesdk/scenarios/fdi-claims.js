"use strict";
// The FDI with EmailVerification required and UserRoles: the sign-up that
// fetches the claims before creating the session (reference/cdi-core.md
// §1.6), a protected route refused until the email is verified, the
// email-verification routes, and a role check that re-reads the roles from
// the core and updates the access token.

const { assert, calls, expectCalls, initSDK, listen, query, request, run, serve, step } = require("./lib");

run("fdi-claims", async () => {
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const EmailVerification = require("supertokens-node/recipe/emailverification");
    const Session = require("supertokens-node/recipe/session");
    const UserRoles = require("supertokens-node/recipe/userroles");
    const { verifySession } = require("supertokens-node/recipe/session/framework/express");

    const mail = [];
    const { server, apiDomain } = await listen();
    initSDK(apiDomain, [
        EmailPassword.init(),
        EmailVerification.init({
            mode: "REQUIRED",
            emailDelivery: {
                override: (orig) => ({ ...orig, sendEmail: async (input) => void mail.push(input) }),
            },
        }),
        Session.init(),
        UserRoles.init(),
    ]);
    serve(server, (app) => {
        app.get("/api/me", verifySession(), (req, res) => res.json({ userId: req.session.getUserId() }));
        // maxAge 1 s: the SDK re-reads the roles from the core once the
        // token's value is older than that. (0 would re-read every time, but
        // then fails as "expired" when a millisecond passes between the read
        // and the check.)
        const admin = UserRoles.UserRoleClaim.validators.includes("admin", 1);
        app.get("/api/admin", verifySession({ overrideGlobalClaimValidators: (g) => [...g, admin] }), (req, res) =>
            res.json({ roles: req.session.getAccessTokenPayload()["st-role"].v })
        );
    });

    const email = "fdi-claims@example.com";
    const header = { "st-auth-mode": "header" };
    let userId, access;
    const auth = () => ({ ...header, authorization: `Bearer ${access}` });
    // take keeps the access token a response carries, if any.
    const take = (r) => {
        const t = r.headers.get("st-access-token");
        if (t) {
            access = t;
        }
        return !!t;
    };
    const payload = () => JSON.parse(Buffer.from(access.split(".")[1], "base64url").toString("utf8"));

    await step("POST /auth/signup fetches the claims first", async () => {
        const r = await request(apiDomain, "POST", "/auth/signup", {
            headers: header,
            body: {
                formFields: [
                    { id: "email", value: email },
                    { id: "password", value: "claims-pass-1" },
                ],
            },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        userId = r.json.user.id;
        assert.ok(take(r), "an access token");
        const cs = await expectCalls("sign-up with EV and roles", [
            "GET /apiversion",
            "GET /public/recipe/multitenancy/tenant/v2",
            "GET /public/users/by-accountinfo",
            "POST /public/recipe/signup",
            "GET /user/id",
            "GET /recipe/user/email/verify",
            "GET /public/recipe/user/roles",
            "POST /public/recipe/session",
        ]);
        assert.deepEqual(query(cs[5]), { userId, email });
        assert.deepEqual(query(cs[6]), { userId });
        const p = payload();
        assert.equal(p["st-ev"].v, false);
        assert.deepEqual(p["st-role"].v, []);
        assert.deepEqual(p["st-perm"].v, []);
    });

    await step("a protected route refuses an unverified email", async () => {
        const r = await request(apiDomain, "GET", "/api/me", { headers: auth() });
        assert.equal(r.status, 403, r.text);
        assert.equal(r.json.message, "invalid claim");
        assert.deepEqual(r.json.claimValidationErrors, [
            { id: "st-ev", reason: { message: "wrong value", expectedValue: true, actualValue: false } },
        ]);
    });

    await step("the email-verification routes", async () => {
        await calls();
        const send = await request(apiDomain, "POST", "/auth/user/email/verify/token", { headers: auth() });
        assert.equal(send.status, 200, send.text);
        assert.equal(send.json.status, "OK", send.text);
        const tokenCall = (await calls()).list.find((c) => c.path === "/public/recipe/user/email/verify/token");
        assert.ok(tokenCall, "the SDK asked the core for a token");
        assert.deepEqual(tokenCall.body, { userId, email });
        assert.equal(mail.length, 1, "one verification email");
        assert.equal(mail[0].type, "EMAIL_VERIFICATION");
        const token = new URL(mail[0].emailVerifyLink).searchParams.get("token");
        assert.ok(token, "the link carries the token");

        const verify = await request(apiDomain, "POST", "/auth/user/email/verify", {
            headers: auth(),
            body: { method: "token", token },
        });
        assert.equal(verify.status, 200, verify.text);
        assert.deepEqual(verify.json, { status: "OK" });
        assert.ok(take(verify), "the SDK updated the token's claim");
        assert.equal(payload()["st-ev"].v, true);

        const again = await request(apiDomain, "POST", "/auth/user/email/verify", { body: { method: "token", token } });
        assert.equal(again.json.status, "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR", again.text);

        const is = await request(apiDomain, "GET", "/auth/user/email/verify", { headers: auth() });
        assert.equal(is.status, 200, is.text);
        assert.deepEqual(is.json, { status: "OK", isVerified: true });

        const me = await request(apiDomain, "GET", "/api/me", { headers: auth() });
        assert.equal(me.status, 200, me.text);
        assert.equal(me.json.userId, userId);
    });

    await step("a role check re-reads the roles and updates the token", async () => {
        const denied = await request(apiDomain, "GET", "/api/admin", { headers: auth() });
        assert.equal(denied.status, 403, denied.text);
        assert.equal(denied.json.claimValidationErrors[0].id, "st-role");

        await UserRoles.createNewRoleOrAddPermissions("admin", ["manage"]);
        await UserRoles.addRoleToUser("public", userId, "admin");
        await calls();
        // Let the token's roles grow older than the validator's max age.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const ok = await request(apiDomain, "GET", "/api/admin", { headers: auth() });
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(ok.json.roles, ["admin"]);
        assert.ok(take(ok), "a new access token with the role");
        assert.deepEqual(payload()["st-role"].v, ["admin"]);
        const lines = (await calls()).lines;
        assert.ok(lines.includes("GET /public/recipe/user/roles"), `roles re-read: ${lines}`);
        assert.ok(lines.includes("POST /recipe/session/regenerate"), `token regenerated: ${lines}`);
    });
});
