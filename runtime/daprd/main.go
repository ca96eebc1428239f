// Command daprd is the upstream Dapr sidecar, built with -tags stablecomponents, plus
// the SQLite name resolver (upstream ships it only in the allcomponents flavour).
//
// Why: mDNS, the default resolver in self-hosted mode, is machine-wide, so two stacks on
// one machine (a `make up` stack and the test suite's, say) would route service calls
// to each other's apps. With SQLite each stack resolves app ids through its own file.
// Everything else is upstream's daprd, with our fixes in runtime/patches applied to its
// source by scripts/install-dapr.sh.
package main

import (
	nrsqlite "github.com/dapr/components-contrib/nameresolution/sqlite"
	"github.com/dapr/dapr/cmd/daprd/app"
	nrloader "github.com/dapr/dapr/pkg/components/nameresolution"
)

func init() {
	nrloader.DefaultRegistry.RegisterComponent(nrsqlite.NewResolver, "sqlite")
}

func main() {
	app.Run()
}
