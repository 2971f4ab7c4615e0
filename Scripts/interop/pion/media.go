package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v3"
)

// mediaEcho is CONTROL.md's echoMedia for a stack without encoders: every RTP packet of a received
// track is written, as it came, to a TrackLocalStaticRTP of its kind (which rewrites the SSRC and the
// payload type to what this side negotiated), as Pion's reflect example and an SFU's echo test do. A
// picture loss indication or a full intra request the far side sends to the echo is passed on to the
// track's source, since only the source's encoder can make a key frame.
type mediaEcho struct {
	enabled atomic.Bool

	lock   sync.Mutex
	tracks map[webrtc.RTPCodecType]*echoTrack
	// Packets and pictures (video packets with the marker bit) received, by kind, for mediaReport.
	received map[webrtc.RTPCodecType]*receivedCounts
}

type echoTrack struct {
	local *webrtc.TrackLocalStaticRTP
	// The SSRC of the remote track this one echoes (0 until it arrives): where key frame requests go.
	source atomic.Uint32
}

type receivedCounts struct {
	packets atomic.Int64
	frames  atomic.Int64
}

var echoCodecs = map[webrtc.RTPCodecType]webrtc.RTPCodecCapability{
	webrtc.RTPCodecTypeAudio: {MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
	webrtc.RTPCodecTypeVideo: {MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
}

func newMediaEcho() *mediaEcho {
	return &mediaEcho{tracks: map[webrtc.RTPCodecType]*echoTrack{}, received: map[webrtc.RTPCodecType]*receivedCounts{}}
}

// addTracks gives each of kinds an echo track (once), added to pc: on an answerer after the offer was
// set, AddTrack takes the transceiver the offer made, so the echo goes back in the same m= section.
func (e *mediaEcho) addTracks(pc *webrtc.PeerConnection, kinds []webrtc.RTPCodecType) error {
	if !e.enabled.Load() {
		return nil
	}
	e.lock.Lock()
	defer e.lock.Unlock()
	for _, kind := range kinds {
		if _, done := e.tracks[kind]; done {
			continue
		}
		local, err := webrtc.NewTrackLocalStaticRTP(echoCodecs[kind], "echo-"+kind.String(), "pion-echo")
		if err != nil {
			return fmt.Errorf("echo track for %s: %w", kind, err)
		}
		sender, err := pc.AddTrack(local)
		if err != nil {
			return fmt.Errorf("addTrack(echo %s): %w", kind, err)
		}
		track := &echoTrack{local: local}
		e.tracks[kind] = track
		go e.forwardKeyFrameRequests(pc, sender, track)
	}
	return nil
}

// offeredKinds are the kinds of the transceivers the remote offer made.
func offeredKinds(pc *webrtc.PeerConnection) []webrtc.RTPCodecType {
	var kinds []webrtc.RTPCodecType
	for _, t := range pc.GetTransceivers() {
		if t.Kind() == webrtc.RTPCodecTypeAudio || t.Kind() == webrtc.RTPCodecTypeVideo {
			kinds = append(kinds, t.Kind())
		}
	}
	return kinds
}

// forwardKeyFrameRequests reads the echo sender's RTCP (which must be read for the interceptors to
// run) and sends each PLI or FIR on to the source.
func (e *mediaEcho) forwardKeyFrameRequests(pc *webrtc.PeerConnection, sender *webrtc.RTPSender, track *echoTrack) {
	for {
		packets, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, packet := range packets {
			switch packet.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				if source := track.source.Load(); source != 0 {
					_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: source}})
				}
			}
		}
	}
}

// receive reads a remote track to its end, counting it and (in echo mode) writing it back.
func (e *mediaEcho) receive(pc *webrtc.PeerConnection, remote *webrtc.TrackRemote) {
	kind := remote.Kind()
	e.lock.Lock()
	counts := e.received[kind]
	if counts == nil {
		counts = &receivedCounts{}
		e.received[kind] = counts
	}
	track := e.tracks[kind]
	e.lock.Unlock()
	if track != nil {
		track.source.Store(uint32(remote.SSRC()))
		// The echo starts mid-stream: ask for a key frame so the far side can decode from the first picture.
		_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(remote.SSRC())}})
	}
	for {
		packet, _, err := remote.ReadRTP()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				emit("error", fields{"message": fmt.Sprintf("reading the remote %s track: %v", kind, err)})
			}
			return
		}
		counts.packets.Add(1)
		if packet.Marker && kind == webrtc.RTPCodecTypeVideo {
			counts.frames.Add(1)
		}
		if track != nil {
			if err := track.local.WriteRTP(packet); err != nil && !errors.Is(err, io.ErrClosedPipe) {
				emit("error", fields{"message": fmt.Sprintf("echoing %s: %v", kind, err)})
				return
			}
		}
	}
}

// report is mediaReport's reply: Pion decodes nothing, so it counts packets (audio) and pictures
// (video, by the marker bit) and says so; it sends nothing of its own.
func (e *mediaEcho) report() fields {
	e.lock.Lock()
	defer e.lock.Unlock()
	result := fields{"sent": fields{"audio": 0, "video": 0}, "notes": "pion decodes nothing: packets and pictures are counted, not decoded"}
	if counts := e.received[webrtc.RTPCodecTypeAudio]; counts != nil {
		result["audio"] = fields{"packets": counts.packets.Load(), "decoded": 0, "frequency": nil}
	}
	if counts := e.received[webrtc.RTPCodecTypeVideo]; counts != nil {
		result["video"] = fields{"frames": counts.frames.Load(), "decoded": 0, "width": nil, "height": nil, "numbers": nil}
	}
	return result
}
