package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/pion/webrtc/v3"
)

// The webrtc-echoes answerer: POST /offer {"type": "offer", "sdp"} gets {"type": "answer", "sdp"}
// once our gathering is complete; every message on every channel is echoed; a channel that receives
// the text "close-me" closes itself instead. Events go to stdout as aiortc_peer.py serve prints them.

const bodyLimit = 1 << 20

type idList []uint16

func (l *idList) String() string { return fmt.Sprint(*l) }
func (l *idList) Set(value string) error {
	id, err := strconv.ParseUint(value, 10, 16)
	if err != nil || id > 65534 {
		return fmt.Errorf("a stream id is 0...65534, not %q", value)
	}
	*l = append(*l, uint16(id))
	return nil
}

type echoServer struct {
	negotiated idList
	naive      bool // Pion's OnMessage and a Send inside it, to show the stall README.md explains

	lock        sync.Mutex
	connections map[*webrtc.PeerConnection]struct{}
}

func runServe(arguments []string) int {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := flags.Int("port", 0, "TCP port on 127.0.0.1 (0: any free one)")
	s := &echoServer{connections: map[*webrtc.PeerConnection]struct{}{}}
	flags.Var(&s.negotiated, "negotiated", "also echo on the negotiated channel with this stream id, labelled negotiated-ID (repeatable)")
	flags.BoolVar(&s.naive, "naive-echo", false, "echo from Pion's OnMessage callback (reproduces the 64 KiB stall; see README.md)")
	if err := flags.Parse(arguments); err != nil {
		return 2
	}
	listener, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		logf("listen on 127.0.0.1:%d: %v", *port, err)
		return 1
	}
	emit("listening", fields{"port": listener.Addr().(*net.TCPAddr).Port})

	server := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
			emit("failed", fields{"error": fmt.Sprintf("HTTP server: %v", err)})
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	server.Close()
	s.lock.Lock()
	defer s.lock.Unlock()
	for pc := range s.connections {
		pc.Close()
	}
	return 0
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Browser clients post from another origin, and preflight first.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.URL.Path != "/offer" {
		http.Error(w, "POST the offer to /offer", http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodOptions:
		allowHeaders := r.Header.Get("Access-Control-Request-Headers")
		if allowHeaders == "" {
			allowHeaders = "Content-Type"
		}
		w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", allowHeaders)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, bodyLimit+1))
	if err != nil {
		http.Error(w, fmt.Sprintf("reading the body: %v", err), http.StatusBadRequest)
		return
	}
	if len(body) > bodyLimit {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var offer struct {
		Type string  `json:"type"`
		SDP  *string `json:"sdp"`
	}
	if err := json.Unmarshal(body, &offer); err != nil || offer.Type != "offer" || offer.SDP == nil {
		http.Error(w, `expected {"type": "offer", "sdp": "..."}`, http.StatusBadRequest)
		return
	}
	emit("offer", nil)
	answer, err := s.answer(*offer.SDP)
	if err != nil {
		emit("failed", fields{"error": fmt.Sprintf("answer: %v", err)})
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(fields{"type": answer.Type.String(), "sdp": answer.SDP})
}

func (s *echoServer) answer(sdp string) (*webrtc.SessionDescription, error) {
	pc, err := newPeerConnection(newAPI(!s.naive))
	if err != nil {
		return nil, fmt.Errorf("new peer connection: %w", err)
	}
	s.lock.Lock()
	s.connections[pc] = struct{}{}
	s.lock.Unlock()
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		emit("state", fields{"value": state.String()})
		if state == webrtc.PeerConnectionStateFailed || state == webrtc.PeerConnectionStateClosed {
			s.lock.Lock()
			delete(s.connections, pc)
			s.lock.Unlock()
			pc.Close()
		}
	})
	pc.OnDataChannel(s.echo)
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		pc.Close()
		return nil, fmt.Errorf("setRemoteDescription: %w", err)
	}
	for _, id := range s.negotiated {
		id := id
		negotiated := true
		dc, err := pc.CreateDataChannel(fmt.Sprintf("negotiated-%d", id), &webrtc.DataChannelInit{Negotiated: &negotiated, ID: &id})
		if err != nil {
			pc.Close()
			return nil, fmt.Errorf("negotiated channel %d: %w", id, err)
		}
		s.echo(dc)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		pc.Close()
		return nil, fmt.Errorf("createAnswer: %w", err)
	}
	local, err := setLocalAndGather(pc, answer)
	if err != nil {
		pc.Close()
		return nil, err
	}
	return local, nil
}

func channelFields(dc *webrtc.DataChannel) fields {
	return fields{
		"label":             dc.Label(),
		"id":                optionalNumber(dc.ID()),
		"ordered":           dc.Ordered(),
		"maxRetransmits":    optionalNumber(dc.MaxRetransmits()),
		"maxPacketLifeTime": optionalNumber(dc.MaxPacketLifeTime()),
		"protocol":          dc.Protocol(),
		"negotiated":        dc.Negotiated(),
	}
}

func (s *echoServer) echo(dc *webrtc.DataChannel) {
	emit("channel", channelFields(dc))
	if s.naive {
		s.naiveEcho(dc)
		return
	}
	newChannel(dc, handlers{
		message: func(ch *channel, data []byte, isString bool) {
			if isString && string(data) == "close-me" {
				ch.dc.Close()
				return
			}
			// Waiting here stops this channel's reading, which is the backpressure we want.
			if err := ch.waitForRoom(echoLimit, len(data), 60*time.Second); err != nil {
				emit("failed", fields{"error": fmt.Sprintf("echo: %v", err)})
				return
			}
			if err := ch.send(data, isString); err != nil {
				emit("failed", fields{"error": fmt.Sprintf("echo: %v", err)})
			}
		},
		closed: func(ch *channel, err error) {
			if err != nil {
				emit("failed", fields{"error": fmt.Sprintf("channel %q: %v", ch.label, err)})
			}
			emit("closed", fields{"label": ch.label, "id": optionalNumber(ch.dc.ID())})
		},
	})
}

// naiveEcho is the echo server as Pion's examples write it. It loses the channel at the first
// 65536-byte message (README.md); kept only to reproduce that.
func (s *echoServer) naiveEcho(dc *webrtc.DataChannel) {
	dc.OnMessage(func(message webrtc.DataChannelMessage) {
		var err error
		switch {
		case message.IsString && string(message.Data) == "close-me":
			err = dc.Close()
		case message.IsString:
			err = dc.SendText(string(message.Data))
		default:
			err = dc.Send(message.Data)
		}
		if err != nil {
			emit("failed", fields{"error": fmt.Sprintf("echo on %q: %v", dc.Label(), err)})
		}
	})
	dc.OnError(func(err error) {
		emit("failed", fields{"error": fmt.Sprintf("channel %q: %v", dc.Label(), err)})
	})
	dc.OnClose(func() {
		emit("closed", fields{"label": dc.Label(), "id": optionalNumber(dc.ID())})
	})
}
