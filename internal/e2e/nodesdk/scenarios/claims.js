"use strict";
// EmailVerification, UserMetadata and UserRoles through the SDK's own
// functions, and the claims those recipes put into a new session's access
// token: st-ev, st-role and st-perm.

const { assert, calls, expectCalls, initSDK, query, run, step } = require("./lib");

run("claims", async () => {
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const EmailVerification = require("supertokens-node/recipe/emailverification");
    const Session = require("supertokens-node/recipe/session");
    const UserMetadata = require("supertokens-node/recipe/usermetadata");
    const UserRoles = require("supertokens-node/recipe/userroles");
    initSDK("http://127.0.0.1:3003", [
        EmailPassword.init(),
        EmailVerification.init({ mode: "OPTIONAL" }),
        Session.init(),
        UserMetadata.init(),
        UserRoles.init(),
    ]);

    const T = "public";
    const email = "claims@example.com";
    const uid = (await EmailPassword.signUp(T, email, "claims-pass-1")).user.id;
    const rid = supertokens.convertToRecipeUserId(uid);

    // claims returns a new session's st-* claims, and checks the values'
    // shape: {v, t} with t a time in ms.
    async function claims() {
        const s = await Session.createNewSessionWithoutRequestResponse(T, rid);
        const p = s.getAccessTokenPayload();
        for (const k of ["st-ev", "st-role", "st-perm"]) {
            assert.ok(p[k], `${k} in the payload`);
            assert.ok(Math.abs(p[k].t - Date.now()) < 10 * 60 * 1000, `${k}.t is a time in ms`);
        }
        return { ev: p["st-ev"].v, roles: [...p["st-role"].v].sort(), perms: [...p["st-perm"].v].sort() };
    }

    await step("email verification: create token, verify", async () => {
        assert.equal(await EmailVerification.isEmailVerified(rid, email), false);
        await calls();
        const t = await EmailVerification.createEmailVerificationToken(T, rid, email);
        assert.equal(t.status, "OK");
        assert.equal(typeof t.token, "string");
        const cs = await expectCalls("createEmailVerificationToken", ["POST /public/recipe/user/email/verify/token"]);
        assert.deepEqual(cs[0].body, { userId: uid, email });
        assert.equal(cs[0].rid, "emailverification");

        const v = await EmailVerification.verifyEmailUsingToken(T, t.token);
        assert.equal(v.status, "OK");
        assert.equal(v.user.recipeUserId.getAsString(), uid);
        assert.equal(v.user.email, email);
        assert.equal(await EmailVerification.isEmailVerified(rid, email), true);
        // Without an email the SDK looks the user's up first.
        assert.equal(await EmailVerification.isEmailVerified(rid), true);
        assert.equal((await supertokens.getUser(uid)).loginMethods[0].verified, true);

        assert.equal((await EmailVerification.verifyEmailUsingToken(T, t.token)).status, "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR");
        assert.equal((await EmailVerification.createEmailVerificationToken(T, rid, email)).status, "EMAIL_ALREADY_VERIFIED_ERROR");
    });

    await step("email verification: unverify, revoke tokens", async () => {
        assert.deepEqual(await EmailVerification.unverifyEmail(rid, email), { status: "OK" });
        assert.equal(await EmailVerification.isEmailVerified(rid, email), false);
        assert.equal((await supertokens.getUser(uid)).loginMethods[0].verified, false);
        const t = await EmailVerification.createEmailVerificationToken(T, rid, email);
        assert.equal(t.status, "OK");
        assert.deepEqual(await EmailVerification.revokeEmailVerificationTokens(T, rid, email), { status: "OK" });
        assert.equal((await EmailVerification.verifyEmailUsingToken(T, t.token)).status, "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR");
        assert.equal(await EmailVerification.isEmailVerified(rid, email), false);
    });

    await step("user metadata: get, update (null deletes), clear", async () => {
        assert.deepEqual(await UserMetadata.getUserMetadata(uid), { status: "OK", metadata: {} });
        const first = { a: 1, b: "k", nested: { x: 1, keep: true }, list: [1, "2", null] };
        assert.deepEqual(await UserMetadata.updateUserMetadata(uid, first), { status: "OK", metadata: first });
        // Shallow merge: null removes a key, a nested object is replaced.
        const merged = await UserMetadata.updateUserMetadata(uid, { a: null, nested: { y: 2 }, c: false });
        assert.deepEqual(merged, { status: "OK", metadata: { b: "k", nested: { y: 2 }, list: [1, "2", null], c: false } });
        assert.deepEqual(await UserMetadata.getUserMetadata(uid), merged);
        assert.deepEqual(await UserMetadata.getUserMetadata("someone-else"), { status: "OK", metadata: {} });
        assert.deepEqual(await UserMetadata.clearUserMetadata(uid), { status: "OK" });
        assert.deepEqual(await UserMetadata.getUserMetadata(uid), { status: "OK", metadata: {} });
        assert.deepEqual(await UserMetadata.clearUserMetadata(uid), { status: "OK" });
    });

    await step("user roles: roles, permissions, assignments", async () => {
        assert.deepEqual(await UserRoles.createNewRoleOrAddPermissions("admin", ["read", "write"]), {
            status: "OK",
            createdNewRole: true,
        });
        assert.deepEqual(await UserRoles.createNewRoleOrAddPermissions("admin", ["write", "delete"]), {
            status: "OK",
            createdNewRole: false,
        });
        assert.deepEqual(await UserRoles.createNewRoleOrAddPermissions("viewer", ["read"]), { status: "OK", createdNewRole: true });
        const perms = await UserRoles.getPermissionsForRole("admin");
        assert.equal(perms.status, "OK");
        assert.deepEqual([...perms.permissions].sort(), ["delete", "read", "write"]);
        assert.deepEqual(await UserRoles.getPermissionsForRole("nobody"), { status: "UNKNOWN_ROLE_ERROR" });
        const withRead = await UserRoles.getRolesThatHavePermission("read");
        assert.deepEqual([...withRead.roles].sort(), ["admin", "viewer"]);
        assert.deepEqual([...(await UserRoles.getAllRoles()).roles].sort(), ["admin", "viewer"]);

        assert.deepEqual(await UserRoles.addRoleToUser(T, uid, "admin"), { status: "OK", didUserAlreadyHaveRole: false });
        assert.deepEqual(await UserRoles.addRoleToUser(T, uid, "admin"), { status: "OK", didUserAlreadyHaveRole: true });
        assert.deepEqual(await UserRoles.addRoleToUser(T, uid, "nobody"), { status: "UNKNOWN_ROLE_ERROR" });
        assert.deepEqual(await UserRoles.getRolesForUser(T, uid), { status: "OK", roles: ["admin"] });
        assert.deepEqual(await UserRoles.getUsersThatHaveRole(T, "admin"), { status: "OK", users: [uid] });
        assert.deepEqual(await UserRoles.getUsersThatHaveRole(T, "nobody"), { status: "UNKNOWN_ROLE_ERROR" });
        assert.deepEqual(await UserRoles.removePermissionsFromRole("viewer", ["read"]), { status: "OK" });
        assert.deepEqual(await UserRoles.getPermissionsForRole("viewer"), { status: "OK", permissions: [] });
    });

    await step("claims in a new session: st-ev, st-role, st-perm", async () => {
        await calls();
        assert.deepEqual(await claims(), { ev: false, roles: ["admin"], perms: ["delete", "read", "write"] });
        const cs = (await calls()).list;
        const lines = cs.map((c) => `${c.method} ${c.path}`);
        const ev = cs.find((c) => c.path === "/recipe/user/email/verify");
        assert.ok(ev, `the SDK asked whether the email is verified (${lines})`);
        assert.deepEqual(query(ev), { userId: uid, email });
        const roles = cs.find((c) => c.path === "/public/recipe/user/roles");
        assert.ok(roles, `the SDK asked for the roles (${lines})`);
        assert.deepEqual(query(roles), { userId: uid });
        const perms = cs.filter((c) => c.path === "/recipe/role/permissions");
        assert.deepEqual(
            perms.map((c) => query(c)),
            [{ role: "admin" }]
        );
        assert.equal(lines[lines.length - 1], "POST /public/recipe/session");
    });

    await step("claims follow verification and role changes", async () => {
        const t = await EmailVerification.createEmailVerificationToken(T, rid, email);
        assert.equal((await EmailVerification.verifyEmailUsingToken(T, t.token)).status, "OK");
        await UserRoles.addRoleToUser(T, uid, "viewer");
        assert.deepEqual(await claims(), { ev: true, roles: ["admin", "viewer"], perms: ["delete", "read", "write"] });

        assert.deepEqual(await UserRoles.removeUserRole(T, uid, "admin"), { status: "OK", didUserHaveRole: true });
        assert.deepEqual(await UserRoles.removeUserRole(T, uid, "admin"), { status: "OK", didUserHaveRole: false });
        assert.deepEqual(await UserRoles.getRolesForUser(T, uid), { status: "OK", roles: ["viewer"] });
        assert.deepEqual(await claims(), { ev: true, roles: ["viewer"], perms: [] });

        // An existing session's claim is refreshed on request.
        const s = await Session.createNewSessionWithoutRequestResponse(T, rid);
        await EmailVerification.unverifyEmail(rid, email);
        assert.equal(await s.fetchAndSetClaim(EmailVerification.EmailVerificationClaim), undefined);
        assert.equal(s.getAccessTokenPayload()["st-ev"].v, false);
        const info = await Session.getSessionInformation(s.getHandle());
        assert.equal(info.customClaimsInAccessTokenPayload["st-ev"].v, false);
    });

    await step("user roles: deleteRole", async () => {
        assert.deepEqual(await UserRoles.deleteRole("viewer"), { status: "OK", didRoleExist: true });
        assert.deepEqual(await UserRoles.deleteRole("viewer"), { status: "OK", didRoleExist: false });
        assert.deepEqual(await UserRoles.getPermissionsForRole("viewer"), { status: "UNKNOWN_ROLE_ERROR" });
        // Deleting a role takes it from its users.
        assert.deepEqual(await UserRoles.getRolesForUser(T, uid), { status: "OK", roles: [] });
        assert.deepEqual(await claims(), { ev: false, roles: [], perms: [] });
        assert.deepEqual((await UserRoles.getAllRoles()).roles, ["admin"]);
    });

    await step("deleteUser removes the user's metadata, roles, sessions and verification", async () => {
        await UserMetadata.updateUserMetadata(uid, { a: 1 });
        await UserRoles.addRoleToUser(T, uid, "admin");
        const t = await EmailVerification.createEmailVerificationToken(T, rid, email);
        assert.equal((await EmailVerification.verifyEmailUsingToken(T, t.token)).status, "OK");
        await Session.createNewSessionWithoutRequestResponse(T, rid);
        assert.ok((await Session.getAllSessionHandlesForUser(uid)).length > 0, "sessions before");

        assert.deepEqual(await supertokens.deleteUser(uid), { status: "OK" });
        assert.equal(await supertokens.getUser(uid), undefined);
        assert.deepEqual(await UserMetadata.getUserMetadata(uid), { status: "OK", metadata: {} });
        assert.deepEqual(await UserRoles.getRolesForUser(T, uid), { status: "OK", roles: [] });
        assert.deepEqual(await UserRoles.getUsersThatHaveRole(T, "admin"), { status: "OK", users: [] });
        assert.deepEqual(await Session.getAllSessionHandlesForUser(uid), []);
        assert.equal(await EmailVerification.isEmailVerified(rid, email), false);
    });
});
