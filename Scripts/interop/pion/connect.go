package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/pion/webrtc/v3"
)

// The webrtc-echoes offerer: one channel; --messages text messages, each echoed back equal and in
// order; then --bytes bytes in 64 KiB binary messages, echoed back with the same SHA-256. One JSON line
// at the end, exit 0 when it passed.

const connectChunk = 64 << 10

type received struct {
	data     []byte
	isString bool
}

type offerer struct {
	pc      *webrtc.PeerConnection
	ch      *channel
	inbox   chan received
	started time.Time
	figures fields
}

func runConnect(arguments []string) int {
	flags := flag.NewFlagSet("connect", flag.ContinueOnError)
	messages := flags.Int("messages", 100, "text messages to echo")
	total := flags.Int64("bytes", 16<<20, "bytes to echo in 64 KiB binary messages")
	timeout := flags.Float64("timeout", 180, "seconds for the whole run")
	// The URL may come before the flags (Go's flag package stops at the first non-flag).
	var target string
	if len(arguments) > 0 && len(arguments[0]) > 0 && arguments[0][0] != '-' {
		target, arguments = arguments[0], arguments[1:]
	}
	if err := flags.Parse(arguments); err != nil {
		return 2
	}
	if target == "" && flags.NArg() > 0 {
		target = flags.Arg(0)
	}
	if target == "" {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	o := &offerer{inbox: make(chan received, 256), figures: fields{}, started: time.Now()}
	result := make(chan error, 1)
	go func() { result <- o.run(target, *messages, *total) }()
	var err error
	select {
	case err = <-result:
	case <-time.After(time.Duration(*timeout * float64(time.Second))):
		err = fmt.Errorf("did not finish within %v s", *timeout)
	}
	line := fields{"ok": err == nil, "seconds": time.Since(o.started).Seconds()}
	for key, value := range o.figures {
		line[key] = value
	}
	if err != nil {
		line["detail"] = err.Error()
	} else {
		line["detail"] = "passed"
	}
	writeLine(line)
	if o.pc != nil {
		o.pc.Close()
	}
	if err != nil {
		return 1
	}
	return 0
}

func (o *offerer) run(target string, messages int, total int64) error {
	endpoint, err := loopbackURL(target)
	if err != nil {
		return err
	}
	if o.pc, err = newPeerConnection(newAPI(true)); err != nil {
		return fmt.Errorf("new peer connection: %w", err)
	}
	dc, err := o.pc.CreateDataChannel("pion-connect", nil)
	if err != nil {
		return fmt.Errorf("createDataChannel: %w", err)
	}
	o.ch = newChannel(dc, handlers{
		message: func(ch *channel, data []byte, isString bool) {
			o.inbox <- received{append([]byte(nil), data...), isString}
		},
	})
	offer, err := o.pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("createOffer: %w", err)
	}
	local, err := setLocalAndGather(o.pc, offer)
	if err != nil {
		return err
	}
	answer, err := postOffer(endpoint, local)
	if err != nil {
		return err
	}
	if err := o.pc.SetRemoteDescription(*answer); err != nil {
		return fmt.Errorf("setRemoteDescription(answer): %w", err)
	}
	select {
	case <-o.ch.opened:
	case <-o.ch.done:
		return fmt.Errorf("the channel closed before it opened")
	case <-time.After(20 * time.Second):
		return fmt.Errorf("the channel did not open within 20 s (connection %s, ICE %s)", o.pc.ConnectionState(), o.pc.ICEConnectionState())
	}
	o.figures["setupSeconds"] = time.Since(o.started).Seconds()
	if err := o.texts(messages); err != nil {
		return err
	}
	return o.bulk(total)
}

// loopbackURL refuses any host but loopback: this program talks to nothing else.
func loopbackURL(target string) (string, error) {
	parsed, err := url.Parse(target)
	if err != nil || parsed.Scheme != "http" || parsed.Hostname() == "" {
		return "", fmt.Errorf("not an http URL: %q", target)
	}
	host := parsed.Hostname()
	if host == "localhost" {
		parsed.Host = net.JoinHostPort("127.0.0.1", parsed.Port())
		if parsed.Port() == "" {
			parsed.Host = "127.0.0.1"
		}
	} else if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%s is not loopback, and only loopback is allowed", host)
	}
	return parsed.String(), nil
}

func postOffer(endpoint string, offer *webrtc.SessionDescription) (*webrtc.SessionDescription, error) {
	body, _ := json.Marshal(fields{"type": "offer", "sdp": offer.SDP})
	client := &http.Client{Timeout: 30 * time.Second}
	response, err := client.Post(endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("POST the offer: %w", err)
	}
	defer response.Body.Close()
	payload, err := io.ReadAll(io.LimitReader(response.Body, bodyLimit))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if response.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s: %.300s", response.Status, payload)
	}
	var answer struct {
		Type string `json:"type"`
		SDP  string `json:"sdp"`
	}
	if err := json.Unmarshal(payload, &answer); err != nil || answer.Type != "answer" {
		return nil, fmt.Errorf("expected {\"type\": \"answer\", \"sdp\"}, got %.300s", payload)
	}
	return &webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer.SDP}, nil
}

func (o *offerer) next(what string) (received, error) {
	// What arrived before a close is still taken first (one select would pick at random).
	select {
	case message := <-o.inbox:
		return message, nil
	default:
	}
	select {
	case message := <-o.inbox:
		return message, nil
	case <-o.ch.done:
		return received{}, fmt.Errorf("the channel closed while waiting for %s (%s)", what, o.ch.state())
	case <-time.After(bulkStall):
		return received{}, fmt.Errorf("nothing arrived for %v while waiting for %s", bulkStall, what)
	}
}

func (o *offerer) texts(count int) error {
	started := time.Now()
	sent := make([]string, count)
	for i := range sent {
		// Empty and non-ASCII messages among them: both have tripped stacks before.
		switch i % 10 {
		case 3:
			sent[i] = ""
		case 7:
			sent[i] = fmt.Sprintf("%d: héllo wörld, 日本語, 🎉", i)
		default:
			sent[i] = fmt.Sprintf("message %d", i)
		}
		if err := o.ch.send([]byte(sent[i]), true); err != nil {
			return err
		}
	}
	for i, want := range sent {
		got, err := o.next(fmt.Sprintf("echo %d of %d", i, count))
		if err != nil {
			return err
		}
		if !got.isString || string(got.data) != want {
			return fmt.Errorf("echo %d differs: sent %q, got %.60q (text: %v)", i, want, got.data, got.isString)
		}
	}
	o.figures["messages"] = count
	o.figures["messagesSeconds"] = time.Since(started).Seconds()
	return nil
}

func (o *offerer) bulk(total int64) error {
	generator := rand.New(rand.NewSource(16))
	sentHash, receivedHash := sha256.New(), sha256.New()
	sendError := make(chan error, 1)
	started := time.Now()
	go func() {
		chunk := make([]byte, connectChunk)
		for offset := int64(0); offset < total; {
			n := connectChunk
			if remaining := total - offset; remaining < int64(n) {
				n = int(remaining)
			}
			generator.Read(chunk[:n])
			if err := o.ch.waitForRoom(bulkLimit, n, bulkStall); err != nil {
				sendError <- fmt.Errorf("sending stopped after %d of %d bytes: %w", offset, total, err)
				return
			}
			if err := o.ch.send(chunk[:n], false); err != nil {
				sendError <- fmt.Errorf("sending stopped after %d of %d bytes: %w", offset, total, err)
				return
			}
			sentHash.Write(chunk[:n])
			offset += int64(n)
		}
		sendError <- nil
	}()
	var got int64
	for got < total {
		message, err := o.next(fmt.Sprintf("bulk bytes (%d of %d back)", got, total))
		if err != nil {
			return err
		}
		if message.isString {
			return fmt.Errorf("a text message came back during the bulk: %.60q", message.data)
		}
		receivedHash.Write(message.data)
		got += int64(len(message.data))
	}
	elapsed := time.Since(started).Seconds()
	if err := <-sendError; err != nil {
		return err
	}
	o.figures["bytes"] = got
	o.figures["bulkSeconds"] = elapsed
	o.figures["megabytesPerSecond"] = float64(total) / elapsed / 1e6
	if got != total || !bytes.Equal(sentHash.Sum(nil), receivedHash.Sum(nil)) {
		return fmt.Errorf("received %d of %d bytes; SHA-256 sent %s received %s", got, total,
			hex.EncodeToString(sentHash.Sum(nil)), hex.EncodeToString(receivedHash.Sum(nil)))
	}
	o.figures["sha256"] = hex.EncodeToString(receivedHash.Sum(nil))
	return nil
}
