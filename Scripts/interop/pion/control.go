package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v3"
)

// request is one line of the control protocol (Scripts/interop/CONTROL.md). Pointers tell an absent
// or null argument from a zero one.
type request struct {
	ID                *int64  `json:"id"`
	Cmd               string  `json:"cmd"`
	ICERestart        bool    `json:"iceRestart"`
	Type              string  `json:"type"`
	SDP               string  `json:"sdp"`
	Label             string  `json:"label"`
	Ordered           *bool   `json:"ordered"`
	MaxRetransmits    *int64  `json:"maxRetransmits"`
	MaxPacketLifeTime *int64  `json:"maxPacketLifeTime"`
	Protocol          string  `json:"protocol"`
	Negotiated        bool    `json:"negotiated"`
	ChannelID         *int64  `json:"channelId"`
	Text              *string `json:"text"`
	Binary            *string `json:"binary"`
	Bytes             int64   `json:"bytes"`
	Chunk             int64   `json:"chunk"`
}

// failure is a reply with ok false; unsupported marks a feature Pion 3.1.56 does not have at all.
type failure struct {
	message     string
	unsupported bool
}

func (f *failure) Error() string { return f.message }

// echoLimit caps what an echoing channel lets pile up unsent: past it, the channel stops reading, so
// SCTP's receive window pushes back on the far side's sender instead of our memory growing.
const echoLimit = 2 << 20

type controller struct {
	pc   *webrtc.PeerConnection
	echo atomic.Bool

	lock     sync.Mutex
	channels map[string]*channel
	bulks    map[*channel]*bulkReceiver

	media *mediaEcho
}

func runControl() int {
	pc, err := newPeerConnection(newAPI(true))
	if err != nil {
		logf("cannot make the peer connection: %v", err)
		return 1
	}
	c := &controller{pc: pc, channels: map[string]*channel{}, bulks: map[*channel]*bulkReceiver{}, media: newMediaEcho()}
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { go c.media.receive(pc, remote) })
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		emit("connectionState", fields{"value": state.String()})
	})
	pc.OnICEConnectionStateChange(func(state webrtc.ICEConnectionState) {
		emit("iceConnectionState", fields{"value": state.String()})
	})
	pc.OnDataChannel(c.remoteChannel)

	emit("ready", fields{"stack": "pion", "version": pionVersion})

	// A request can carry a base64 message of many megabytes; a line may be that long.
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 0, 1<<16), 256<<20)
	for lines.Scan() {
		line := append([]byte(nil), lines.Bytes()...)
		if len(line) == 0 {
			continue
		}
		var r request
		if err := json.Unmarshal(line, &r); err != nil {
			emit("error", fields{"message": fmt.Sprintf("unreadable request %.200q: %v", line, err)})
			continue
		}
		if r.ID == nil {
			emit("error", fields{"message": fmt.Sprintf("request without an integer id: %.200q", line)})
			continue
		}
		switch r.Cmd {
		case "send", "closeChannel", "createDataChannel", "echo":
			// Quick and never blocking (Pion queues a send without waiting), and their order is the
			// point: 1000 pipelined sends must leave in the order they came, a close after them.
			c.serve(r)
		default:
			// Each in its own goroutine: a bulk or a gathering must not hold back the next request.
			go c.serve(r)
		}
	}
	if err := lines.Err(); err != nil && err != io.EOF {
		emit("error", fields{"message": fmt.Sprintf("reading stdin: %v", err)})
	}
	if err := pc.Close(); err != nil {
		logf("closing the peer connection: %v", err)
	}
	return 0
}

func (c *controller) serve(r request) {
	result, err := c.run(r)
	reply := fields{"reply": *r.ID}
	if err != nil {
		reply["ok"] = false
		reply["error"] = fmt.Sprintf("%s: %v", r.Cmd, err)
		if f, ok := err.(*failure); ok && f.unsupported {
			reply["unsupported"] = true
		}
	} else {
		reply["ok"] = true
		for key, value := range result {
			reply[key] = value
		}
	}
	writeLine(reply)
}

func (c *controller) run(r request) (fields, error) {
	switch r.Cmd {
	case "createOffer":
		// An echoing offerer cannot know what will come: it offers an echo track of each kind.
		if err := c.media.addTracks(c.pc, []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo}); err != nil {
			return nil, err
		}
		offer, err := c.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: r.ICERestart})
		if err != nil {
			return nil, fmt.Errorf("createOffer(iceRestart: %v): %w", r.ICERestart, err)
		}
		return describe(setLocalAndGather(c.pc, offer))
	case "createAnswer":
		if err := c.media.addTracks(c.pc, offeredKinds(c.pc)); err != nil {
			return nil, err
		}
		answer, err := c.pc.CreateAnswer(nil)
		if err != nil {
			return nil, fmt.Errorf("createAnswer (signaling state %s): %w", c.pc.SignalingState(), err)
		}
		return describe(setLocalAndGather(c.pc, answer))
	case "setRemoteDescription":
		kind := webrtc.NewSDPType(r.Type)
		if kind != webrtc.SDPTypeOffer && kind != webrtc.SDPTypeAnswer {
			return nil, fmt.Errorf("type %q is neither \"offer\" nor \"answer\"", r.Type)
		}
		if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: kind, SDP: r.SDP}); err != nil {
			return nil, fmt.Errorf("setRemoteDescription(%s) in signaling state %s: %w", r.Type, c.pc.SignalingState(), err)
		}
		return nil, nil
	case "createDataChannel":
		return nil, c.createDataChannel(r)
	case "send":
		return nil, c.send(r)
	case "closeChannel":
		ch, err := c.channel(r.Label)
		if err != nil {
			return nil, err
		}
		if err := ch.dc.Close(); err != nil {
			return nil, fmt.Errorf("close %q: %w", r.Label, err)
		}
		return nil, nil
	case "echo":
		c.echo.Store(true)
		return nil, nil
	case "bulk":
		return c.bulk(r)
	case "addMedia":
		return nil, &failure{message: "Pion has no audio or video encoders (its tracks take RTP or encoded samples): it can only echo (echoMedia)", unsupported: true}
	case "echoMedia":
		c.media.enabled.Store(true)
		return nil, nil
	case "mediaReport":
		return c.media.report(), nil
	case "close":
		if err := c.pc.Close(); err != nil {
			return nil, fmt.Errorf("close the peer connection: %w", err)
		}
		return nil, nil
	default:
		return nil, fmt.Errorf("unknown cmd %q", r.Cmd)
	}
}

func describe(description *webrtc.SessionDescription, err error) (fields, error) {
	if err != nil {
		return nil, err
	}
	return fields{"type": description.Type.String(), "sdp": description.SDP}, nil
}

func (c *controller) channel(label string) (*channel, error) {
	c.lock.Lock()
	defer c.lock.Unlock()
	ch, ok := c.channels[label]
	if !ok {
		return nil, fmt.Errorf("no channel labelled %q", label)
	}
	return ch, nil
}

func uint16Option(name string, value *int64, max int64) (*uint16, error) {
	if value == nil {
		return nil, nil
	}
	if *value < 0 || *value > max {
		return nil, fmt.Errorf("%s %d is outside 0...%d", name, *value, max)
	}
	v := uint16(*value)
	return &v, nil
}

func (c *controller) createDataChannel(r request) error {
	init := webrtc.DataChannelInit{Ordered: r.Ordered, Protocol: &r.Protocol, Negotiated: &r.Negotiated}
	var err error
	if init.MaxRetransmits, err = uint16Option("maxRetransmits", r.MaxRetransmits, math.MaxUint16); err != nil {
		return err
	}
	if init.MaxPacketLifeTime, err = uint16Option("maxPacketLifeTime", r.MaxPacketLifeTime, math.MaxUint16); err != nil {
		return err
	}
	if init.ID, err = uint16Option("channelId", r.ChannelID, math.MaxUint16-1); err != nil {
		return err
	}
	if r.Negotiated && init.ID == nil {
		return fmt.Errorf("a negotiated channel needs a channelId")
	}
	c.lock.Lock()
	defer c.lock.Unlock()
	if _, taken := c.channels[r.Label]; taken {
		return fmt.Errorf("label %q is already in use", r.Label)
	}
	dc, err := c.pc.CreateDataChannel(r.Label, &init)
	if err != nil {
		return fmt.Errorf("createDataChannel(%q): %w", r.Label, err)
	}
	c.channels[r.Label] = newChannel(dc, c.handlers())
	return nil
}

// remoteChannel takes a channel the far side opened in band. Pion runs this before the channel's
// open handler (it waits for it to return), so "datachannel" comes before "open", and the channel is
// known by its label as soon as it is announced.
func (c *controller) remoteChannel(dc *webrtc.DataChannel) {
	ch := newChannel(dc, c.handlers())
	c.lock.Lock()
	if _, taken := c.channels[dc.Label()]; taken {
		emit("error", fields{"message": fmt.Sprintf("the far side opened a second channel labelled %q; the first keeps the label", dc.Label())})
	} else {
		c.channels[dc.Label()] = ch
	}
	c.lock.Unlock()
	emit("datachannel", fields{
		"label":             dc.Label(),
		"channelId":         optionalNumber(dc.ID()),
		"ordered":           dc.Ordered(),
		"maxRetransmits":    optionalNumber(dc.MaxRetransmits()),
		"maxPacketLifeTime": optionalNumber(dc.MaxPacketLifeTime()),
		"protocol":          dc.Protocol(),
		"negotiated":        dc.Negotiated(),
	})
}

func (c *controller) handlers() handlers {
	return handlers{
		opened: func(ch *channel) {
			emit("open", fields{"label": ch.label, "channelId": optionalNumber(ch.dc.ID())})
		},
		message: c.message,
		closed: func(ch *channel, err error) {
			if err != nil {
				emit("error", fields{"message": fmt.Sprintf("channel %q stopped reading: %v", ch.label, err)})
			}
			if b := c.bulkOn(ch); b != nil {
				b.fail(fmt.Errorf("channel %q closed after %d of %d bytes came back", ch.label, b.receivedBytes(), b.total))
			}
			emit("closed", fields{"label": ch.label})
		},
	}
}

func (c *controller) bulkOn(ch *channel) *bulkReceiver {
	c.lock.Lock()
	defer c.lock.Unlock()
	return c.bulks[ch]
}

func (c *controller) message(ch *channel, data []byte, isString bool) {
	// A running bulk's bytes first: in echo mode they would otherwise go back out and loop forever.
	if !isString {
		if b := c.bulkOn(ch); b != nil {
			b.receive(data)
			return
		}
	}
	if c.echo.Load() {
		if err := ch.waitForRoom(echoLimit, len(data), 60*time.Second); err != nil {
			emit("error", fields{"message": fmt.Sprintf("echo: %v", err)})
			return
		}
		if err := ch.send(data, isString); err != nil {
			emit("error", fields{"message": fmt.Sprintf("echo: %v", err)})
		}
		return
	}
	if isString {
		emit("message", fields{"label": ch.label, "text": string(data)})
	} else {
		emit("message", fields{"label": ch.label, "binary": base64.StdEncoding.EncodeToString(data)})
	}
}

func (c *controller) send(r request) error {
	ch, err := c.channel(r.Label)
	if err != nil {
		return err
	}
	switch {
	case r.Text != nil:
		return ch.send([]byte(*r.Text), true)
	case r.Binary != nil:
		data, err := base64.StdEncoding.DecodeString(*r.Binary)
		if err != nil {
			return fmt.Errorf("binary is not base64: %w", err)
		}
		return ch.send(data, false)
	default:
		return fmt.Errorf("neither text nor binary given")
	}
}
