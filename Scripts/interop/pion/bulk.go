package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"sync"
	"time"
)

// bulkLimit is the most a bulk lets wait in the channel's send buffer (CONTROL.md: 1 MiB).
const bulkLimit = 1 << 20

// bulkStall is how long a bulk waits without a byte of progress, either way, before it gives up.
const bulkStall = 30 * time.Second

// bulkReceiver counts and hashes what comes back on a channel while its bulk runs.
type bulkReceiver struct {
	total int64

	lock     sync.Mutex
	received int64
	hash     hash.Hash
	last     time.Time     // when the last byte came back
	progress chan struct{} // a signal per receive (capacity 1), for the stall watch
	result   chan error    // nil when total bytes have come back, else why they will not
	ended    bool
}

func (b *bulkReceiver) receive(data []byte) {
	b.lock.Lock()
	defer b.lock.Unlock()
	if b.ended {
		return
	}
	b.hash.Write(data)
	b.received += int64(len(data))
	b.last = time.Now()
	select {
	case b.progress <- struct{}{}:
	default:
	}
	if b.received >= b.total {
		b.ended = true
		b.result <- nil
	}
}

func (b *bulkReceiver) fail(err error) {
	b.lock.Lock()
	defer b.lock.Unlock()
	if !b.ended {
		b.ended = true
		b.result <- err
	}
}

func (b *bulkReceiver) receivedBytes() int64 {
	b.lock.Lock()
	defer b.lock.Unlock()
	return b.received
}

// pattern returns the n bytes of the bulk stream that start at offset: byte i of the stream is i % 251.
func pattern(offset int64, n int, scratch []byte) []byte {
	start := int(offset % 251)
	return scratch[start : start+n]
}

func (c *controller) bulk(r request) (fields, error) {
	if r.Bytes < 0 || r.Chunk <= 0 {
		return nil, fmt.Errorf("bytes must be at least 0 and chunk more than 0 (bytes %d, chunk %d)", r.Bytes, r.Chunk)
	}
	if r.Chunk > 1<<20 {
		return nil, fmt.Errorf("chunk %d is larger than Pion sends (the association's max message size, 65536 by default)", r.Chunk)
	}
	ch, err := c.channel(r.Label)
	if err != nil {
		return nil, err
	}
	if !ch.isOpen() {
		return nil, fmt.Errorf("channel %q is %s", r.Label, ch.state())
	}
	b := &bulkReceiver{total: r.Bytes, hash: sha256.New(), progress: make(chan struct{}, 1), result: make(chan error, 1)}
	c.lock.Lock()
	if _, running := c.bulks[ch]; running {
		c.lock.Unlock()
		return nil, fmt.Errorf("a bulk already runs on %q", r.Label)
	}
	c.bulks[ch] = b
	c.lock.Unlock()
	defer func() {
		c.lock.Lock()
		delete(c.bulks, ch)
		c.lock.Unlock()
	}()

	// One scratch stream long enough for any chunk at any phase of the 251-byte period.
	scratch := make([]byte, int(r.Chunk)+251)
	for i := range scratch {
		scratch[i] = byte(i % 251)
	}
	sent := sha256.New()
	started := time.Now()
	if r.Bytes == 0 {
		b.fail(nil)
	}

	// Sending runs beside the wait for the echo: the echo of the first chunks comes back while later
	// ones are still being sent, and a send error must end the wait.
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		for offset := int64(0); offset < r.Bytes; {
			n := int(r.Chunk)
			if remaining := r.Bytes - offset; remaining < int64(n) {
				n = int(remaining)
			}
			if err := ch.waitForRoom(bulkLimit, n, bulkStall); err != nil {
				b.fail(fmt.Errorf("sending stopped after %d of %d bytes: %w", offset, r.Bytes, err))
				return
			}
			chunk := pattern(offset, n, scratch)
			if err := ch.send(chunk, false); err != nil {
				b.fail(fmt.Errorf("sending stopped after %d of %d bytes: %w", offset, r.Bytes, err))
				return
			}
			sent.Write(chunk)
			offset += int64(n)
		}
	}()

	for {
		select {
		case err := <-b.result:
			elapsed := time.Since(started).Seconds()
			if err != nil {
				return nil, err
			}
			<-senderDone // every byte came back, so every byte was sent: the sent hash is whole
			b.lock.Lock()
			defer b.lock.Unlock()
			return fields{
				"bytes":      b.received,
				"seconds":    elapsed,
				"sha256":     hex.EncodeToString(b.hash.Sum(nil)),
				"sentSha256": hex.EncodeToString(sent.Sum(nil)),
			}, nil
		case <-b.progress:
		case <-time.After(bulkStall):
			b.lock.Lock()
			received, last := b.received, b.last
			b.lock.Unlock()
			if last.IsZero() {
				last = started
			}
			if time.Since(last) >= bulkStall {
				b.fail(fmt.Errorf("stalled: %d of %d bytes came back, nothing for %v (bufferedAmount %d)", received, r.Bytes, bulkStall, ch.dc.BufferedAmount()))
			}
		}
	}
}
