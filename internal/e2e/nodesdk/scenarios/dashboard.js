"use strict";
// The SDK's dashboard API in email-password mode, whose sign-in and
// session checks go to the core's /recipe/dashboard/signin and
// /recipe/dashboard/session/verify. The Go test made the accounts on the
// core beforehand with the request the dashboard's sign-up screen shows.

const { assert, calls, env, expectCalls, initSDK, listen, request, run, serve, step } = require("./lib");

run("dashboard", async () => {
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    const Dashboard = require("supertokens-node/recipe/dashboard");
    const UserMetadata = require("supertokens-node/recipe/usermetadata");

    const admin = { email: env("LATCHKEY_DASHBOARD_EMAIL"), password: env("LATCHKEY_DASHBOARD_PASSWORD") };
    const viewer = { email: env("LATCHKEY_DASHBOARD_VIEWER_EMAIL"), password: env("LATCHKEY_DASHBOARD_VIEWER_PASSWORD") };
    const { server, apiDomain } = await listen();
    // No apiKey in the dashboard's config: email-password mode. Only the
    // admin may write.
    initSDK(apiDomain, [EmailPassword.init(), Session.init(), UserMetadata.init(), Dashboard.init({ admins: [admin.email] })]);
    serve(server);

    const T = "public";
    const ids = [];
    for (const email of ["dash1@example.com", "dash2@example.com", "dash3@example.com"]) {
        const r = await EmailPassword.signUp(T, email, "dash-pass-1");
        assert.equal(r.status, "OK");
        ids.push(r.user.id);
    }
    const api = "/auth/dashboard/api";

    async function signIn(who) {
        await calls();
        const r = await request(apiDomain, "POST", `${api}/signin`, { body: who });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        assert.match(r.json.sessionId, /^[0-9a-f-]{36}$/, "a UUID session id");
        const cs = await expectCalls("dashboard sign-in", ["POST /recipe/dashboard/signin"]);
        assert.deepEqual(cs[0].body, who);
        return r.json.sessionId;
    }
    const bearer = (id) => ({ authorization: `Bearer ${id}` });

    let sessionId;
    await step("POST /auth/dashboard/api/signin", async () => {
        sessionId = await signIn(admin);
    });

    await step("POST /auth/dashboard/api/signin, wrong password", async () => {
        const r = await request(apiDomain, "POST", `${api}/signin`, { body: { email: admin.email, password: "wrong-pass-1" } });
        assert.equal(r.status, 200, r.text);
        // The SDK forwards the core's answer unchanged.
        assert.deepEqual(r.json, { status: "INVALID_CREDENTIALS_ERROR" });
    });

    await step("GET /auth/dashboard/api/users/count", async () => {
        await calls();
        const r = await request(apiDomain, "GET", `${api}/users/count`, { headers: bearer(sessionId) });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, { status: "OK", count: 3 });
        const cs = await expectCalls("users/count", ["POST /recipe/dashboard/session/verify", "GET /public/users/count"]);
        assert.deepEqual(cs[0].body, { sessionId });
    });

    await step("a protected API with a bad session id", async () => {
        const r = await request(apiDomain, "GET", `${api}/users/count`, { headers: bearer("00000000-0000-4000-8000-000000000000") });
        assert.equal(r.status, 401, r.text);
        assert.deepEqual(r.json, { message: "Unauthorised access" });
    });

    await step("PUT user metadata as the admin, then list users", async () => {
        const r = await request(apiDomain, "PUT", `${api}/user/metadata`, {
            headers: bearer(sessionId),
            body: { userId: ids[0], data: JSON.stringify({ first_name: "Ada" }) },
        });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, { status: "OK" });
        const list = await request(apiDomain, "GET", `${api}/users?limit=2`, { headers: bearer(sessionId) });
        assert.equal(list.status, 200, list.text);
        assert.equal(list.json.status, "OK");
        assert.equal(list.json.users.length, 2);
        assert.ok(list.json.nextPaginationToken, "a second page");
        const next = await request(
            apiDomain,
            "GET",
            `${api}/users?limit=2&paginationToken=${encodeURIComponent(list.json.nextPaginationToken)}`,
            { headers: bearer(sessionId) }
        );
        assert.equal(next.status, 200, next.text);
        const all = [...list.json.users, ...next.json.users];
        assert.deepEqual(all.map((u) => u.id).sort(), [...ids].sort());
        assert.equal(all.find((u) => u.id === ids[0]).firstName, "Ada");
    });

    await step("a write by a dashboard user who is not an admin", async () => {
        const viewerSession = await signIn(viewer);
        const ok = await request(apiDomain, "GET", `${api}/users/count`, { headers: bearer(viewerSession) });
        assert.equal(ok.status, 200, ok.text);
        // The SDK takes the email from the core's verify answer.
        const r = await request(apiDomain, "PUT", `${api}/user/metadata`, {
            headers: bearer(viewerSession),
            body: { userId: ids[0], data: "{}" },
        });
        assert.equal(r.status, 403, r.text);
        assert.deepEqual(r.json, { message: "You are not permitted to perform this operation" });
    });

    await step("POST /auth/dashboard/api/signout", async () => {
        await calls();
        const r = await request(apiDomain, "POST", `${api}/signout`, { headers: bearer(sessionId), body: {} });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, { status: "OK" });
        const cs = await expectCalls("sign-out", ["POST /recipe/dashboard/session/verify", "DELETE /recipe/dashboard/session"]);
        assert.equal(cs[1].query, `sessionId=${sessionId}`);
        const after = await request(apiDomain, "GET", `${api}/users/count`, { headers: bearer(sessionId) });
        assert.equal(after.status, 401, after.text);
    });
});
