"use strict";
// EmailPassword and the users API through the SDK's own functions: sign-up,
// sign-in, wrong password, duplicate email, getUser, listUsersByAccountInfo,
// email and password updates, password-reset tokens, then getUserCount,
// getUsersNewestFirst/OldestFirst with pagination, and deleteUser.

const { assert, calls, expectCalls, initSDK, query, run, step } = require("./lib");

run("emailpassword", async () => {
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:3001", [EmailPassword.init(), Session.init()]);

    const T = "public";
    const password = "ep-pass-1";
    let alice;

    await step("signUp", async () => {
        const r = await EmailPassword.signUp(T, "Alice@Example.com", password);
        assert.equal(r.status, "OK");
        alice = r.user;
        assert.equal(r.recipeUserId.getAsString(), alice.id);
        assert.match(alice.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "a UUIDv4");
        // The core trims and lower-cases the email (§2.3).
        assert.deepEqual(alice.emails, ["alice@example.com"]);
        assert.equal(alice.isPrimaryUser, false);
        assert.deepEqual(alice.tenantIds, [T]);
        assert.deepEqual(alice.phoneNumbers, []);
        assert.deepEqual(alice.thirdParty, []);
        assert.equal(alice.loginMethods.length, 1);
        const lm = alice.loginMethods[0];
        assert.equal(lm.recipeId, "emailpassword");
        assert.equal(lm.recipeUserId.getAsString(), alice.id);
        assert.equal(lm.email, "alice@example.com");
        assert.equal(lm.verified, false);
        assert.deepEqual(lm.tenantIds, [T]);
        assert.equal(lm.timeJoined, alice.timeJoined);
        assert.ok(Math.abs(alice.timeJoined - Date.now()) < 10 * 60 * 1000, "timeJoined is in ms, around now");
        // The SDK's first core call negotiated the version. The function,
        // unlike the FDI route, skips the tenant and account checks.
        const cs = await expectCalls("signUp", ["GET /apiversion", "POST /public/recipe/signup"]);
        assert.deepEqual(cs[1].body, { email: "Alice@Example.com", password });
    });

    await step("signUp with an existing email", async () => {
        const r = await EmailPassword.signUp(T, "alice@example.com", "other-pass-1");
        assert.equal(r.status, "EMAIL_ALREADY_EXISTS_ERROR");
    });

    await step("signIn", async () => {
        const r = await EmailPassword.signIn(T, "alice@example.com", password);
        assert.equal(r.status, "OK");
        assert.equal(r.user.id, alice.id);
        assert.equal(r.recipeUserId.getAsString(), alice.id);
        assert.deepEqual(r.user.toJson(), alice.toJson());
    });

    await step("signIn with a wrong password or an unknown email", async () => {
        assert.equal((await EmailPassword.signIn(T, "alice@example.com", "wrong-pass-1")).status, "WRONG_CREDENTIALS_ERROR");
        assert.equal((await EmailPassword.signIn(T, "nobody@example.com", password)).status, "WRONG_CREDENTIALS_ERROR");
        assert.equal((await EmailPassword.verifyCredentials(T, "alice@example.com", password)).status, "OK");
        assert.equal(
            (await EmailPassword.verifyCredentials(T, "alice@example.com", "wrong-pass-1")).status,
            "WRONG_CREDENTIALS_ERROR"
        );
    });

    await step("getUser", async () => {
        const u = await supertokens.getUser(alice.id);
        assert.ok(u, "the user");
        assert.deepEqual(u.toJson(), alice.toJson());
        assert.equal(await supertokens.getUser("00000000-0000-4000-8000-000000000000"), undefined);
    });

    await step("listUsersByAccountInfo", async () => {
        const us = await supertokens.listUsersByAccountInfo(T, { email: "ALICE@example.com" });
        assert.deepEqual(
            us.map((u) => u.id),
            [alice.id]
        );
        assert.deepEqual(await supertokens.listUsersByAccountInfo(T, { email: "nobody@example.com" }), []);
        await calls();
        await supertokens.listUsersByAccountInfo(T, { email: "alice@example.com" }, true);
        const cs = await expectCalls("listUsersByAccountInfo", ["GET /public/users/by-accountinfo"]);
        assert.deepEqual(query(cs[0]), { email: "alice@example.com", doUnionOfAccountInfo: "true" });
    });

    let bob;
    await step("updateEmailOrPassword: email", async () => {
        bob = (await EmailPassword.signUp(T, "bob@example.com", password)).user;
        const r = await EmailPassword.updateEmailOrPassword({
            recipeUserId: supertokens.convertToRecipeUserId(bob.id),
            email: "robert@example.com",
        });
        assert.equal(r.status, "OK");
        assert.deepEqual((await supertokens.getUser(bob.id)).emails, ["robert@example.com"]);
        assert.equal((await EmailPassword.signIn(T, "robert@example.com", password)).status, "OK");
        assert.equal((await EmailPassword.signIn(T, "bob@example.com", password)).status, "WRONG_CREDENTIALS_ERROR");
        assert.deepEqual(await supertokens.listUsersByAccountInfo(T, { email: "bob@example.com" }), []);
    });

    await step("updateEmailOrPassword: email taken", async () => {
        const r = await EmailPassword.updateEmailOrPassword({
            recipeUserId: supertokens.convertToRecipeUserId(bob.id),
            email: "alice@example.com",
        });
        assert.equal(r.status, "EMAIL_ALREADY_EXISTS_ERROR");
        assert.deepEqual((await supertokens.getUser(bob.id)).emails, ["robert@example.com"]);
    });

    await step("updateEmailOrPassword: unknown user", async () => {
        const r = await EmailPassword.updateEmailOrPassword({
            recipeUserId: supertokens.convertToRecipeUserId("00000000-0000-4000-8000-000000000000"),
            password: "ep-pass-9",
        });
        assert.equal(r.status, "UNKNOWN_USER_ID_ERROR");
    });

    await step("updateEmailOrPassword: password", async () => {
        await calls();
        const r = await EmailPassword.updateEmailOrPassword({
            recipeUserId: supertokens.convertToRecipeUserId(bob.id),
            password: "ep-pass-2",
        });
        assert.equal(r.status, "OK");
        const put = (await calls()).list.filter((c) => c.method === "PUT");
        assert.deepEqual(
            put.map((c) => [c.path, c.rid, c.body]),
            [["/recipe/user", "emailpassword", { recipeUserId: bob.id, password: "ep-pass-2" }]]
        );
        assert.equal((await EmailPassword.signIn(T, "robert@example.com", "ep-pass-2")).status, "OK");
        assert.equal((await EmailPassword.signIn(T, "robert@example.com", password)).status, "WRONG_CREDENTIALS_ERROR");
    });

    await step("password reset token: create, consume", async () => {
        const t = await EmailPassword.createResetPasswordToken(T, alice.id, "alice@example.com");
        assert.equal(t.status, "OK");
        assert.equal(typeof t.token, "string");
        assert.ok(t.token.length >= 32, "a long token");
        const c = await EmailPassword.consumePasswordResetToken(T, t.token);
        assert.deepEqual(c, { status: "OK", userId: alice.id, email: "alice@example.com" });
        const again = await EmailPassword.consumePasswordResetToken(T, t.token);
        assert.equal(again.status, "RESET_PASSWORD_INVALID_TOKEN_ERROR");
        // Consuming does not change the password.
        assert.equal((await EmailPassword.signIn(T, "alice@example.com", password)).status, "OK");
    });

    await step("password reset token: resetPasswordUsingToken", async () => {
        const t1 = await EmailPassword.createResetPasswordToken(T, alice.id, "alice@example.com");
        const t2 = await EmailPassword.createResetPasswordToken(T, alice.id, "alice@example.com");
        assert.notEqual(t1.token, t2.token);
        const r = await EmailPassword.resetPasswordUsingToken(T, t2.token, "ep-pass-3");
        assert.equal(r.status, "OK");
        assert.equal((await EmailPassword.signIn(T, "alice@example.com", "ep-pass-3")).status, "OK");
        assert.equal((await EmailPassword.signIn(T, "alice@example.com", password)).status, "WRONG_CREDENTIALS_ERROR");
        // Consuming one token deletes the user's others.
        assert.equal((await EmailPassword.consumePasswordResetToken(T, t1.token)).status, "RESET_PASSWORD_INVALID_TOKEN_ERROR");
        assert.equal((await EmailPassword.consumePasswordResetToken(T, "no-such-token")).status, "RESET_PASSWORD_INVALID_TOKEN_ERROR");
    });

    await step("password reset token: unknown user", async () => {
        const r = await EmailPassword.createResetPasswordToken(T, "00000000-0000-4000-8000-000000000000", "x@example.com");
        assert.equal(r.status, "UNKNOWN_USER_ID_ERROR");
    });

    const all = [alice.id, bob.id];
    await step("getUserCount", async () => {
        for (let i = 0; i < 5; i++) {
            const r = await EmailPassword.signUp(T, `user${i}@example.com`, password);
            assert.equal(r.status, "OK");
            all.push(r.user.id);
        }
        await calls();
        assert.equal(await supertokens.getUserCount(), 7);
        assert.equal(await supertokens.getUserCount(["emailpassword"]), 7);
        assert.equal(await supertokens.getUserCount(["passwordless"]), 0);
        assert.equal(await supertokens.getUserCount(undefined, T), 7);
        // Without a tenant the SDK counts across all tenants.
        const cs = await expectCalls("getUserCount", [
            "GET /public/users/count",
            "GET /public/users/count",
            "GET /public/users/count",
            "GET /public/users/count",
        ]);
        assert.deepEqual(query(cs[1]), { includeRecipeIds: "emailpassword", includeAllTenants: "true" });
        assert.deepEqual(query(cs[3]), { includeAllTenants: "false" });
    });

    await step("getUsersNewestFirst and OldestFirst, paginated", async () => {
        async function walk(fn) {
            const seen = [];
            const tokens = new Set();
            let paginationToken;
            for (let pages = 0; ; pages++) {
                assert.ok(pages < 10, "pagination ends");
                const r = await fn({ tenantId: T, limit: 3, paginationToken });
                assert.ok(r.users.length <= 3, "at most limit users a page");
                seen.push(...r.users);
                if (r.nextPaginationToken === undefined) {
                    assert.equal(pages, 2, "7 users in pages of 3 make 3 pages");
                    return seen;
                }
                assert.equal(r.users.length, 3, "a page before the last is full");
                assert.ok(!tokens.has(r.nextPaginationToken), "a token is never repeated");
                tokens.add(r.nextPaginationToken);
                paginationToken = r.nextPaginationToken;
            }
        }
        const newest = await walk((o) => supertokens.getUsersNewestFirst(o));
        const oldest = await walk((o) => supertokens.getUsersOldestFirst(o));
        assert.deepEqual(newest.map((u) => u.id).sort(), [...all].sort(), "every user exactly once");
        assert.deepEqual(oldest.map((u) => u.id).sort(), [...all].sort(), "every user exactly once");
        for (let i = 1; i < newest.length; i++) {
            assert.ok(newest[i - 1].timeJoined >= newest[i].timeJoined, "newest first");
            assert.ok(oldest[i - 1].timeJoined <= oldest[i].timeJoined, "oldest first");
        }
        const listed = newest.find((u) => u.id === alice.id);
        assert.deepEqual(listed.toJson(), (await supertokens.getUser(alice.id)).toJson());
        const one = await supertokens.getUsersNewestFirst({ tenantId: T, limit: 1 });
        assert.deepEqual(
            one.users.map((u) => u.id),
            [newest[0].id]
        );
        assert.ok(one.nextPaginationToken, "more to come");
    });

    await step("getUsersNewestFirst: search and recipe filter", async () => {
        // The dashboard's search: an email prefix, or a domain prefix.
        const found = await supertokens.getUsersNewestFirst({ tenantId: T, query: { email: "user1" } });
        assert.deepEqual(
            found.users.map((u) => u.emails),
            [["user1@example.com"]]
        );
        assert.equal(found.nextPaginationToken, undefined);
        const byDomain = await supertokens.getUsersNewestFirst({ tenantId: T, query: { email: "example.c" } });
        assert.equal(byDomain.users.length, 7);
        const none = await supertokens.getUsersNewestFirst({ tenantId: T, query: { email: "nobody" } });
        assert.deepEqual(none.users, []);
        const ep = await supertokens.getUsersNewestFirst({ tenantId: T, includeRecipeIds: ["emailpassword"] });
        assert.equal(ep.users.length, 7);
        const pl = await supertokens.getUsersNewestFirst({ tenantId: T, includeRecipeIds: ["passwordless"] });
        assert.deepEqual(pl.users, []);
        await calls();
        await supertokens.getUsersOldestFirst({ tenantId: T, limit: 2, query: { email: "user1;user2" } });
        const cs = await expectCalls("search", ["GET /public/users"]);
        assert.deepEqual(query(cs[0]), { timeJoinedOrder: "ASC", limit: "2", email: "user1;user2" });
    });

    await step("deleteUser", async () => {
        assert.deepEqual(await supertokens.deleteUser(bob.id), { status: "OK" });
        assert.equal(await supertokens.getUser(bob.id), undefined);
        assert.equal(await supertokens.getUserCount(), 6);
        assert.equal((await EmailPassword.signIn(T, "robert@example.com", "ep-pass-2")).status, "WRONG_CREDENTIALS_ERROR");
        const rest = await supertokens.getUsersNewestFirst({ tenantId: T });
        assert.equal(rest.users.length, 6);
        assert.ok(!rest.users.some((u) => u.id === bob.id), "bob is not listed");
        // The email is free again.
        assert.equal((await EmailPassword.signUp(T, "robert@example.com", password)).status, "OK");
        // Deleting an unknown user is not an error.
        assert.deepEqual(await supertokens.deleteUser(bob.id), { status: "OK" });
    });
});
