package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/sctp"
	"github.com/pion/webrtc/v3"
)

// readBufferSize bounds the messages a channel can receive. Pion's own read loop (OnMessage) uses
// 65535 bytes, one less than the 64 KiB every bulk sender here uses; 256 KiB is what Chromium accepts,
// more than any peer we meet sends. One buffer per channel, reused: every consumer (echo, hash, base64)
// is done with a message before the next read.
const readBufferSize = 256 << 10

// channel is one data channel read by our own goroutine (Pion's detached mode), so that neither
// Pion's 65535-byte read buffer nor a handler that blocks can stall the stream.
type channel struct {
	dc    *webrtc.DataChannel
	label string

	openOnce sync.Once
	opened   chan struct{} // closed once the channel is open and being read
	done     chan struct{} // closed once reading has ended (the channel is closed)
	low      chan struct{} // a bufferedamountlow event, waiting to be taken (capacity 1)

	lock      sync.Mutex
	rw        datachannel.ReadWriteCloser
	readError error // why reading ended, nil for a clean close
}

// handlers are what the owner of a channel does with it; each runs on the channel's reading
// goroutine, so a handler that blocks holds back this channel's reading (and, through SCTP's receive
// window, the far side's sending) and nothing else.
type handlers struct {
	opened  func(ch *channel)
	message func(ch *channel, data []byte, isString bool) // data is only valid during the call
	closed  func(ch *channel, err error)
}

func newChannel(dc *webrtc.DataChannel, h handlers) *channel {
	ch := &channel{
		dc:     dc,
		label:  dc.Label(),
		opened: make(chan struct{}),
		done:   make(chan struct{}),
		low:    make(chan struct{}, 1),
	}
	dc.OnBufferedAmountLow(func() {
		select {
		case ch.low <- struct{}{}:
		default: // one pending signal is enough: the waiter re-reads bufferedAmount anyway
		}
	})
	dc.OnOpen(func() {
		// Pion may call the handler more than once (a re-established transport); reading starts once.
		ch.openOnce.Do(func() { ch.start(h) })
	})
	return ch
}

func (ch *channel) start(h handlers) {
	rw, err := ch.dc.Detach()
	if err != nil {
		ch.finish(fmt.Errorf("detach %q: %w", ch.label, err), h)
		return
	}
	ch.lock.Lock()
	ch.rw = rw
	ch.lock.Unlock()
	close(ch.opened)
	if h.opened != nil {
		h.opened(ch)
	}
	go ch.read(rw, h)
}

func (ch *channel) read(rw datachannel.ReadWriteCloser, h handlers) {
	buffer := make([]byte, readBufferSize)
	for {
		n, isString, err := rw.ReadDataChannel(buffer)
		if errors.Is(err, io.ErrShortBuffer) {
			// SCTP has dropped the message by now; the channel itself is fine, so read on.
			emit("error", fields{"message": fmt.Sprintf("channel %q: a message larger than %d bytes was dropped", ch.label, readBufferSize)})
			continue
		}
		if err != nil {
			if cleanEnd(err) {
				err = nil
			}
			ch.finish(err, h)
			return
		}
		if h.message != nil {
			h.message(ch, buffer[:n], isString)
		}
	}
}

// cleanEnd tells the ordinary ends of a channel from failures: the far side reset the stream (EOF);
// the association ended under it, so datachannel's answering reset finds nothing to send on; or the far
// side ended the association with an ABORT that names no cause, as aiortc does when it closes.
func cleanEnd(err error) bool {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, sctp.ErrResetPacketInStateNotExist):
		return true
	case errors.Is(err, sctp.ErrChunk):
		// sctp's handleAbort appends the causes after ErrChunk's text; nothing after it means none.
		return strings.HasSuffix(strings.TrimSpace(err.Error()), strings.TrimSpace(sctp.ErrChunk.Error()+":"))
	default:
		return false
	}
}

func (ch *channel) finish(err error, h handlers) {
	ch.lock.Lock()
	ch.readError = err
	ch.lock.Unlock()
	close(ch.done)
	if h.closed != nil {
		h.closed(ch, err)
	}
}

func (ch *channel) isOpen() bool {
	// Two selects: a closed channel has both done and opened ready, and one select picks at random.
	select {
	case <-ch.done:
		return false
	default:
	}
	select {
	case <-ch.opened:
		return true
	default:
		return false
	}
}

// state describes the channel for an error message.
func (ch *channel) state() string {
	// done first, as in isOpen.
	select {
	case <-ch.done:
		ch.lock.Lock()
		defer ch.lock.Unlock()
		if ch.readError != nil {
			return fmt.Sprintf("closed (%v)", ch.readError)
		}
		return "closed"
	default:
	}
	select {
	case <-ch.opened:
		return "open"
	default:
		return ch.dc.ReadyState().String() + ", not open yet"
	}
}

func (ch *channel) send(data []byte, isString bool) error {
	if !ch.isOpen() {
		return fmt.Errorf("channel %q is %s", ch.label, ch.state())
	}
	var err error
	if isString {
		err = ch.dc.SendText(string(data))
	} else {
		err = ch.dc.Send(data)
	}
	if err != nil {
		return fmt.Errorf("send on %q (%d bytes): %w", ch.label, len(data), err)
	}
	return nil
}

// waitForRoom blocks until size more bytes keep the channel's bufferedAmount at most limit (or, for a
// message larger than limit, until nothing is buffered), using the bufferedamountlow event with a
// short poll as a safety net, or fails once the channel is closed or stall passes without progress.
func (ch *channel) waitForRoom(limit uint64, size int, stall time.Duration) error {
	threshold := uint64(0)
	if uint64(size) < limit {
		threshold = limit - uint64(size)
	}
	if ch.dc.BufferedAmount() <= threshold {
		return nil
	}
	ch.dc.SetBufferedAmountLowThreshold(threshold)
	last, since := ch.dc.BufferedAmount(), time.Now()
	for {
		buffered := ch.dc.BufferedAmount()
		if buffered <= threshold {
			return nil
		}
		if buffered < last {
			last, since = buffered, time.Now()
		} else if time.Since(since) > stall {
			return fmt.Errorf("channel %q: bufferedAmount stuck at %d bytes for %v (the far side acknowledges nothing)", ch.label, buffered, stall)
		}
		select {
		case <-ch.low:
		case <-ch.done:
			return fmt.Errorf("channel %q is %s", ch.label, ch.state())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
