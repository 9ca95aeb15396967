// Package dashboard holds the built user-management dashboard: a single-page app whose
// TypeScript sources live in src/ and whose built files, committed in dist/, are embedded in
// the Go binary. The dashboard recipe (recipe/dashboard) serves them; this package only
// provides the files.
//
// Contract with the server (see README.md beside this file):
//
//   - dist/index.html is served for {apiBasePath}[/{tenantId}]/dashboard and every deeper UI
//     path except …/dashboard/api/… and …/dashboard/assets/…. Before serving it, the server
//     replaces the comment <!--latchkey:head--> with a <base href="{apiBasePath}/dashboard/">
//     element and a <script type="application/json" id="latchkey-config"> data element
//     holding the runtime configuration (with "<" escaped as \u003c).
//   - dist/assets/* holds content-hashed files that may be cached for a long time.
//   - The page needs no inline script or style: it works under
//     Content-Security-Policy: default-src 'self'.
//
// Build with the no_ui tag to leave the UI out of the binary; [FS] is then empty.
//
// Reference: reference/dashboard.md §2 (serving) and §5 (screens).
package dashboard
