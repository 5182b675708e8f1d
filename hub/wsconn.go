package hub

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A close frame that must not wait behind queued data.
//
// melody gives each socket one buffered output channel, and a close frame sent through it waits
// behind every frame queued before it. For a client closed as too slow that is exactly the data
// it will never read: the 4008 arrived after ~250 queued frames, or never (the write deadline
// broke the connection first). frameConn sits between gorilla and the TCP connection, follows the
// boundaries of the frames gorilla writes, and puts a close frame on the wire at the next
// boundary, ahead of melody's queue; every write after it fails, which ends melody's write pump.

// errCloseSent is what gorilla (and so melody's write pump) gets for anything written after the
// close frame went out.
var errCloseSent = errors.New("websocket: closed by the hub")

// hijackRecorder hands gorilla a frameConn instead of the raw connection it hijacks.
type hijackRecorder struct {
	http.ResponseWriter
	conn *frameConn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hub: the response writer cannot be hijacked")
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &frameConn{Conn: c}
	return h.conn, brw, nil
}

// frameConn is the server's side of one WebSocket connection.
type frameConn struct {
	net.Conn
	mu      sync.Mutex // serialises writes and the close frame
	framing bool       // the upgrade response is out: every byte from now on belongs to a frame
	hdr     [14]byte   // the header of the frame being written, as far as seen
	nhdr    int
	left    int64 // payload bytes of the current frame still to write
	sent    bool  // the close frame is out

	// closeAsked turns on the boundary-by-boundary path of Write; until then a write goes out
	// whole, header and payload in one system call, as gorilla handed it over.
	closeAsked atomic.Bool

	closeMu sync.Mutex // guards the two below, which writes read without holding mu
	closing []byte     // a close frame waiting for the next boundary
	closeBy time.Time  // no write may wait past this once a close is asked for
}

// SetWriteDeadline keeps gorilla's deadline for each frame, but never past closeBy.
func (c *frameConn) SetWriteDeadline(t time.Time) error {
	c.closeMu.Lock()
	by := c.closeBy
	c.closeMu.Unlock()
	if !by.IsZero() && (t.IsZero() || t.After(by)) {
		t = by
	}
	return c.Conn.SetWriteDeadline(t)
}

// startFraming is called once the upgrade's response has been written (melody's connect handler
// runs after the upgrade and before its write pump starts).
func (c *frameConn) startFraming() {
	c.mu.Lock()
	c.framing = true
	c.mu.Unlock()
}

// atBoundary: no frame is half written.
func (c *frameConn) atBoundary() bool { return c.nhdr == 0 && c.left == 0 }

// Write passes gorilla's bytes through, keeping track of frame boundaries.
func (c *frameConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.framing {
		return c.Conn.Write(p)
	}
	if !c.closeAsked.Load() {
		n, err := c.Conn.Write(p)
		c.consume(p[:n])
		return n, err
	}
	written := 0
	for {
		if c.atBoundary() {
			if err := c.flushClose(); err != nil || c.sent {
				if err == nil {
					err = errCloseSent
				}
				return written, err
			}
			if len(p) == 0 {
				return written, nil
			}
		}
		if len(p) == 0 {
			return written, nil
		}
		n := c.frameBytes(p)
		m, err := c.Conn.Write(p[:n])
		written += m
		c.consume(p[:m])
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
}

// frameBytes is how many bytes of p belong to the frame being written.
func (c *frameConn) frameBytes(p []byte) int {
	if c.left > 0 {
		return int(min(int64(len(p)), c.left))
	}
	need := c.headerLen(p)
	return min(len(p), need-c.nhdr)
}

// headerLen is the length of the frame header that starts in c.hdr (and continues in p).
func (c *frameConn) headerLen(p []byte) int {
	var b1 byte
	switch {
	case c.nhdr >= 2:
		b1 = c.hdr[1]
	case c.nhdr == 1:
		if len(p) == 0 {
			return 2
		}
		b1 = p[0]
	default:
		if len(p) < 2 {
			return 2
		}
		b1 = p[1]
	}
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4 // masked (a client's frame; the hub never masks)
	}
	return n
}

// consume records that b, the start of the current frame's remaining bytes, was written.
func (c *frameConn) consume(b []byte) {
	for len(b) > 0 {
		if c.left > 0 {
			n := min(int64(len(b)), c.left)
			c.left -= n
			b = b[n:]
			continue
		}
		c.hdr[c.nhdr] = b[0]
		c.nhdr++
		b = b[1:]
		if c.nhdr >= 2 && c.nhdr == c.headerLen(nil) {
			c.left = payloadLen(c.hdr[:c.nhdr])
			c.nhdr = 0
		}
	}
}

func payloadLen(h []byte) int64 {
	switch n := h[1] & 0x7f; n {
	case 126:
		return int64(h[2])<<8 | int64(h[3])
	case 127:
		var v int64
		for _, b := range h[2:10] {
			v = v<<8 | int64(b)
		}
		return v
	default:
		return int64(n)
	}
}

// flushClose writes a waiting close frame (the caller holds mu and is at a boundary).
func (c *frameConn) flushClose() error {
	c.closeMu.Lock()
	frame := c.closing
	c.closing = nil
	c.closeMu.Unlock()
	if frame == nil || c.sent {
		return nil
	}
	c.sent = true
	_, err := c.Conn.Write(frame)
	return err
}

// closeNow sends a close frame with payload (code and reason) ahead of anything queued: at
// once when no frame is being written, else right after the one being written. No write waits
// more than wait from now (a client that reads nothing cannot take even the close frame); once
// the close frame is out the connection is shut for writing, so the client reads what it was
// sent and then the end, and it is closed after wait in any case.
func (c *frameConn) closeNow(payload []byte, wait time.Duration) {
	frame := append([]byte{0x88, byte(len(payload))}, payload...) // FIN + close, unmasked
	by := time.Now().Add(wait)
	c.closeMu.Lock()
	if c.closing != nil || !c.closeBy.IsZero() {
		c.closeMu.Unlock()
		return
	}
	c.closing, c.closeBy = frame, by
	c.closeMu.Unlock()
	c.closeAsked.Store(true)
	_ = c.Conn.SetWriteDeadline(by) // a write blocked now gives up at by too
	go func() {
		// Waits for a write in progress (at most until by), then sends the close itself if
		// the writer is idle; a busy writer has sent it at its next boundary.
		c.mu.Lock()
		if c.framing && c.atBoundary() {
			_ = c.flushClose()
		}
		sent := c.sent
		c.mu.Unlock()
		if sent {
			if tc, ok := c.Conn.(interface{ CloseWrite() error }); ok {
				_ = tc.CloseWrite()
			}
		}
		time.AfterFunc(time.Until(by)+wait, func() { _ = c.Conn.Close() })
	}()
}
