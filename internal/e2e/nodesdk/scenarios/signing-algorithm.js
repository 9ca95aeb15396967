"use strict";
// Access tokens signed with the algorithm the core is set to
// (access_token_signing_algorithm: RS256, ES256 or EdDSA): the SDK's own
// verification (jose, against the core's JWKS) accepts them, refreshes
// them, and refuses one whose signature or payload was changed; the JWKS
// lists the key with the kty, crv and alg its RFC gives. The Go test runs
// this script once per algorithm, each on a core of its own.

const crypto = require("node:crypto");
const { assert, env, expectCalls, calls, initSDK, rejects, run, step } = require("./lib");

function decode(jwt) {
    const [h, p] = jwt.split(".");
    const part = (s) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return { header: part(h), payload: part(p) };
}

const alg = env("LATCHKEY_SIGNING_ALGORITHM");
const jwkShape = {
    RS256: { kty: "RSA" },
    ES256: { kty: "EC", crv: "P-256" },
    EdDSA: { kty: "OKP", crv: "Ed25519" },
}[alg];

run(`signing-algorithm ${alg}`, async () => {
    assert.ok(jwkShape, `unknown algorithm ${alg}`);
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:3003", [EmailPassword.init(), Session.init()]);

    const T = "public";
    const uid = (await EmailPassword.signUp(T, "alg@example.com", "alg-pass-1")).user.id;
    const rid = supertokens.convertToRecipeUserId(uid);
    let s1, t1;

    await step("createNewSessionWithoutRequestResponse signs with " + alg, async () => {
        s1 = await Session.createNewSessionWithoutRequestResponse(T, rid, { role: "reader" }, {});
        t1 = s1.getAllSessionTokensDangerously();
        const { header, payload } = decode(t1.accessToken);
        assert.equal(header.alg, alg);
        assert.equal(header.typ, "JWT");
        assert.equal(header.version, "5");
        assert.match(header.kid, alg === "RS256" ? /^d-\d+$/ : new RegExp(`^d-\\d+-${alg.toLowerCase()}$`));
        assert.equal(payload.sub, uid);
    });

    await step("the JWKS lists the key", async () => {
        const { keys } = await Session.getJWKS();
        const jwk = keys.find((k) => k.kid === decode(t1.accessToken).header.kid);
        assert.ok(jwk, "the signing key is listed");
        assert.equal(jwk.alg, alg);
        assert.equal(jwk.use, "sig");
        for (const [k, v] of Object.entries(jwkShape)) {
            assert.equal(jwk[k], v, `jwk.${k}`);
        }
        // Node's own crypto reads the JWK and checks the signature too.
        const [h, p, sig] = t1.accessToken.split(".");
        const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
        const ok =
            alg === "RS256"
                ? crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url"))
                : alg === "ES256"
                  ? crypto.verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(sig, "base64url"))
                  : crypto.verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url"));
        assert.equal(ok, true, "node:crypto verifies the signature");
    });

    await step("getSessionWithoutRequestResponse verifies locally", async () => {
        await calls();
        const s = await Session.getSessionWithoutRequestResponse(t1.accessToken);
        assert.equal(s.getHandle(), s1.getHandle());
        assert.equal(s.getAccessTokenPayload().role, "reader");
        // jose fetches the JWKS for itself, once.
        await expectCalls("first local verification", ["GET /.well-known/jwks.json"]);
        await Session.getSessionWithoutRequestResponse(t1.accessToken);
        await expectCalls("second local verification", []);
    });

    await step("a forged token is refused", async () => {
        const { header, payload } = decode(t1.accessToken);
        const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const sig = t1.accessToken.split(".")[2];
        for (const forged of [
            [enc(header), enc({ ...payload, sub: "someone-else" }), sig].join("."),
            [enc(header), enc(payload), Buffer.alloc(Buffer.from(sig, "base64url").length).toString("base64url")].join("."),
        ]) {
            const err = await rejects(Session.getSessionWithoutRequestResponse(forged), "a forged token");
            assert.equal(err.type, Session.Error.TRY_REFRESH_TOKEN, String(err));
        }
    });

    await step("refresh, then the refreshed token verifies", async () => {
        const s = await Session.refreshSessionWithoutRequestResponse(t1.refreshToken);
        const t2 = s.getAllSessionTokensDangerously();
        assert.equal(decode(t2.accessToken).header.alg, alg);
        await calls();
        // The first use confirms the refresh with the core (as with RS256),
        // which mints a token with the same algorithm; then it is local.
        const v = await Session.getSessionWithoutRequestResponse(t2.accessToken);
        await expectCalls("verify after refresh", ["POST /recipe/session/verify"]);
        const t3 = v.getAllSessionTokensDangerously().accessToken;
        assert.equal(decode(t3).header.alg, alg);
        await Session.getSessionWithoutRequestResponse(t3);
        await expectCalls("the promoted token verifies locally", []);
    });
});
