// Command gatehouse is a self-hosted sign-in service: password plus
// authenticator-app codes, with an admin console, in one binary.
package main

import (
	"os"

	"github.com/alecthomas/kong"

	"gatehouse/server/cli"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	var commands cli.Commands
	parser := kong.Parse(&commands,
		kong.Name("gatehouse"),
		kong.Description("Gatehouse: password and authenticator-app sign-in for small "+
			"organisations. Every flag can also be set with a GATEHOUSE_* environment "+
			"variable, shown beside it."),
		kong.DefaultEnvars("GATEHOUSE"),
		kong.UsageOnError(),
		kong.Bind(cli.Build{Version: version, Assets: appAssets}),
	)
	if err := parser.Run(); err != nil {
		cli.Fail(err)
		os.Exit(1)
	}
}
