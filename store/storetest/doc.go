// Package storetest is the conformance suite every [store.Store] engine
// passes, after dex's storage/conformance: [Run] checks every method and
// every documented error, [RunConcurrency] the race rules (one sign-up per
// email, serialised updaters, one first signing key, no role assignment
// outliving its role, no lost metadata key).
//
// An engine calls both from a short test, with a function that opens a
// fresh, empty store for one test and closes it in t.Cleanup:
//
//	func TestStore(t *testing.T)       { storetest.Run(t, open) }
//	func TestConcurrency(t *testing.T) { storetest.RunConcurrency(t, open) }
//
// Every bug fixed in one engine should become a case here.
package storetest
