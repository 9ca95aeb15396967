"use strict";
// Multitenancy through the SDK's own functions against the core:
// createOrUpdateTenant, getTenant, createOrUpdateThirdPartyConfig and
// deleteThirdPartyConfig, sign-up and sign-in on the tenant (through the
// recipe functions and through the SDK's FDI routes under /auth/<tenant>/),
// associateUserToTenant and disassociateUserFromTenant, listAllTenants,
// GET /auth/<tenant>/loginmethods, and deleteTenant.

const { assert, calls, initSDK, listen, rejects, request, run, serve, step } = require("./lib");

run("multitenancy", async () => {
    const supertokens = require("supertokens-node");
    const EmailPassword = require("supertokens-node/recipe/emailpassword");
    const ThirdParty = require("supertokens-node/recipe/thirdparty");
    const Multitenancy = require("supertokens-node/recipe/multitenancy");
    const Session = require("supertokens-node/recipe/session");

    const { server, apiDomain } = await listen();
    initSDK(apiDomain, [
        EmailPassword.init(),
        ThirdParty.init({ signInAndUpFeature: { providers: [] } }),
        Multitenancy.init(),
        Session.init(),
    ]);
    serve(server);
    const T = "customer-1";
    let ann;

    await step("createOrUpdateTenant creates, then updates", async () => {
        let r = await Multitenancy.createOrUpdateTenant(T, { firstFactors: ["emailpassword", "thirdparty"] });
        assert.equal(r.status, "OK");
        assert.equal(r.createdNew, true);
        r = await Multitenancy.createOrUpdateTenant(T, { coreConfig: { email_verification_token_lifetime: 7200000 } });
        assert.equal(r.createdNew, false);
        const cs = await calls();
        assert.ok(cs.lines.includes("PUT /recipe/multitenancy/tenant/v2"), `calls: ${cs.lines}`);
    });

    await step("getTenant", async () => {
        const t = await Multitenancy.getTenant(T);
        assert.equal(t.status, "OK");
        assert.deepEqual(t.firstFactors, ["emailpassword", "thirdparty"]);
        assert.deepEqual(t.coreConfig, { email_verification_token_lifetime: 7200000 });
        assert.deepEqual(t.thirdParty.providers, []);
        // An unknown tenant in the path is the transport's 400, as on a SuperTokens core.
        await rejects(Multitenancy.getTenant("no-such-tenant"), "getTenant of an unknown tenant");
    });

    await step("createOrUpdateThirdPartyConfig and deleteThirdPartyConfig", async () => {
        const config = {
            thirdPartyId: "okta",
            name: "Okta",
            clients: [{ clientId: "okta-client", clientSecret: "s", scope: ["openid", "email"] }],
            // Endpoints rather than discovery: getProvider would fetch it.
            authorizationEndpoint: "https://okta.example.com/authorize",
            tokenEndpoint: "https://okta.example.com/token",
            userInfoEndpoint: "https://okta.example.com/userinfo",
        };
        let r = await Multitenancy.createOrUpdateThirdPartyConfig(T, config);
        assert.equal(r.status, "OK");
        assert.equal(r.createdNew, true);
        r = await Multitenancy.createOrUpdateThirdPartyConfig(T, { ...config, name: "Okta SSO" });
        assert.equal(r.createdNew, false);
        r = await Multitenancy.createOrUpdateThirdPartyConfig(T, { thirdPartyId: "github", name: "GitHub", clients: [{ clientId: "gh" }] });
        assert.equal(r.createdNew, true);
        const t = await Multitenancy.getTenant(T);
        assert.deepEqual(t.thirdParty.providers.map((p) => [p.thirdPartyId, p.name]), [["okta", "Okta SSO"], ["github", "GitHub"]]);
        const bad = await Multitenancy.createOrUpdateThirdPartyConfig(T, { thirdPartyId: "nameless" });
        assert.equal(bad.status, "CONFIG_VALIDATION_ERROR");
        r = await Multitenancy.deleteThirdPartyConfig(T, "github");
        assert.equal(r.didConfigExist, true);
        r = await Multitenancy.deleteThirdPartyConfig(T, "github");
        assert.equal(r.didConfigExist, false);
        const cs = await calls();
        assert.ok(cs.lines.includes(`PUT /${T}/recipe/multitenancy/config/thirdparty`), `calls: ${cs.lines}`);
        assert.ok(cs.lines.includes(`POST /${T}/recipe/multitenancy/config/thirdparty/remove`), `calls: ${cs.lines}`);
    });

    await step("the tenant's provider, from the core, through getProvider", async () => {
        const p = await ThirdParty.getProvider(T, "okta");
        assert.ok(p, "okta resolved for the tenant");
        assert.equal(p.config.thirdPartyId, "okta");
        assert.equal(p.config.name, "Okta SSO");
        assert.equal(await ThirdParty.getProvider("public", "okta"), undefined);
    });

    await step("sign up and sign in on the tenant; not on public", async () => {
        const r = await EmailPassword.signUp(T, "ann@example.com", "ann-pass-1");
        assert.equal(r.status, "OK");
        ann = r.user;
        assert.deepEqual(ann.tenantIds, [T]);
        const inT = await EmailPassword.signIn(T, "ann@example.com", "ann-pass-1");
        assert.equal(inT.status, "OK");
        assert.equal(inT.user.id, ann.id);
        const inPublic = await EmailPassword.signIn("public", "ann@example.com", "ann-pass-1");
        assert.equal(inPublic.status, "WRONG_CREDENTIALS_ERROR");
    });

    await step("the FDI on the tenant: /auth/<tenant>/signin and /loginmethods", async () => {
        const form = { formFields: [{ id: "email", value: "ann@example.com" }, { id: "password", value: "ann-pass-1" }] };
        let r = await request(apiDomain, "POST", `/auth/${T}/signin`, { body: form, headers: { "st-auth-mode": "header" } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "OK", r.text);
        assert.equal(r.json.user.id, ann.id);
        const session = await Session.getSessionWithoutRequestResponse(r.headers.get("st-access-token"));
        assert.equal(session.getTenantId(), T);
        r = await request(apiDomain, "POST", "/auth/signin", { body: form, headers: { "st-auth-mode": "header" } });
        assert.equal(r.json.status, "WRONG_CREDENTIALS_ERROR", r.text);
        r = await request(apiDomain, "GET", `/auth/${T}/loginmethods`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.emailPassword.enabled, true);
        assert.equal(r.json.passwordless.enabled, false);
        assert.deepEqual(r.json.thirdParty.providers, [{ id: "okta", name: "Okta SSO" }]);
        assert.deepEqual(r.json.firstFactors, ["emailpassword", "thirdparty"]);
    });

    await step("a login method the tenant has not enabled", async () => {
        await Multitenancy.createOrUpdateTenant(T, { firstFactors: ["thirdparty"] });
        const form = { formFields: [{ id: "email", value: "ann@example.com" }, { id: "password", value: "ann-pass-1" }] };
        const r = await request(apiDomain, "POST", `/auth/${T}/signin`, { body: form, headers: { "st-auth-mode": "header" } });
        assert.notEqual(r.json && r.json.status, "OK", r.text);
        await Multitenancy.createOrUpdateTenant(T, { firstFactors: ["emailpassword", "thirdparty"] });
    });

    await step("associateUserToTenant and disassociateUserFromTenant", async () => {
        const id = new supertokens.RecipeUserId(ann.id);
        let r = await Multitenancy.associateUserToTenant("public", id);
        assert.equal(r.status, "OK");
        assert.equal(r.wasAlreadyAssociated, false);
        r = await Multitenancy.associateUserToTenant("public", id);
        assert.equal(r.wasAlreadyAssociated, true);
        const inPublic = await EmailPassword.signIn("public", "ann@example.com", "ann-pass-1");
        assert.equal(inPublic.status, "OK");
        assert.deepEqual([...inPublic.user.tenantIds].sort(), [T, "public"].sort());
        const unknown = await Multitenancy.associateUserToTenant("public", new supertokens.RecipeUserId("00000000-0000-4000-8000-000000000000"));
        assert.equal(unknown.status, "UNKNOWN_USER_ID_ERROR");
        // Another ann in a third tenant: her email is taken in T.
        await Multitenancy.createOrUpdateTenant("customer-2", { firstFactors: ["emailpassword"] });
        const other = await EmailPassword.signUp("customer-2", "ann@example.com", "other-pass-1");
        assert.equal(other.status, "OK");
        const taken = await Multitenancy.associateUserToTenant(T, other.user.loginMethods[0].recipeUserId);
        assert.equal(taken.status, "EMAIL_ALREADY_EXISTS_ERROR");
        r = await Multitenancy.disassociateUserFromTenant("public", id);
        assert.equal(r.wasAssociated, true);
        assert.equal((await EmailPassword.signIn("public", "ann@example.com", "ann-pass-1")).status, "WRONG_CREDENTIALS_ERROR");
    });

    await step("listAllTenants", async () => {
        const r = await Multitenancy.listAllTenants();
        assert.equal(r.status, "OK");
        assert.deepEqual(r.tenants.map((t) => t.tenantId), ["customer-1", "customer-2", "public"]);
        const t = r.tenants.find((x) => x.tenantId === T);
        assert.deepEqual(t.firstFactors, ["emailpassword", "thirdparty"]);
        assert.equal(t.thirdParty.providers.length, 1);
    });

    await step("deleteTenant", async () => {
        let r = await Multitenancy.deleteTenant(T);
        assert.equal(r.status, "OK");
        assert.equal(r.didExist, true);
        r = await Multitenancy.deleteTenant(T);
        assert.equal(r.didExist, false);
        await rejects(Multitenancy.getTenant(T), "getTenant of a removed tenant");
        assert.equal(await supertokens.getUser(ann.id), undefined, "ann, of the removed tenant only, went with it");
        const names = (await Multitenancy.listAllTenants()).tenants.map((t) => t.tenantId);
        assert.deepEqual(names, ["customer-2", "public"]);
    });
});
