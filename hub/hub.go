// Package hub is Hexcrawl's real-time layer: the HTTP API, the WebSocket endpoint and one room
// per campaign that applies every change (validate, persist, then fan out per recipient) and
// keeps each client's projection honest to its role.
package hub

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/storage"
	"github.com/olahol/melody"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// Config sets up a Hub. Store and DMToken are required.
type Config struct {
	Store   *storage.Store
	DMToken string
	// AllowedOrigins are extra browser origins allowed to open the WebSocket (for example the
	// Vite dev server). The hub's own origin and the desktop window's are always allowed.
	AllowedOrigins []string
	// UI is the built web app served at /. Nil serves a page saying how to build it.
	UI      fs.FS
	Logger  *slog.Logger
	Version string
	// PingPeriod and PongWait bound how long a dead socket lingers (defaults 10 s and 25 s).
	PingPeriod time.Duration
	PongWait   time.Duration
	// WriteWait bounds one frame's write to a socket (default 10 s).
	WriteWait time.Duration
	// PlayerURLs lists the addresses players can reach the hub at, the short .local name first
	// (from mDNS, or the LAN addresses); nil means "whatever Host the request used".
	PlayerURLs func() []string
	// SendQueue is how many frames may wait for one socket before it counts as too slow and is
	// closed with 4008 (default 256).
	SendQueue int
	// MaxMembers caps the players of one campaign (revoked ones do not count; default 100).
	MaxMembers int
	// JoinsPerMinute limits join attempts and join code lookups per client address (default 30,
	// with as many at once; negative: no limit).
	JoinsPerMinute int
	// BackupDir is where backups go (VACUUM INTO at every session's end and daily); "" for none.
	BackupDir string
	// BackupKeep is how many backups to keep (default 10); BackupEvery how old the newest may get
	// before another is made (default a day).
	BackupKeep  int
	BackupEvery time.Duration
	// SavingAfter: a commit taking longer tells the DM "saving…" (default 500 ms).
	SavingAfter time.Duration
	// OnChange, when set, hears of every change to what campaigns there are, their names and
	// their sessions, once it is durable (main renames the hub on the LAN after it). It runs on
	// the hub's goroutines: it must not block, and must not call back into the hub.
	OnChange func(Change)
	// Random is the source the travel turn rolls with; nil: crypto-seeded ChaCha8
	// (game.NewRandom). Only tests set it.
	Random game.Roller
}

// Change is what OnChange hears: which campaign, and what happened to it.
type Change struct {
	Kind       ChangeKind
	CampaignID string
}

// ChangeKind names a Change.
type ChangeKind string

const (
	CampaignCreated ChangeKind = "campaign created" // made or imported
	CampaignRenamed ChangeKind = "campaign renamed"
	CampaignDeleted ChangeKind = "campaign deleted"
	SessionChanged  ChangeKind = "session changed" // started, paused, resumed or ended
)

// Hub serves the campaigns of one Store.
type Hub struct {
	cfg   Config
	store *storage.Store
	log   *slog.Logger
	m     *melody.Melody
	mux   *http.ServeMux

	mu    sync.Mutex // guards rooms
	rooms map[string]*Room
	loads singleflight.Group // rooms being loaded, by campaign id

	authMu     sync.RWMutex              // guards playerIDs and displayIDs
	playerIDs  map[[32]byte]memberRecord // cookie hash → active member; saves a query per connect
	displayIDs map[[32]byte]game.Display // token hash → live table screen

	pingMu      sync.Mutex
	pingBuckets map[string]*rate.Limiter // "dm" or a member id → their pings' token bucket

	closing atomic.Bool

	rnd game.Roller // Config.Random

	problem        atomic.Pointer[string] // what is wrong with the data file, in words for the DM
	backupMu       sync.Mutex             // one backup at a time
	backups        sync.WaitGroup         // backups running in the background
	stopBackups    context.CancelFunc
	lastCommit     atomic.Int64 // unix nanoseconds of the newest commit
	uncheckpointed atomic.Int64 // commits since the last checkpoint
	joinLimit      *addrLimiter // join attempts and code lookups per client address
	// crossOrigin refuses state-changing HTTP requests from other sites' pages (api.go).
	crossOrigin *http.CrossOriginProtection

	// loadState reads a room from the database (loadRoomState; tests slow it down).
	loadState func(ctx context.Context, q storage.Queries, campaignID string) (*roomState, error)

	hist       historyService  // the campaigns' histories, read apart from the rooms (history.go)
	background context.Context // the hub's background work (backups, checkpoints, warming books) ends with it
}

// Defaults for Config.MaxMembers and Config.JoinsPerMinute: a table is a handful of players, and
// a phone that mistypes a code a few times must not be locked out.
const (
	DefaultMaxMembers     = 100
	DefaultJoinsPerMinute = 30
)

// DesktopOrigins are the origins the Wails window's web view sends.
var DesktopOrigins = []string{"wails://wails", "wails://wails.localhost", "http://wails.localhost"}

// New builds a Hub. Call Shutdown to close it.
func New(cfg Config) (*Hub, error) {
	if cfg.Store == nil {
		return nil, errors.New("hub: Config.Store is required")
	}
	if len(cfg.DMToken) < game.MinDMTokenLength {
		return nil, fmt.Errorf("hub: the DM token must be at least %d characters", game.MinDMTokenLength)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PingPeriod <= 0 {
		cfg.PingPeriod = 10 * time.Second
	}
	if cfg.PongWait <= 0 {
		cfg.PongWait = 25 * time.Second
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = 10 * time.Second
	}
	if cfg.MaxMembers <= 0 {
		cfg.MaxMembers = DefaultMaxMembers
	}
	if cfg.JoinsPerMinute == 0 {
		cfg.JoinsPerMinute = DefaultJoinsPerMinute
	}
	if cfg.BackupKeep <= 0 {
		cfg.BackupKeep = DefaultBackupKeep
	}
	if cfg.BackupEvery <= 0 {
		cfg.BackupEvery = DefaultBackupEvery
	}
	if cfg.SavingAfter <= 0 {
		cfg.SavingAfter = defaultSavingAfter
	}
	if cfg.SendQueue < 16 {
		cfg.SendQueue = defaultSendQueue
	}
	h := &Hub{cfg: cfg, store: cfg.Store, log: cfg.Logger, rooms: map[string]*Room{}, playerIDs: map[[32]byte]memberRecord{},
		displayIDs: map[[32]byte]game.Display{}, pingBuckets: map[string]*rate.Limiter{}, rnd: cfg.Random, loadState: loadRoomState}
	if h.rnd == nil {
		h.rnd = game.NewRandom()
	}
	h.joinLimit = newAddrLimiter(cfg.JoinsPerMinute)
	h.crossOrigin = http.NewCrossOriginProtection()
	for _, o := range append(slices.Clone(DesktopOrigins), cfg.AllowedOrigins...) {
		if err := h.crossOrigin.AddTrustedOrigin(strings.ToLower(strings.TrimRight(o, "/"))); err != nil {
			return nil, fmt.Errorf("hub: allowed origin: %w (want scheme://host[:port], e.g. http://localhost:5173)", err)
		}
	}
	h.m = melody.New()
	// melody's defaults (512-byte frames, every Origin accepted) are not ours. Origin is checked
	// by us after the upgrade, so the client can read the close code instead of a bare 403.
	h.m.Config.MaxMessageSize = maxFrameBytes
	h.m.Config.MessageBufferSize = cfg.SendQueue
	h.m.Config.PingPeriod = cfg.PingPeriod
	h.m.Config.PongWait = cfg.PongWait
	h.m.Config.WriteWait = cfg.WriteWait
	h.m.Upgrader.CheckOrigin = func(*http.Request) bool { return true }
	h.m.Upgrader.Subprotocols = []string{subprotocol}
	// Zero buffer sizes make gorilla reuse net/http's 4 KB reader instead of allocating a second
	// one, and the pool means idle sockets hold no write buffer: with 1000 players, 8 MB less.
	h.m.Upgrader.ReadBufferSize = 0
	h.m.Upgrader.WriteBufferSize = 0
	h.m.Upgrader.WriteBufferPool = &sync.Pool{}
	h.m.HandleConnect(h.onConnect)
	h.m.HandleDisconnect(h.onDisconnect)
	h.m.HandleMessage(h.onMessage)
	h.m.HandleMessageBinary(h.onBinary)
	h.m.HandleSentMessage(h.onSent)
	h.m.HandleError(h.onError)
	h.routes()
	bctx, stop := context.WithCancel(context.Background())
	h.stopBackups = stop
	h.background = bctx
	if cfg.BackupDir != "" {
		h.backups.Add(1)
		go h.dailyBackups(bctx)
	}
	h.backups.Add(1)
	go h.checkpoints(bctx)
	return h, nil
}

// ServeHTTP serves the API, the WebSocket and the UI.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Shutdown closes every socket with 1001 "going away" and stops the rooms. The caller closes
// the HTTP server and the Store afterwards.
func (h *Hub) Shutdown(ctx context.Context) error {
	if !h.closing.CompareAndSwap(false, true) {
		return nil
	}
	h.mu.Lock()
	rooms := make([]*Room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		_ = r.closeAll(websocket.CloseGoingAway, "hub shutting down")
	}
	// Let the close frames go out before the connections are torn down.
	deadline := time.Now().Add(time.Second)
	for h.m.Len() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	err := h.m.CloseWithMsg(melody.FormatCloseMessage(websocket.CloseGoingAway, "hub shutting down"))
	if errors.Is(err, melody.ErrClosed) {
		err = nil
	}
	for _, r := range rooms {
		r.stop()
	}
	h.stopBackups()
	h.backups.Wait()
	herr := h.hist.close()
	if err != nil {
		return fmt.Errorf("close sockets: %w", err)
	}
	return herr
}

// room returns the live room of a campaign, loading it on first use. The load runs outside the
// hub's lock, once per campaign however many ask at the same time (they wait for it); a failed
// load is not remembered, so the next caller tries again.
func (h *Hub) room(ctx context.Context, campaignID string) (*Room, error) {
	h.mu.Lock()
	r, ok := h.rooms[campaignID]
	h.mu.Unlock()
	if ok {
		return r, nil
	}
	if h.closing.Load() {
		return nil, errRoomClosed
	}
	loaded := h.loads.DoChan(campaignID, func() (any, error) {
		h.mu.Lock()
		r, ok := h.rooms[campaignID]
		h.mu.Unlock()
		if ok {
			return r, nil // loaded by a call that finished just before this one began
		}
		// Not the first caller's context: its giving up must not fail the others waiting.
		st, err := h.loadState(context.WithoutCancel(ctx), h.store.Queries, campaignID)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closing.Load() {
			return nil, errRoomClosed
		}
		r = newRoom(h, st)
		h.rooms[campaignID] = r
		h.backups.Add(1)
		go h.warmHistory(campaignID)
		return r, nil
	})
	select {
	case res := <-loaded:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Room), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dropRoom forgets a room (its campaign was deleted).
func (h *Hub) dropRoom(campaignID string) {
	h.mu.Lock()
	r := h.rooms[campaignID]
	delete(h.rooms, campaignID)
	h.mu.Unlock()
	if r != nil {
		r.stop()
	}
}

// forgetPlayers drops cached credentials (after a revoke or a deleted campaign); with no ids,
// all of them.
func (h *Hub) forgetPlayers(memberIDs ...string) {
	h.authMu.Lock()
	defer h.authMu.Unlock()
	if len(memberIDs) == 0 {
		clear(h.playerIDs)
		return
	}
	for k, m := range h.playerIDs {
		if slices.Contains(memberIDs, m.ID) {
			delete(h.playerIDs, k)
		}
	}
}

// notify tells OnChange about a change made outside any room (a campaign created or deleted).
func (h *Hub) notify(kind ChangeKind, campaignID string) {
	if h.cfg.OnChange != nil {
		h.cfg.OnChange(Change{Kind: kind, CampaignID: campaignID})
	}
}

func (h *Hub) isDMToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(token), []byte(h.cfg.DMToken)) == 1
}
