// Package latchkey is the Go SDK of Latchkey: it serves the Frontend Driver
// Interface (FDI) that the SuperTokens frontend libraries speak, talks the
// Core Driver Interface (CDI 5.4) to a Latchkey core, and verifies access
// tokens locally against the core's JWKS.
//
// An application builds one instance with [New], passing its app info, how
// to reach the core, and the recipes it wants:
//
//	sess := session.New(session.Config{})
//	lk, err := latchkey.New(latchkey.Config{
//		AppInfo: latchkey.AppInfo{AppName: "Shop", APIDomain: "https://api.shop.example", WebsiteDomain: "https://shop.example"},
//		Core:    latchkey.CoreConfig{ConnectionURI: "http://127.0.0.1:3567"},
//		Recipes: []latchkey.Recipe{sess, emailpassword.New(emailpassword.Config{})},
//	})
//	if err != nil { ... }
//	mux.Handle("GET /api/me", sess.VerifySession(nil, me))
//	latchkey.NewServer(addr, cors(lk.Middleware(mux))).ListenAndServe() // with timeouts
//
// [Latchkey.Middleware] serves every route below the API base path
// ({apiBasePath}[/{tenantId}]/...) and passes other requests on. Recipes
// live in recipe/<name>; each exports a small Service (its functions) and
// an APIs interface (its HTTP handlers), both replaceable by embedding.
//
// The SDK never imports the core: to run the core in the same process, pass
// its http.Handler as [CoreConfig.Handler].
//
// Contracts: reference/sdk-fdi.md (FDI and SDK behaviour) and
// reference/cdi-core.md §1.6 (how an SDK talks to a core).
package latchkey
