"use strict";
// ThirdParty through the SDK's own functions against the core:
// manuallyCreateOrUpdateUser (sign-up, sign-in, an email update from the
// provider, a verified email), getUser, listUsersByAccountInfo by account
// and by email, getProvider, search by provider, getUserCount per recipe,
// and deleteUser.

const { assert, calls, expectCalls, initSDK, run, step } = require("./lib");

run("thirdparty", async () => {
    const supertokens = require("supertokens-node");
    const ThirdParty = require("supertokens-node/recipe/thirdparty");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:3001", [
        ThirdParty.init({
            signInAndUpFeature: {
                providers: [
                    { config: { thirdPartyId: "google", clients: [{ clientId: "google-client", clientSecret: "s" }] } },
                    { config: { thirdPartyId: "github", clients: [{ clientId: "github-client", clientSecret: "s" }] } },
                ],
            },
        }),
        Session.init(),
    ]);
    const T = "public";
    let ada, grace;

    await step("manuallyCreateOrUpdateUser signs up", async () => {
        const r = await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "Ada@Example.com", false);
        assert.equal(r.status, "OK");
        assert.equal(r.createdNewRecipeUser, true);
        ada = r.user;
        assert.equal(r.recipeUserId.getAsString(), ada.id);
        assert.deepEqual(ada.emails, ["ada@example.com"]);
        assert.deepEqual(ada.thirdParty, [{ id: "google", userId: "g-1" }]);
        assert.deepEqual(ada.tenantIds, [T]);
        assert.equal(ada.isPrimaryUser, false);
        assert.equal(ada.loginMethods.length, 1);
        const lm = ada.loginMethods[0];
        assert.equal(lm.recipeId, "thirdparty");
        assert.equal(lm.recipeUserId.getAsString(), ada.id);
        assert.deepEqual(lm.thirdParty, { id: "google", userId: "g-1" });
        assert.equal(lm.email, "ada@example.com");
        assert.equal(lm.verified, false);
        const cs = await calls();
        assert.ok(cs.lines.includes("POST /public/recipe/signinup"), `calls: ${cs.lines}`);
        const c = cs.list.find((x) => x.path === "/public/recipe/signinup");
        assert.deepEqual(c.body, { thirdPartyId: "google", thirdPartyUserId: "g-1", email: { id: "Ada@Example.com", isVerified: false } });
    });

    await step("manuallyCreateOrUpdateUser signs in and updates the email", async () => {
        const r = await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "ada@lovelace.example", true);
        assert.equal(r.status, "OK");
        assert.equal(r.createdNewRecipeUser, false);
        assert.equal(r.user.id, ada.id);
        assert.deepEqual(r.user.emails, ["ada@lovelace.example"]);
        assert.equal(r.user.loginMethods[0].verified, true);
        assert.equal(r.user.timeJoined, ada.timeJoined);
        ada = r.user;
        grace = (await ThirdParty.manuallyCreateOrUpdateUser(T, "github", "42", "grace@example.com", false)).user;
        await calls();
    });

    await step("getUser", async () => {
        const u = await supertokens.getUser(ada.id);
        assert.ok(u);
        assert.deepEqual(u.toJson(), ada.toJson());
        await expectCalls("getUser", ["GET /user/id"]);
    });

    await step("listUsersByAccountInfo", async () => {
        let us = await supertokens.listUsersByAccountInfo(T, { thirdParty: { id: "google", userId: "g-1" } });
        assert.deepEqual(us.map((u) => u.id), [ada.id]);
        us = await supertokens.listUsersByAccountInfo(T, { email: "ADA@lovelace.example" });
        assert.deepEqual(us.map((u) => u.id), [ada.id]);
        us = await supertokens.listUsersByAccountInfo(T, { thirdParty: { id: "google", userId: "nope" } });
        assert.deepEqual(us, []);
        us = await supertokens.listUsersByAccountInfo(T, { email: "grace@example.com", thirdParty: { id: "google", userId: "g-1" } }, true);
        assert.deepEqual(us.map((u) => u.id).sort(), [ada.id, grace.id].sort());
        await calls();
    });

    await step("getProvider", async () => {
        const p = await ThirdParty.getProvider(T, "github");
        assert.ok(p, "the provider");
        assert.equal(p.id, "github");
        assert.equal(p.config.clientId, "github-client");
        assert.equal(await ThirdParty.getProvider(T, "nope"), undefined);
        await calls();
    });

    await step("search by provider", async () => {
        let page = await supertokens.getUsersNewestFirst({ tenantId: T, query: { provider: "goo" } });
        assert.deepEqual(page.users.map((u) => u.id), [ada.id]);
        page = await supertokens.getUsersOldestFirst({ tenantId: T, query: { provider: "g" } });
        assert.deepEqual(page.users.map((u) => u.id), [ada.id, grace.id]);
        page = await supertokens.getUsersOldestFirst({ tenantId: T, query: { provider: "github", email: "grace" } });
        assert.deepEqual(page.users.map((u) => u.id), [grace.id]);
        page = await supertokens.getUsersOldestFirst({ tenantId: T, includeRecipeIds: ["thirdparty"] });
        assert.deepEqual(page.users.map((u) => u.id), [ada.id, grace.id]);
        const cs = await calls();
        assert.ok(cs.list.every((c) => c.path === "/public/users"), `calls: ${cs.lines}`);
    });

    await step("getUserCount", async () => {
        assert.equal(await supertokens.getUserCount(["thirdparty"]), 2);
        assert.equal(await supertokens.getUserCount(["emailpassword"]), 0);
        assert.equal(await supertokens.getUserCount(undefined, T), 2);
        await calls();
    });

    await step("deleteUser", async () => {
        await supertokens.deleteUser(ada.id);
        assert.equal(await supertokens.getUser(ada.id), undefined);
        assert.deepEqual(await supertokens.listUsersByAccountInfo(T, { thirdParty: { id: "google", userId: "g-1" } }), []);
        assert.equal(await supertokens.getUserCount(["thirdparty"]), 1);
        // The account signs up again as a new user.
        const r = await ThirdParty.manuallyCreateOrUpdateUser(T, "google", "g-1", "ada@lovelace.example", false);
        assert.equal(r.createdNewRecipeUser, true);
        assert.notEqual(r.user.id, ada.id);
    });
});
