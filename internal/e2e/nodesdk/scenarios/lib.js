"use strict";
// Shared by the scenario scripts: the configuration the Go test passes in
// the environment, strict assertions, the log of core calls the recorder
// keeps, an Express app on loopback with the SDK's middleware, and a runner
// that exits non-zero with a message on the first failure.
//
// Run the scripts through `go test ./internal/e2e/nodesdk`, which starts the
// core and sets LATCHKEY_CORE_URL, LATCHKEY_API_KEY and LATCHKEY_CALLS_URL.

const assert = require("node:assert/strict");
const http = require("node:http");
const util = require("node:util");

function env(name) {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set: run the scenarios with go test ./internal/e2e/nodesdk`);
    }
    return v;
}

// coreURL is the (first) core, for calls the scripts make themselves;
// connectionURI is what the SDK gets: several cores separated by ";".
const coreURL = env("LATCHKEY_CORE_URL");
const connectionURI = process.env.LATCHKEY_CONNECTION_URI || coreURL;
const apiKey = env("LATCHKEY_API_KEY");
const callsURL = env("LATCHKEY_CALLS_URL");

// initSDK initialises supertokens-node against the core, with apiDomain
// (and the website on the same origin, so anti-CSRF is off as in §1.6).
function initSDK(apiDomain, recipeList) {
    const supertokens = require("supertokens-node");
    supertokens.init({
        framework: "express",
        supertokens: { connectionURI, apiKey },
        appInfo: {
            appName: "latchkey-nodesdk-e2e",
            apiDomain,
            websiteDomain: apiDomain,
            apiBasePath: "/auth",
            websiteBasePath: "/auth",
        },
        recipeList,
        telemetry: false,
    });
}

// listen starts an HTTP server on a free loopback port; the Express app is
// attached once the SDK is initialised, since the SDK needs the port first.
async function listen() {
    const server = http.createServer();
    await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
    });
    return { server, apiDomain: `http://127.0.0.1:${server.address().port}` };
}

// serve attaches an Express app with the SDK's middleware and error
// handler, plus the routes that routes(app) adds, to server.
function serve(server, routes) {
    const express = require("express");
    const { middleware, errorHandler } = require("supertokens-node/framework/express");
    const app = express();
    app.use(express.json());
    app.use(middleware());
    if (routes) {
        routes(app);
    }
    app.use(errorHandler());
    app.use((err, req, res, next) => {
        console.error("express error:", err);
        res.status(500).json({ message: String(err) });
    });
    server.on("request", app);
}

// request calls the app over HTTP and returns the status, headers and the
// parsed JSON body (or the text when it is not JSON).
async function request(base, method, path, { body, headers } = {}) {
    const init = { method, headers: { ...(headers || {}) } };
    if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
}

// calls returns the core calls made since the previous calls() (or since
// the start), as "METHOD /path" strings plus the raw records.
async function calls() {
    const res = await fetch(callsURL);
    assert.equal(res.status, 200, "the recorder's call log");
    const list = await res.json();
    return { list, lines: list.map((c) => `${c.method} ${c.path}`) };
}

// expectCalls asserts that exactly these core calls were made since the
// previous calls()/expectCalls(), in this order, and returns the records.
async function expectCalls(what, expected) {
    const got = await calls();
    assert.deepEqual(got.lines, expected, `${what}: core calls`);
    return got.list;
}

// query parses a recorded call's query string.
function query(c) {
    return Object.fromEntries(new URLSearchParams(c.query));
}

let current = "(setup)";

// step runs one named part of a scenario, so a failure says where it was.
async function step(name, fn) {
    current = name;
    const start = performance.now();
    await fn();
    console.log(`step: ${name} (${Math.round(performance.now() - start)} ms)`);
}

// run runs a scenario and exits: 0 when it passed, 1 with the failing step
// and the error otherwise (also for an error thrown inside the SDK).
function run(name, fn) {
    process.on("unhandledRejection", (err) => fail(err));
    fn().then(
        () => {
            console.log(`PASS ${name}`);
            process.exit(0);
        },
        (err) => fail(err)
    );
    function fail(err) {
        console.error(`FAIL ${name} at step "${current}":`);
        console.error(err && err.stack ? err.stack : util.inspect(err, { depth: 6 }));
        if (err && err.payload !== undefined) {
            console.error("payload:", util.inspect(err.payload, { depth: 6 }));
        }
        process.exit(1);
    }
}

// rejects asserts that promise rejects, and returns the error.
async function rejects(promise, what) {
    try {
        await promise;
    } catch (err) {
        return err;
    }
    assert.fail(`${what}: expected an error, got success`);
}

module.exports = {
    apiKey,
    assert,
    calls,
    coreURL,
    env,
    expectCalls,
    initSDK,
    listen,
    query,
    rejects,
    request,
    run,
    serve,
    step,
};
