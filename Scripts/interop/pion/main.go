// pion-peer: Pion v3 as an interop peer for Crucible. See README.md.
//
//	pion-peer control                                    the control protocol (Scripts/interop/CONTROL.md)
//	pion-peer serve --port P [--negotiated ID ...]       the webrtc-echoes answerer
//	pion-peer connect URL [--messages N] [--bytes N]     the webrtc-echoes offerer
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  pion-peer control
  pion-peer serve --port P [--negotiated ID ...] [--naive-echo]
  pion-peer connect URL [--messages N] [--bytes N] [--timeout SECONDS]
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "control":
		os.Exit(runControl())
	case "serve":
		os.Exit(runServe(os.Args[2:]))
	case "connect":
		os.Exit(runConnect(os.Args[2:]))
	case "version", "--version":
		fmt.Fprintf(os.Stderr, "pion %s\n", pionVersion)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
}
