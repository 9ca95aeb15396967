"use strict";
// Against a core whose GET /apiversion lists no version this SDK supports
// (the Go test serves such a stub), the SDK's first core call must throw:
// this is what makes the negotiation the other scenarios pass through
// meaningful.

const { assert, initSDK, rejects, run, step } = require("./lib");

run("incompatible", async () => {
    const supertokens = require("supertokens-node");
    const Session = require("supertokens-node/recipe/session");
    initSDK("http://127.0.0.1:1", [Session.init()]);
    await step("first core call", async () => {
        const err = await rejects(supertokens.getUserCount(), "getUserCount against an incompatible core");
        assert.match(String(err.message), /not compatible with this NodeJS SDK/);
    });
});
