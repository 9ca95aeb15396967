"use strict";
// AccountLinking through supertokens-node's own functions against the
// core: canCreatePrimaryUser / createPrimaryUser, canLinkAccounts /
// linkAccounts (and their refusals), getUser and listUsersByAccountInfo
// finding the primary user, unlinkAccount, and deleteUser with and
// without removeAllLinkedAccounts.

const { assert, calls, expectCalls, initSDK, run, step } = require("./lib");

run("accountlinking", async () => {
    const supertokens = require("supertokens-node");
    const AccountLinking = require("supertokens-node/recipe/accountlinking");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const ThirdParty = require("supertokens-node/recipe/thirdparty");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:3001", [
        // Manual linking only: the SDK links nothing on its own here.
        AccountLinking.init({ shouldDoAutomaticAccountLinking: async () => ({ shouldAutomaticallyLink: false }) }),
        EmailPassword.init(),
        ThirdParty.init({
            signInAndUpFeature: {
                providers: [{ config: { thirdPartyId: "google", clients: [{ clientId: "google-client", clientSecret: "s" }] } }],
            },
        }),
        Session.init(),
    ]);
    const T = "public";
    const rid = (id) => supertokens.convertToRecipeUserId(id);
    let ada, adaTP, bob, ada2;

    await step("users to link", async () => {
        ada = (await EmailPassword.signUp(T, "ada@example.com", "linking-pass-1")).user;
        adaTP = (await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "ada@example.com", true)).user;
        bob = (await EmailPassword.signUp(T, "bob@example.com", "linking-pass-1")).user;
        ada2 = (await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-2", "ada@example.com", false)).user;
        assert.equal(ada.isPrimaryUser, false);
        await calls();
    });

    await step("canCreatePrimaryUser and createPrimaryUser", async () => {
        let r = await AccountLinking.canCreatePrimaryUser(rid(ada.id));
        assert.equal(r.status, "OK");
        assert.equal(r.wasAlreadyAPrimaryUser, false);
        await expectCalls("canCreatePrimaryUser", ["GET /recipe/accountlinking/user/primary/check"]);
        r = await AccountLinking.createPrimaryUser(rid(ada.id));
        assert.equal(r.status, "OK");
        assert.equal(r.wasAlreadyAPrimaryUser, false);
        assert.equal(r.user.id, ada.id);
        assert.equal(r.user.isPrimaryUser, true);
        r = await AccountLinking.createPrimaryUser(rid(ada.id));
        assert.equal(r.status, "OK");
        assert.equal(r.wasAlreadyAPrimaryUser, true);
        r = await AccountLinking.createPrimaryUser(rid(bob.id));
        assert.equal(r.status, "OK");
        await calls();
    });

    await step("canLinkAccounts and linkAccounts", async () => {
        let r = await AccountLinking.canLinkAccounts(rid(adaTP.id), ada.id);
        assert.equal(r.status, "OK");
        assert.equal(r.accountsAlreadyLinked, false);
        r = await AccountLinking.linkAccounts(rid(adaTP.id), ada.id);
        assert.equal(r.status, "OK");
        assert.equal(r.accountsAlreadyLinked, false);
        assert.equal(r.user.id, ada.id);
        assert.equal(r.user.isPrimaryUser, true);
        assert.deepEqual(r.user.loginMethods.map((m) => m.recipeUserId.getAsString()), [ada.id, adaTP.id]);
        assert.deepEqual(r.user.loginMethods.map((m) => m.recipeId), ["emailpassword", "thirdparty"]);
        assert.deepEqual(r.user.thirdParty, [{ id: "google", userId: "g-1" }]);
        assert.equal(r.user.loginMethods[1].verified, true);
        r = await AccountLinking.linkAccounts(rid(adaTP.id), ada.id);
        assert.equal(r.status, "OK");
        assert.equal(r.accountsAlreadyLinked, true);
        const cs = await calls();
        assert.ok(cs.lines.includes("POST /recipe/accountlinking/user/link"), `calls: ${cs.lines}`);
    });

    await step("refusals", async () => {
        let r = await AccountLinking.linkAccounts(rid(adaTP.id), bob.id);
        assert.equal(r.status, "RECIPE_USER_ID_ALREADY_LINKED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR");
        assert.equal(r.primaryUserId, ada.id);
        assert.equal(r.user.id, ada.id);
        r = await AccountLinking.linkAccounts(rid(ada2.id), bob.id);
        assert.equal(r.status, "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR");
        assert.equal(r.primaryUserId, ada.id);
        r = await AccountLinking.linkAccounts(rid(bob.id), ada2.id);
        assert.equal(r.status, "INPUT_USER_IS_NOT_A_PRIMARY_USER");
        r = await AccountLinking.createPrimaryUser(rid(ada2.id));
        assert.equal(r.status, "ACCOUNT_INFO_ALREADY_ASSOCIATED_WITH_ANOTHER_PRIMARY_USER_ID_ERROR");
        assert.equal(r.primaryUserId, ada.id);
        r = await AccountLinking.createPrimaryUser(rid(adaTP.id));
        assert.equal(r.status, "RECIPE_USER_ID_ALREADY_LINKED_WITH_PRIMARY_USER_ID_ERROR");
        assert.equal(r.primaryUserId, ada.id);
        const u = await supertokens.getUser(bob.id);
        assert.equal(u.loginMethods.length, 1);
        await calls();
    });

    await step("getUser and listUsersByAccountInfo find the primary user", async () => {
        const byLinked = await supertokens.getUser(adaTP.id);
        assert.equal(byLinked.id, ada.id);
        assert.equal(byLinked.loginMethods.length, 2);
        let us = await supertokens.listUsersByAccountInfo(T, { thirdParty: { id: "google", userId: "g-1" } });
        assert.deepEqual(us.map((u) => u.id), [ada.id]);
        us = await supertokens.listUsersByAccountInfo(T, { email: "ada@example.com" });
        assert.deepEqual(us.map((u) => u.id), [ada.id, ada2.id]);
        const page = await supertokens.getUsersOldestFirst({ tenantId: T });
        assert.deepEqual(page.users.map((u) => u.id), [ada.id, bob.id, ada2.id]);
        assert.equal(await supertokens.getUserCount(undefined, T), 3);
        await calls();
    });

    await step("unlinkAccount", async () => {
        const r = await AccountLinking.unlinkAccount(rid(adaTP.id));
        assert.equal(r.status, "OK");
        assert.equal(r.wasLinked, true);
        assert.equal(r.wasRecipeUserDeleted, false);
        const u = await supertokens.getUser(adaTP.id);
        assert.equal(u.id, adaTP.id);
        assert.equal(u.isPrimaryUser, false);
        assert.equal((await supertokens.getUser(ada.id)).loginMethods.length, 1);
        assert.equal(await supertokens.getUserCount(undefined, T), 4);
        const cs = await calls();
        assert.ok(cs.lines.includes("POST /recipe/accountlinking/user/unlink"), `calls: ${cs.lines}`);
    });

    await step("deleteUser of a linked login method only", async () => {
        const r = await AccountLinking.linkAccounts(rid(adaTP.id), ada.id);
        assert.equal(r.status, "OK");
        await supertokens.deleteUser(adaTP.id, false);
        const u = await supertokens.getUser(ada.id);
        assert.deepEqual(u.loginMethods.map((m) => m.recipeUserId.getAsString()), [ada.id]);
        assert.equal(await supertokens.getUser(adaTP.id), undefined);
        const c = (await calls()).list.find((x) => x.path === "/user/remove");
        assert.deepEqual(c.body, { userId: adaTP.id, removeAllLinkedAccounts: false });
    });

    await step("deleteUser with every linked account", async () => {
        const tp = (await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-3", "ada@example.com", true)).user;
        const r = await AccountLinking.linkAccounts(rid(tp.id), ada.id);
        assert.equal(r.status, "OK");
        await supertokens.deleteUser(tp.id);
        assert.equal(await supertokens.getUser(ada.id), undefined);
        assert.equal(await supertokens.getUser(tp.id), undefined);
        assert.deepEqual(await supertokens.listUsersByAccountInfo(T, { email: "ada@example.com" }).then((us) => us.map((u) => u.id)), [ada2.id]);
        assert.equal(await supertokens.getUserCount(undefined, T), 2);
        await calls();
    });
});
