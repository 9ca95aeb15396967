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
    const EmailVerification = require("supertokens-node/recipe/emailverification");
    const UserMetadata = require("supertokens-node/recipe/usermetadata");
    const UserRoles = require("supertokens-node/recipe/userroles");

    const admin = { email: env("LATCHKEY_DASHBOARD_EMAIL"), password: env("LATCHKEY_DASHBOARD_PASSWORD") };
    const viewer = { email: env("LATCHKEY_DASHBOARD_VIEWER_EMAIL"), password: env("LATCHKEY_DASHBOARD_VIEWER_PASSWORD") };
    const { server, apiDomain } = await listen();
    // No apiKey in the dashboard's config: email-password mode. Only the
    // admin may write.
    initSDK(apiDomain, [
        EmailPassword.init(),
        EmailVerification.init({ mode: "OPTIONAL" }),
        Session.init(),
        UserMetadata.init(),
        UserRoles.init(),
        Dashboard.init({ admins: [admin.email] }),
    ]);
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

    // get and send call the dashboard API as the UI does, signed in as the
    // admin, and return the JSON body of a 200.
    async function get(path) {
        const r = await request(apiDomain, "GET", api + path, { headers: bearer(sessionId) });
        assert.equal(r.status, 200, `GET ${path}: ${r.text}`);
        return r.json;
    }
    async function send(method, path, body) {
        const r = await request(apiDomain, method, api + path, { headers: bearer(sessionId), body });
        assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
        return r.json;
    }

    await step("the users page: tenants and search tags", async () => {
        await calls();
        const tenants = await get("/tenants");
        assert.equal(tenants.status, "OK");
        assert.deepEqual(
            tenants.tenants.map((t) => t.tenantId),
            ["public"]
        );
        assert.ok(tenants.tenants[0].firstFactors.includes("emailpassword"), JSON.stringify(tenants));
        await expectCalls("GET /api/tenants", ["POST /recipe/dashboard/session/verify", "GET /recipe/multitenancy/tenant/list/v2"]);
        const tags = await get("/search/tags");
        assert.equal(tags.status, "OK");
        assert.deepEqual([...tags.tags].sort(), ["email", "phone", "provider"]);
        const found = await get("/users?limit=10&email=dash2");
        assert.deepEqual(
            found.users.map((u) => u.emails[0]),
            ["dash2@example.com"]
        );
    });

    await step("the user page: details, verification, metadata, sessions", async () => {
        const user = await get(`/user?userId=${ids[1]}`);
        assert.equal(user.status, "OK");
        assert.equal(user.user.id, ids[1]);
        assert.deepEqual(user.user.emails, ["dash2@example.com"]);
        assert.equal(user.user.firstName, "");
        assert.deepEqual(await get("/user?userId=00000000-0000-4000-8000-000000000000"), { status: "NO_USER_FOUND_ERROR" });

        assert.deepEqual(await get(`/user/email/verify?recipeUserId=${ids[1]}`), { status: "OK", isVerified: false });
        assert.deepEqual(await send("PUT", "/user/email/verify", { recipeUserId: ids[1], verified: true }), { status: "OK" });
        assert.deepEqual(await get(`/user/email/verify?recipeUserId=${ids[1]}`), { status: "OK", isVerified: true });
        assert.deepEqual(await send("PUT", "/user/email/verify", { recipeUserId: ids[1], verified: false }), { status: "OK" });
        assert.deepEqual(await get(`/user/email/verify?recipeUserId=${ids[1]}`), { status: "OK", isVerified: false });

        assert.deepEqual(await get(`/user/metadata?userId=${ids[0]}`), { status: "OK", data: { first_name: "Ada" } });

        const supertokens = require("supertokens-node");
        const rid = supertokens.convertToRecipeUserId(ids[1]);
        const s1 = await Session.createNewSessionWithoutRequestResponse(T, rid, { k: 1 }, { d: 1 });
        const s2 = await Session.createNewSessionWithoutRequestResponse(T, rid);
        const list = await get(`/user/sessions?userId=${ids[1]}`);
        assert.equal(list.status, "OK");
        assert.deepEqual(list.sessions.map((x) => x.sessionHandle).sort(), [s1.getHandle(), s2.getHandle()].sort());
        const one = list.sessions.find((x) => x.sessionHandle === s1.getHandle());
        assert.equal(one.userId, ids[1]);
        assert.equal(one.tenantId, T);
        assert.deepEqual(one.sessionDataInDatabase, { d: 1 });
        assert.equal(one.accessTokenPayload.k, 1);
        assert.deepEqual(await send("POST", "/user/sessions", { sessionHandles: [s1.getHandle()] }), { status: "OK" });
        assert.deepEqual(
            (await get(`/user/sessions?userId=${ids[1]}`)).sessions.map((x) => x.sessionHandle),
            [s2.getHandle()]
        );
    });

    await step("the user page: password, email and name, create, delete", async () => {
        assert.deepEqual(await send("PUT", "/user/password", { recipeUserId: ids[1], newPassword: "dash-pass-2" }), { status: "OK" });
        assert.equal((await EmailPassword.signIn(T, "dash2@example.com", "dash-pass-2")).status, "OK");
        const put = await send("PUT", "/user", {
            recipeUserId: ids[1],
            recipeId: "emailpassword",
            firstName: "Grace",
            lastName: "Hopper",
            email: "grace@example.com",
            phone: "",
        });
        assert.deepEqual(put, { status: "OK" });
        const user = (await get(`/user?userId=${ids[1]}`)).user;
        assert.deepEqual(user.emails, ["grace@example.com"]);
        assert.equal(user.firstName, "Grace");
        assert.equal(user.lastName, "Hopper");
        const taken = await send("PUT", "/user", {
            recipeUserId: ids[1],
            recipeId: "emailpassword",
            firstName: "",
            lastName: "",
            email: "dash3@example.com",
            phone: "",
        });
        assert.deepEqual(taken, { status: "EMAIL_ALREADY_EXISTS_ERROR" });

        const created = await send("POST", "/user/emailpassword", { email: "made@example.com", password: "made-pass-1" });
        assert.equal(created.status, "OK", JSON.stringify(created));
        assert.deepEqual(created.user.emails, ["made@example.com"]);
        // Node serialises its RecipeUserId class as an object here.
        assert.deepEqual(created.recipeUserId, { recipeUserId: created.user.id });
        assert.deepEqual(await send("POST", "/user/emailpassword", { email: "made@example.com", password: "made-pass-1" }), {
            status: "EMAIL_ALREADY_EXISTS_ERROR",
        });
        assert.deepEqual(await get("/users/count"), { status: "OK", count: 4 });
        assert.deepEqual(await send("DELETE", `/user?userId=${created.user.id}`), { status: "OK" });
        assert.deepEqual(await get("/users/count"), { status: "OK", count: 3 });
    });

    await step("the roles page", async () => {
        assert.deepEqual(await get("/userroles/roles"), { status: "OK", roles: [] });
        assert.deepEqual(await send("PUT", "/userroles/role", { role: "support", permissions: ["read", "reset"] }), {
            status: "OK",
            createdNewRole: true,
        });
        const perms = await get("/userroles/role/permissions?role=support");
        assert.equal(perms.status, "OK");
        assert.deepEqual([...perms.permissions].sort(), ["read", "reset"]);
        assert.deepEqual(await send("PUT", "/userroles/role/permissions/remove", { role: "support", permissions: ["reset"] }), {
            status: "OK",
        });
        assert.deepEqual(await get("/userroles/role/permissions?role=support"), { status: "OK", permissions: ["read"] });
        assert.deepEqual(await send("PUT", "/userroles/user/roles", { userId: ids[0], role: "support" }), {
            status: "OK",
            didUserAlreadyHaveRole: false,
        });
        assert.deepEqual(await get(`/userroles/user/roles?userId=${ids[0]}`), { status: "OK", roles: ["support"] });
        assert.deepEqual(await send("DELETE", `/userroles/user/roles?userId=${ids[0]}&role=support`), {
            status: "OK",
            didUserHaveRole: true,
        });
        assert.deepEqual(await send("DELETE", "/userroles/role?role=support"), { status: "OK", didRoleExist: true });
        assert.deepEqual(await get("/userroles/roles"), { status: "OK", roles: [] });
    });

    await step("the tenant page", async () => {
        await calls();
        const t = await get("/tenant");
        assert.equal(t.status, "OK", JSON.stringify(t));
        assert.equal(t.tenant.tenantId, "public");
        assert.equal(t.tenant.userCount, 3);
        // The settings a tenant may have of its own, with the core's values.
        assert.deepEqual(t.tenant.coreConfig.map((f) => f.key), [
            "email_verification_token_lifetime",
            "password_reset_token_lifetime",
            "passwordless_code_lifetime",
            "passwordless_max_code_input_attempts",
        ]);
        assert.equal(t.tenant.coreConfig.find((f) => f.key === "passwordless_max_code_input_attempts").value, 5);
        assert.ok(t.tenant.firstFactors.includes("emailpassword"));
        const cs = await expectCalls("GET /api/tenant", [
            "POST /recipe/dashboard/session/verify",
            "GET /public/recipe/multitenancy/tenant/v2",
            "GET /public/users/count",
            "GET /public/recipe/dashboard/tenant/core-config",
        ]);
        assert.equal(cs[3].rid, "dashboard");
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
