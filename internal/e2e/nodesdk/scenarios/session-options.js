"use strict";
// Sessions with the SDK's non-default options, which change what it asks
// of the core: anti-CSRF tokens (antiCsrf: "VIA_TOKEN", so enableAntiCsrf
// is true on every call) and the static signing key
// (useDynamicAccessTokenSigningKey: false; the SDK rejects a token signed
// with the other kind of key).

const { apiKey, assert, calls, coreURL, expectCalls, initSDK, rejects, run, step } = require("./lib");

function decode(jwt) {
    const [h, p] = jwt.split(".");
    const part = (s) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return { header: part(h), payload: part(p) };
}

run("session-options", async () => {
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:3004", [
        EmailPassword.init(),
        Session.init({ antiCsrf: "VIA_TOKEN", useDynamicAccessTokenSigningKey: false }),
    ]);

    const T = "public";
    const uid = (await EmailPassword.signUp(T, "options@example.com", "options-pass-1")).user.id;
    const rid = supertokens.convertToRecipeUserId(uid);
    let t1;

    await step("create: a static key and an anti-CSRF token", async () => {
        await calls();
        const s = await Session.createNewSessionWithoutRequestResponse(T, rid, { k: "v" });
        const create = (await calls()).list.find((c) => c.path === "/public/recipe/session");
        assert.equal(create.body.useDynamicSigningKey, false);
        assert.equal(create.body.enableAntiCsrf, true);
        t1 = s.getAllSessionTokensDangerously();
        assert.match(t1.antiCsrfToken || "", /^[0-9a-f-]{36}$/, "an anti-CSRF token");
        const { header, payload } = decode(t1.accessToken);
        assert.match(header.kid, /^s-/, "a static key id");
        assert.equal(payload.antiCsrfToken, t1.antiCsrfToken);
    });

    await step("getSession checks the anti-CSRF token", async () => {
        const s = await Session.getSessionWithoutRequestResponse(t1.accessToken, t1.antiCsrfToken);
        assert.equal(s.getUserId(), uid);
        await expectCalls("local verification with a static key", ["GET /.well-known/jwks.json"]);
        const err = await rejects(Session.getSessionWithoutRequestResponse(t1.accessToken, "wrong"), "a wrong anti-CSRF token");
        assert.equal(err.type, Session.Error.TRY_REFRESH_TOKEN, String(err));
        await Session.getSessionWithoutRequestResponse(t1.accessToken, undefined, { antiCsrfCheck: false });
    });

    let t2;
    await step("refresh needs the anti-CSRF token", async () => {
        const err = await rejects(Session.refreshSessionWithoutRequestResponse(t1.refreshToken, false, "wrong"), "refresh with a wrong anti-CSRF token");
        assert.equal(err.type, Session.Error.UNAUTHORISED, String(err));
        await calls();
        const s = await Session.refreshSessionWithoutRequestResponse(t1.refreshToken, false, t1.antiCsrfToken);
        const cs = await expectCalls("refresh", ["POST /recipe/session/refresh"]);
        assert.deepEqual(cs[0].body, {
            refreshToken: t1.refreshToken,
            antiCsrfToken: t1.antiCsrfToken,
            enableAntiCsrf: true,
            useDynamicSigningKey: false,
        });
        t2 = s.getAllSessionTokensDangerously();
        assert.ok(t2.antiCsrfToken && t2.antiCsrfToken !== t1.antiCsrfToken, "a new anti-CSRF token on refresh");
        const { header, payload } = decode(t2.accessToken);
        assert.match(header.kid, /^s-/);
        assert.equal(payload.antiCsrfToken, t2.antiCsrfToken);
        assert.equal(payload.k, "v");
    });

    await step("after refresh, the core's verify gets the anti-CSRF token too", async () => {
        const s = await Session.getSessionWithoutRequestResponse(t2.accessToken, t2.antiCsrfToken);
        const cs = await expectCalls("verify after refresh", ["POST /recipe/session/verify"]);
        assert.deepEqual(cs[0].body, {
            accessToken: t2.accessToken,
            antiCsrfToken: t2.antiCsrfToken,
            doAntiCsrfCheck: true,
            enableAntiCsrf: true,
            checkDatabase: false,
        });
        const promoted = s.getAllSessionTokensDangerously().accessToken;
        assert.notEqual(promoted, t2.accessToken);
        const { header, payload } = decode(promoted);
        assert.match(header.kid, /^s-/, "the promoted token is signed with the static key too");
        assert.equal(payload.antiCsrfToken, t2.antiCsrfToken);
        assert.equal(payload.parentRefreshTokenHash1, null);
        await Session.getSessionWithoutRequestResponse(promoted, t2.antiCsrfToken);
        await expectCalls("the promoted token verifies locally", []);
    });

    await step("a token signed with a dynamic key is refused", async () => {
        // Made on the core directly, as an SDK with the default option
        // would: the core signs with the dynamic key when asked, and this
        // SDK, set for the static key, must not accept the token.
        const res = await fetch(`${coreURL}/public/recipe/session`, {
            method: "POST",
            headers: { "api-key": apiKey, "cdi-version": "5.4", "content-type": "application/json; charset=utf-8", rid: "session" },
            body: JSON.stringify({ userId: uid, userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: false }),
        });
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.status, "OK");
        assert.match(decode(body.accessToken.token).header.kid, /^d-/, "a dynamic key id");
        const err = await rejects(
            Session.getSessionWithoutRequestResponse(body.accessToken.token, undefined, { antiCsrfCheck: false }),
            "a dynamic-key token"
        );
        assert.equal(err.type, Session.Error.TRY_REFRESH_TOKEN, String(err));
        assert.match(err.message, /useDynamicAccessTokenSigningKey/);
    });
});
