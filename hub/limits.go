package hub

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hexcrawl/hexcrawl/game"
	"golang.org/x/time/rate"
)

// addrLimiter is a token bucket per client address: perMinute attempts a minute, and as many
// at once. Buckets idle long enough to be full again are forgotten.
type addrLimiter struct {
	perMinute int // < 0: no limit
	mu        sync.Mutex
	buckets   map[string]*addrBucket
	swept     time.Time
}

type addrBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newAddrLimiter(perMinute int) *addrLimiter {
	return &addrLimiter{perMinute: perMinute, buckets: map[string]*addrBucket{}}
}

// allow takes one attempt for the request's address; when none is left it returns a
// rate_limited error and how long until the next attempt is allowed.
func (l *addrLimiter) allow(r *http.Request, what string) (time.Duration, error) {
	if l.perMinute < 0 {
		return 0, nil
	}
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for a, b := range l.buckets {
			if now.Sub(b.seen) > time.Minute {
				delete(l.buckets, a)
			}
		}
		l.swept = now
	}
	b := l.buckets[addr]
	if b == nil {
		b = &addrBucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.buckets[addr] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if delay := res.DelayFrom(now); delay > 0 {
		res.CancelAt(now)
		return delay, game.Errorf(game.ERateLimited, "too many %s from this device: wait %s and try again", what, roundUp(delay))
	}
	return 0, nil
}

func roundUp(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s == 1 {
		return "a second"
	}
	return strconv.Itoa(s) + " seconds"
}

// limitJoins applies the join limiter to a handler, with a Retry-After header when it refuses.
func (h *Hub) limitJoins(what string, fn apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		if delay, err := h.joinLimit.allow(r, what); err != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(delay.Seconds()))))
			h.log.Warn("join attempts limited", "remote", r.RemoteAddr, "path", r.URL.Path)
			return 0, nil, err
		}
		return fn(w, r)
	}
}
