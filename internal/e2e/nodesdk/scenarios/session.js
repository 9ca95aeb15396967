"use strict";
// Sessions through the SDK's own functions: create, getSession with local
// verification against the core's JWKS, refresh and the core's verify that
// follows it, mergeIntoAccessTokenPayload, getSessionInformation,
// updateSessionDataInDatabase, getAllSessionHandlesForUser, revokeSession,
// revokeAllSessionsForUser, and token theft detection when an old refresh
// token is reused.

const crypto = require("node:crypto");
const { assert, calls, coreURL, expectCalls, initSDK, rejects, run, step } = require("./lib");

// decode returns a JWT's header and payload without checking anything.
function decode(jwt) {
    const [h, p] = jwt.split(".");
    const part = (s) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return { header: part(h), payload: part(p) };
}

run("session", async () => {
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    const apiDomain = "http://127.0.0.1:3002";
    initSDK(apiDomain, [EmailPassword.init(), Session.init()]);

    const T = "public";
    const uid = (await EmailPassword.signUp(T, "sess@example.com", "sess-pass-1")).user.id;
    const rid = supertokens.convertToRecipeUserId(uid);
    let s1, t1;

    await step("createNewSessionWithoutRequestResponse", async () => {
        await calls();
        s1 = await Session.createNewSessionWithoutRequestResponse(T, rid, { role: "reader", nested: { a: [1, 2] } }, { db: "data" });
        const create = (await calls()).list.filter((c) => c.path === "/public/recipe/session");
        assert.equal(create.length, 1, "one POST /public/recipe/session");
        assert.deepEqual(create[0].body, {
            userId: uid,
            userDataInJWT: { role: "reader", nested: { a: [1, 2] }, iss: apiDomain + "/auth" },
            userDataInDatabase: { db: "data" },
            useDynamicSigningKey: true,
            enableAntiCsrf: false,
        });

        assert.equal(s1.getUserId(), uid);
        assert.equal(s1.getRecipeUserId().getAsString(), uid);
        assert.equal(s1.getTenantId(), T);
        t1 = s1.getAllSessionTokensDangerously();
        assert.ok(t1.accessToken && t1.refreshToken, "both tokens");
        assert.equal(t1.antiCsrfToken, undefined);

        const { header, payload } = decode(t1.accessToken);
        assert.equal(header.alg, "RS256");
        assert.equal(header.typ, "JWT");
        assert.equal(header.version, "5");
        assert.match(header.kid, /^d-\d+$/, "a dynamic key id");
        assert.equal(payload.sub, uid);
        assert.equal(payload.rsub, uid);
        assert.equal(payload.tId, T);
        assert.equal(payload.sessionHandle, s1.getHandle());
        assert.equal(payload.iss, apiDomain + "/auth");
        assert.equal(payload.role, "reader");
        assert.deepEqual(payload.nested, { a: [1, 2] });
        assert.equal(payload.parentRefreshTokenHash1, null);
        assert.equal(payload.antiCsrfToken, null);
        assert.ok(Number.isInteger(payload.exp) && Number.isInteger(payload.iat) && payload.exp > payload.iat);
        assert.deepEqual(s1.getAccessTokenPayload(), payload);
    });

    await step("getSessionWithoutRequestResponse: local verification", async () => {
        const s = await Session.getSessionWithoutRequestResponse(t1.accessToken);
        assert.equal(s.getHandle(), s1.getHandle());
        assert.equal(s.getUserId(), uid);
        assert.equal(s.getAccessTokenPayload().role, "reader");
        // The SDK fetched the JWKS itself, keyless, and called nothing else.
        const cs = await expectCalls("first local verification", ["GET /.well-known/jwks.json"]);
        assert.equal(cs[0].apiKeySent, false, "jose sends no api-key: the core serves the JWKS without one");
        assert.equal(cs[0].cdiVersion, undefined);
        await Session.getSessionWithoutRequestResponse(t1.accessToken);
        await expectCalls("second local verification", []);
    });

    await step("getSessionWithoutRequestResponse: checkDatabase", async () => {
        const s = await Session.getSessionWithoutRequestResponse(t1.accessToken, undefined, { checkDatabase: true });
        assert.equal(s.getHandle(), s1.getHandle());
        const cs = await expectCalls("checkDatabase", ["POST /recipe/session/verify"]);
        // Without a request the SDK asks for the anti-CSRF check, but with
        // anti-CSRF off, so the core must not check it.
        assert.deepEqual(cs[0].body, {
            accessToken: t1.accessToken,
            doAntiCsrfCheck: true,
            enableAntiCsrf: false,
            checkDatabase: true,
        });
    });

    await step("getSessionWithoutRequestResponse: a forged token", async () => {
        const { header, payload } = decode(t1.accessToken);
        const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const forged = [enc(header), enc({ ...payload, sub: "someone-else" }), t1.accessToken.split(".")[2]].join(".");
        const err = await rejects(Session.getSessionWithoutRequestResponse(forged), "a token with a changed payload");
        assert.equal(err.type, Session.Error.TRY_REFRESH_TOKEN, String(err));
        await expectCalls("forged token", []);
    });

    let t2;
    await step("refreshSessionWithoutRequestResponse", async () => {
        const s = await Session.refreshSessionWithoutRequestResponse(t1.refreshToken);
        assert.equal(s.getHandle(), s1.getHandle());
        assert.equal(s.getUserId(), uid);
        t2 = s.getAllSessionTokensDangerously();
        assert.notEqual(t2.accessToken, t1.accessToken);
        assert.notEqual(t2.refreshToken, t1.refreshToken);
        const { payload } = decode(t2.accessToken);
        assert.equal(typeof payload.parentRefreshTokenHash1, "string", "a refreshed token names its parent");
        assert.equal(payload.role, "reader");
        const cs = await expectCalls("refresh", ["POST /recipe/session/refresh"]);
        assert.deepEqual(cs[0].body, { refreshToken: t1.refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true });
    });

    await step("first getSession after refresh calls the core's verify", async () => {
        const s = await Session.getSessionWithoutRequestResponse(t2.accessToken);
        assert.equal(s.getHandle(), s1.getHandle());
        const cs = await expectCalls("verify after refresh", ["POST /recipe/session/verify"]);
        assert.equal(cs[0].body.checkDatabase, false);
        const t = s.getAllSessionTokensDangerously();
        assert.equal(t.accessAndFrontTokenUpdated, true, "verify minted a new access token");
        assert.notEqual(t.accessToken, t2.accessToken);
        assert.equal(decode(t.accessToken).payload.parentRefreshTokenHash1, null);
        t2.accessToken = t.accessToken;
        await Session.getSessionWithoutRequestResponse(t2.accessToken);
        await expectCalls("the promoted token verifies locally", []);
    });

    await step("mergeIntoAccessTokenPayload", async () => {
        const ok = await Session.mergeIntoAccessTokenPayload(s1.getHandle(), { added: 1, role: null });
        assert.equal(ok, true);
        const put = (await calls()).list.filter((c) => c.method === "PUT");
        assert.deepEqual(
            put.map((c) => [c.path, c.body]),
            [
                [
                    "/recipe/jwt/data",
                    {
                        sessionHandle: s1.getHandle(),
                        userDataInJWT: { nested: { a: [1, 2] }, iss: apiDomain + "/auth", added: 1 },
                    },
                ],
            ]
        );
        assert.equal(await Session.mergeIntoAccessTokenPayload("00000000-0000-4000-8000-000000000000", { x: 1 }), false);
        // Tokens already issued are unchanged; the next refresh carries it.
        const s = await Session.refreshSessionWithoutRequestResponse(t2.refreshToken);
        const { payload } = decode(s.getAllSessionTokensDangerously().accessToken);
        assert.equal(payload.added, 1);
        assert.equal("role" in payload, false, "null removed the claim");
        t2 = s.getAllSessionTokensDangerously();
    });

    await step("SessionContainer.mergeIntoAccessTokenPayload: regenerate", async () => {
        const s = await Session.createNewSessionWithoutRequestResponse(T, rid, { keep: 1, drop: 2 });
        const before = s.getAllSessionTokensDangerously().accessToken;
        await calls();
        await s.mergeIntoAccessTokenPayload({ fresh: true, drop: null });
        const cs = await expectCalls("regenerate", ["POST /recipe/session/regenerate"]);
        assert.equal(cs[0].body.accessToken, before);
        assert.deepEqual(cs[0].body.userDataInJWT, { keep: 1, iss: apiDomain + "/auth", fresh: true });
        const after = s.getAllSessionTokensDangerously();
        assert.equal(after.accessAndFrontTokenUpdated, true);
        assert.notEqual(after.accessToken, before);
        const old = decode(before).payload;
        const now = decode(after.accessToken).payload;
        // A regenerated token keeps the old one's expiry and hashes.
        assert.equal(now.exp, old.exp);
        assert.equal(now.sessionHandle, old.sessionHandle);
        assert.equal(now.refreshTokenHash1, old.refreshTokenHash1);
        assert.equal(now.fresh, true);
        assert.equal(now.keep, 1);
        assert.equal("drop" in now, false);
        assert.deepEqual(s.getAccessTokenPayload(), now);
        const again = await Session.getSessionWithoutRequestResponse(after.accessToken);
        assert.equal(again.getAccessTokenPayload().fresh, true);
        await expectCalls("the regenerated token verifies locally", []);
        const info = await Session.getSessionInformation(s.getHandle());
        assert.deepEqual(info.customClaimsInAccessTokenPayload, { keep: 1, iss: apiDomain + "/auth", fresh: true });

        assert.equal(await Session.revokeSession(s.getHandle()), true);
        const err = await rejects(s.mergeIntoAccessTokenPayload({ x: 1 }), "regenerate on a revoked session");
        assert.equal(err.type, Session.Error.UNAUTHORISED, String(err));
    });

    await step("getSessionInformation and updateSessionDataInDatabase", async () => {
        const info = await Session.getSessionInformation(s1.getHandle());
        assert.ok(info, "the session");
        assert.equal(info.sessionHandle, s1.getHandle());
        assert.equal(info.userId, uid);
        assert.equal(info.recipeUserId.getAsString(), uid);
        assert.equal(info.tenantId, T);
        assert.deepEqual(info.sessionDataInDatabase, { db: "data" });
        assert.deepEqual(info.customClaimsInAccessTokenPayload, { nested: { a: [1, 2] }, iss: apiDomain + "/auth", added: 1 });
        assert.ok(info.timeCreated <= Date.now() + 60000 && info.expiry > info.timeCreated, "times in ms");

        assert.equal(await Session.updateSessionDataInDatabase(s1.getHandle(), { db: 2 }), true);
        assert.deepEqual((await Session.getSessionInformation(s1.getHandle())).sessionDataInDatabase, { db: 2 });
        assert.equal(await Session.updateSessionDataInDatabase("00000000-0000-4000-8000-000000000000", {}), false);
        assert.equal(await Session.getSessionInformation("00000000-0000-4000-8000-000000000000"), undefined);
    });

    let s2;
    await step("getAllSessionHandlesForUser and revokeSession", async () => {
        s2 = await Session.createNewSessionWithoutRequestResponse(T, rid, {}, {});
        const handles = await Session.getAllSessionHandlesForUser(uid);
        assert.deepEqual([...handles].sort(), [s1.getHandle(), s2.getHandle()].sort());
        assert.deepEqual(await Session.getAllSessionHandlesForUser("no-such-user"), []);

        assert.equal(await Session.revokeSession(s2.getHandle()), true);
        assert.equal(await Session.revokeSession(s2.getHandle()), false);
        assert.deepEqual(await Session.getAllSessionHandlesForUser(uid), [s1.getHandle()]);
        assert.equal(await Session.getSessionInformation(s2.getHandle()), undefined);
        const t = s2.getAllSessionTokensDangerously();
        const err = await rejects(
            Session.getSessionWithoutRequestResponse(t.accessToken, undefined, { checkDatabase: true }),
            "getSession with checkDatabase on a revoked session"
        );
        assert.equal(err.type, Session.Error.UNAUTHORISED, String(err));
        const rerr = await rejects(Session.refreshSessionWithoutRequestResponse(t.refreshToken), "refresh a revoked session");
        assert.equal(rerr.type, Session.Error.UNAUTHORISED, String(rerr));
    });

    let s3;
    await step("token theft: an old refresh token reused", async () => {
        s3 = await Session.createNewSessionWithoutRequestResponse(T, rid, {}, {});
        const rt1 = s3.getAllSessionTokensDangerously().refreshToken;
        const rt2 = (await Session.refreshSessionWithoutRequestResponse(rt1)).getAllSessionTokensDangerously().refreshToken;
        // Using the child promotes it, which retires rt1 for good.
        const rt3 = (await Session.refreshSessionWithoutRequestResponse(rt2)).getAllSessionTokensDangerously().refreshToken;
        assert.ok(rt3 && rt3 !== rt2);
        await calls();
        const err = await rejects(Session.refreshSessionWithoutRequestResponse(rt1), "refresh with a retired token");
        assert.equal(err.type, Session.Error.TOKEN_THEFT_DETECTED, String(err));
        assert.equal(err.payload.sessionHandle, s3.getHandle());
        assert.equal(err.payload.userId, uid);
        assert.equal(err.payload.recipeUserId.getAsString(), uid);
        await expectCalls("theft", ["POST /recipe/session/refresh"]);
    });

    await step("revokeAllSessionsForUser", async () => {
        const revoked = await Session.revokeAllSessionsForUser(uid);
        assert.deepEqual([...revoked].sort(), [s1.getHandle(), s3.getHandle()].sort());
        assert.deepEqual(await Session.getAllSessionHandlesForUser(uid), []);
        assert.deepEqual(await Session.revokeAllSessionsForUser(uid), []);
        const err = await rejects(Session.refreshSessionWithoutRequestResponse(t2.refreshToken), "refresh after revoking all");
        assert.equal(err.type, Session.Error.UNAUTHORISED, String(err));
    });

    await step("getJWKS matches the keys the SDK verified with", async () => {
        const { keys, validityInSeconds } = await Session.getJWKS();
        // From the core's Cache-Control max-age: without it the SDK would
        // fall back to 60 s, while a fresh key is good for days.
        assert.ok(validityInSeconds > 60, `JWKS max-age ${validityInSeconds}`);
        const kid = decode(t1.accessToken).header.kid;
        const key = keys.find((k) => k.kid === kid);
        assert.ok(key, `the signing key ${kid} is listed`);
        assert.equal(key.kty, "RSA");
        assert.equal(key.alg, "RS256");
        assert.equal(key.use, "sig");
        const wellKnown = await (await fetch(coreURL + "/.well-known/jwks.json")).json();
        assert.deepEqual(
            wellKnown.keys.map((k) => k.kid).sort(),
            keys.map((k) => k.kid).sort()
        );
    });

    await step("createJWT, verified against the JWKS", async () => {
        const { keys } = await Session.getJWKS();
        async function check(useStaticSigningKey, kidPattern) {
            const r = await Session.createJWT({ custom: { n: 1 } }, 60, useStaticSigningKey);
            assert.equal(r.status, "OK");
            const { header, payload } = decode(r.jwt);
            assert.equal(header.alg, "RS256");
            assert.match(header.kid, kidPattern);
            assert.deepEqual(payload.custom, { n: 1 });
            assert.equal(payload.iss, apiDomain + "/auth", "the SDK's issuer, which the core keeps");
            assert.equal(payload.exp - payload.iat, 60);
            let jwk = keys.find((k) => k.kid === header.kid);
            if (!jwk) {
                // A static key is made on first use, after the JWKS above.
                jwk = (await Session.getJWKS()).keys.find((k) => k.kid === header.kid);
            }
            assert.ok(jwk, `the key ${header.kid} is in the JWKS`);
            const [h, p, sig] = r.jwt.split(".");
            const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
            assert.equal(crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url")), true, "signature");
        }
        await check(undefined, /^s-/);
        await check(false, /^d-/);
    });
});
