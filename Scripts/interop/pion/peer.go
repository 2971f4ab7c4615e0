package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/logging"
	"github.com/pion/transport/v2"
	"github.com/pion/transport/v2/stdnet"
	"github.com/pion/webrtc/v3"
)

// pionVersion is the Debian package's upstream version, set by Scripts/interop/build-pion
// (-ldflags -X): Pion's sources carry no version constant of their own.
var pionVersion = "unknown"

var loopback = net.IPv4(127, 0, 0, 1)

// newAPI makes the API every peer connection of this program comes from: ICE on 127.0.0.1 only and
// UDP over IPv4 (the project never leaves loopback), no mDNS (it would send multicast on the LAN and
// hide the address behind a .local name), Pion's log on stderr (its default writer is stdout, which
// carries only our JSON lines).
//
// detach: read data channels ourselves instead of through OnMessage. Pion's OnMessage read loop reads
// into a 65535-byte buffer, so the first 65536-byte message ends the channel's reading for good (see
// README.md); every mode but serve --naive-echo detaches.
func newAPI(detach bool) *webrtc.API {
	settings := webrtc.SettingEngine{}
	logs := logging.NewDefaultLoggerFactory() // honours PION_LOG_* for debugging
	logs.Writer = os.Stderr
	settings.LoggerFactory = logs
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// Pion skips loopback interfaces and addresses unless told to include them; the filter then keeps
	// 127.0.0.1 alone (not 127.0.1.1 and the like, nor any other interface's address).
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetIPFilter(func(ip net.IP) bool { return ip.Equal(loopback) })
	settings.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if detach {
		settings.DetachDataChannels()
	}
	if network, err := stdnet.NewNet(); err == nil {
		settings.SetNet(largeReadBuffers{network})
	} else {
		logf("no socket tuning (%v); Pion makes its own sockets", err)
	}
	// Media (CONTROL.md echoMedia): Pion's default codecs (Opus, VP8 among them) and its default
	// interceptors (NACK, RTCP reports); an API made without a MediaEngine has no codecs at all.
	media := &webrtc.MediaEngine{}
	if err := media.RegisterDefaultCodecs(); err != nil {
		logf("no default codecs: %v", err)
	}
	interceptors := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(media, interceptors); err != nil {
		logf("no default interceptors: %v", err)
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(settings), webrtc.WithMediaEngine(media), webrtc.WithInterceptorRegistry(interceptors))
}

func newPeerConnection(api *webrtc.API) (*webrtc.PeerConnection, error) {
	// An explicit empty server list: no STUN or TURN traffic anywhere.
	return api.NewPeerConnection(webrtc.Configuration{ICEServers: []webrtc.ICEServer{}})
}

const gatheringLimit = 10 * time.Second

// setLocalAndGather sets the local description and waits (at most gatheringLimit) until ICE gathering
// is complete, then returns the local description, whose SDP then holds every candidate: the
// webrtc-echoes and control conventions exchange no trickled candidates.
func setLocalAndGather(pc *webrtc.PeerConnection, description webrtc.SessionDescription) (*webrtc.SessionDescription, error) {
	// The promise is made before SetLocalDescription, so the completion cannot slip by unseen.
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(description); err != nil {
		return nil, fmt.Errorf("setLocalDescription(%s): %w", description.Type, err)
	}
	select {
	case <-gathered:
	case <-time.After(gatheringLimit):
		return nil, fmt.Errorf("ICE gathering did not complete within %v (state %s)", gatheringLimit, pc.ICEGatheringState())
	}
	local := pc.LocalDescription()
	if local == nil {
		return nil, fmt.Errorf("no local description after gathering (the peer connection was closed?)")
	}
	return local, nil
}

// optionalNumber is a JSON value for an option Pion holds as a pointer: null when it is not set.
func optionalNumber(value *uint16) interface{} {
	if value == nil {
		return nil
	}
	return *value
}

// udpReadBuffer is the receive buffer asked for ICE's sockets. With Linux's default (208 KiB) a bulk
// echo on loopback overflows it: about 1 % of the datagrams were dropped (UdpRcvbufErrors), and SCTP
// halves its window at each loss. The kernel caps the request at net.core.rmem_max.
const udpReadBuffer = 4 << 20

// largeReadBuffers is the standard network with a larger receive buffer on every UDP socket.
type largeReadBuffers struct{ *stdnet.Net }

func (n largeReadBuffers) ListenUDP(network string, address *net.UDPAddr) (transport.UDPConn, error) {
	conn, err := n.Net.ListenUDP(network, address)
	if err != nil {
		return nil, err
	}
	if err := conn.SetReadBuffer(udpReadBuffer); err != nil {
		logf("SetReadBuffer(%d): %v", udpReadBuffer, err)
	}
	return conn, nil
}
