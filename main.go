// Command hexcrawl runs a hex-crawl table: with no arguments the DM's desktop window (which
// hosts the hub), `serve` the hub alone without a window, `discover` lists hubs on the LAN.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/adrg/xdg"
	"github.com/hexcrawl/hexcrawl/discovery"
	"github.com/hexcrawl/hexcrawl/frontend"
	"github.com/hexcrawl/hexcrawl/game"
	"github.com/hexcrawl/hexcrawl/hub"
	"github.com/hexcrawl/hexcrawl/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Hexcrawl: run a hex-crawl table from one laptop.

Usage:
  hexcrawl [flags]            open the DM's desktop window and host the table
                              (without a display, or in a build without the window: serve)
  hexcrawl serve [flags]      host the table without a window (players and the DM use a browser)
  hexcrawl discover [flags]   list Hexcrawl hubs on the local network
  hexcrawl backup [flags]     copy the data file into its backups folder now (works while the hub runs)
  hexcrawl restore FILE       replace the data file with a backup (stop the hub first)
  hexcrawl version            show the version (also: hexcrawl --version)
  hexcrawl help               show this help

Run "hexcrawl serve --help" or "hexcrawl discover --help" for their flags.
`

func main() {
	// A soft memory limit makes the runtime collect and hand memory back to the OS before the
	// heap doubles: a DM's laptop runs other things. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "" && len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		cmd = "version"
	}
	switch cmd {
	case "":
		return runDefault(ctx, args, stdout, stderr)
	case "serve":
		return runServe(ctx, "serve", args, stdout, stderr)
	case "discover":
		return runDiscover(ctx, args, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, stdout, stderr)
	case "restore":
		return runRestore(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		fmt.Fprintln(stdout, versionLine())
		return 0
	default:
		fmt.Fprintf(stderr, "hexcrawl: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

// serveConfig is what serve and the desktop window share.
type serveConfig struct {
	addr         string
	dataPath     string
	dmToken      string
	allowOrigins []string
	mdnsIfaces   []string
	noMDNS       bool
	noQR         bool
	verbose      bool
	maxMembers   int
	joinLimit    int
	keepBackups  int
	synchronous  string
	// createDataDir: the data file is the default one, whose folder is made on start.
	createDataDir bool
}

// versionLine is what `hexcrawl --version` prints: enough to tell which download someone runs.
func versionLine() string {
	kind := "hub only, no window"
	if hasWindow {
		kind = "with the desktop window"
	}
	return fmt.Sprintf("hexcrawl %s (%s/%s, %s, %s)", version, runtime.GOOS, runtime.GOARCH, kind, runtime.Version())
}

// defaultDataPath is where the data lives unless --data says otherwise. It only names the file:
// the folder is created when the hub starts, not when someone asks for --help.
func defaultDataPath() string {
	return filepath.Join(xdg.DataHome, "hexcrawl", "hexcrawl.db")
}

// parseServeFlags reads the flags of serve and of the window. --help prints the usage to stdout
// and returns flag.ErrHelp; any other error is for the caller to print, once.
func parseServeFlags(name string, args []string, stdout io.Writer) (serveConfig, error) {
	var cfg serveConfig
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", ":7777", "address to listen on (host:port; \":7777\" = every interface)")
	fs.StringVar(&cfg.dataPath, "data", defaultDataPath(), "the SQLite file holding every campaign (its folder must exist)")
	fs.StringVar(&cfg.dmToken, "dm-token", "", "the DM's secret token (default: $HEXCRAWL_DM_TOKEN, else one generated once and stored)")
	var origins, ifaces string
	fs.StringVar(&origins, "allow-origin", "", "extra browser origins allowed to connect, comma-separated (e.g. http://localhost:5173)")
	fs.StringVar(&ifaces, "mdns-iface", "", "network interfaces to advertise on over mDNS, comma-separated (default: chosen automatically)")
	fs.BoolVar(&cfg.noMDNS, "no-mdns", false, "do not advertise the hub over mDNS")
	fs.BoolVar(&cfg.noQR, "no-qr", false, "do not print the join QR code in the terminal")
	fs.BoolVar(&cfg.verbose, "verbose", false, "log debug details")
	fs.IntVar(&cfg.maxMembers, "max-members", hub.DefaultMaxMembers, "the most players one campaign may have (removed ones do not count)")
	fs.IntVar(&cfg.keepBackups, "keep-backups", hub.DefaultBackupKeep, "backups kept in the data file's backups/ folder (made at each session's end and daily; 0: none)")
	fs.StringVar(&cfg.synchronous, "synchronous", "full", "full: every change survives a power cut (an fsync per commit); normal: it survives the hub crashing, not a power cut (see docs/architecture.md)")
	fs.IntVar(&cfg.joinLimit, "join-limit", hub.DefaultJoinsPerMinute, "join attempts and join code lookups allowed per device and minute (0: no limit)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if name == "serve" {
				fmt.Fprint(stdout, "Usage: hexcrawl serve [flags]\n\nHosts the table without a window: players open the printed URL, the DM opens the DM console link.\n\nFlags:\n")
			} else {
				fmt.Fprint(stdout, usage+"\nFlags (for the window and for serve):\n")
			}
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := checkListenAddr(cfg.addr); err != nil {
		return cfg, err
	}
	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	if dataSet {
		if err := checkDataFolder(cfg.dataPath); err != nil {
			return cfg, err
		}
	} else {
		cfg.createDataDir = true
	}
	if cfg.dmToken == "" {
		cfg.dmToken = os.Getenv("HEXCRAWL_DM_TOKEN")
	}
	if cfg.dmToken != "" && len(cfg.dmToken) < 16 {
		return cfg, errors.New("the DM token (--dm-token or HEXCRAWL_DM_TOKEN) must be at least 16 characters")
	}
	if cfg.maxMembers < 1 {
		return cfg, errors.New("--max-members must be at least 1")
	}
	if s := strings.ToLower(cfg.synchronous); s != "full" && s != "normal" {
		return cfg, fmt.Errorf("--synchronous %q: want full or normal", cfg.synchronous)
	}
	if cfg.keepBackups < 0 {
		return cfg, errors.New("--keep-backups must be 0 (no automatic backups) or more")
	}
	if cfg.joinLimit < 0 {
		return cfg, errors.New("--join-limit must be 0 (no limit) or more")
	}
	cfg.allowOrigins = splitList(origins)
	cfg.mdnsIfaces = splitList(ifaces)
	return cfg, nil
}

// checkListenAddr catches a malformed --addr before anything is created.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			err = fmt.Errorf("port %q is not a number from 0 to 65535", port)
		}
	}
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, e.g. :7777 (every interface) or 192.168.1.20:7777: %w", addr, err)
	}
	return nil
}

// checkDataFolder refuses a --data whose folder does not exist: a typo must not leave a new
// tree of folders behind. Only the default folder is created (see serveConfig.createDataDir).
func checkDataFolder(path string) error {
	if path == "" {
		return errors.New("--data is empty")
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("--data %s: the folder %s does not exist; create it first, or choose another file", path, dir)
	case err != nil:
		return fmt.Errorf("--data %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("--data %s: %s is not a folder", path, dir)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// runningHub is a started hub: what serve prints and what the desktop window drives.
type runningHub struct {
	APIHandler http.Handler // the hub's whole HTTP handler (/api, /ws, UI)
	BaseURL    string       // loopback URL of the hub, e.g. "http://127.0.0.1:7777"
	DMToken    string
	DataPath   string
	Port       int
	// Shutdown closes sockets with 1001 "going away", stops HTTP and mDNS, closes the database.
	Shutdown func(ctx context.Context) error

	store      *storage.Store
	log        *slog.Logger
	ad         atomic.Pointer[discovery.Advertisement] // nil without mDNS
	advertised chan struct{}                           // closed once mDNS is set up (or given up)
	following  chan struct{}                           // closed when the name follower is done
}

// startHub opens the data file, prepares the DM token and the demo campaign, and starts
// serving HTTP and mDNS. The returned hub runs until Shutdown.
func startHub(ctx context.Context, cfg serveConfig, log *slog.Logger) (*runningHub, error) {
	// Listen before touching the data: a port in use or a bad address must leave no database
	// (nor demo campaign) behind.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = ln.Close()
		}
	}()
	if cfg.createDataDir {
		if err := os.MkdirAll(filepath.Dir(cfg.dataPath), 0o700); err != nil {
			return nil, fmt.Errorf("create the data folder: %w", err)
		}
	}
	store, err := storage.OpenWith(ctx, cfg.dataPath, storage.Options{Synchronous: cfg.synchronous})
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			_ = store.Close()
		}
	}()
	if n, err := store.PauseInterruptedSessions(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		log.Warn("sessions left running by an unclean stop are paused; resume them from the DM console", "count", n)
	}
	token, err := dmToken(ctx, store, cfg.dmToken)
	if err != nil {
		return nil, err
	}
	if err := ensureDemoCampaign(ctx, store); err != nil {
		return nil, err
	}
	rh := &runningHub{DMToken: token, DataPath: cfg.dataPath, store: store, log: log}
	campaignsChanged := make(chan struct{}, 1)
	h, err := hub.New(hub.Config{
		Store: store, DMToken: token, AllowedOrigins: cfg.allowOrigins,
		MaxMembers: cfg.maxMembers, JoinsPerMinute: joinsPerMinute(cfg.joinLimit),
		BackupDir: backupDir(cfg), BackupKeep: cfg.keepBackups,
		UI: frontend.Dist(), Logger: log, Version: version,
		PlayerURLs: func() []string { return rh.playerURLs(cfg) },
		OnChange:   notifyOnChange(campaignsChanged),
	})
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
	rh.APIHandler, rh.Port = h, port
	rh.BaseURL = "http://" + loopbackHost(cfg.addr) + ":" + strconv.Itoa(port)
	rh.advertised = make(chan struct{})
	rh.following = make(chan struct{})
	actx, stopAdvertising := context.WithCancel(context.WithoutCancel(ctx))
	if host, _, _ := net.SplitHostPort(cfg.addr); !cfg.noMDNS && (host == "" || host == "0.0.0.0" || host == "::") {
		// Advertise only a hub that listens on every interface: one bound to a single address
		// would be advertised on addresses it does not answer on. Choosing a free name takes a
		// moment of listening on the LAN, so it runs beside the hub, which already serves.
		instance, campaign, err := hubName(ctx, store)
		if err != nil {
			log.Warn("mDNS: cannot read the campaigns; advertising as Hexcrawl", "err", err)
			instance, campaign = "Hexcrawl", ""
		}
		go func() {
			defer close(rh.following)
			ad, err := discovery.Advertise(actx, discovery.AdvertiseOptions{
				Instance: instance, Port: port, Path: "/", Campaign: campaign,
				ProtocolVersion: hub.ProtocolVersion, Interfaces: cfg.mdnsIfaces, Logger: log,
			})
			if err != nil {
				close(rh.advertised)
				if actx.Err() == nil { // else: stopped before it was up
					log.Warn("not advertising over mDNS; players can still use the IP address", "err", err)
				}
				return
			}
			rh.ad.Store(ad)
			close(rh.advertised)
			followHubName(actx, store, campaignsChanged, ad, instance, campaign, log)
		}()
	} else {
		close(rh.advertised)
		close(rh.following)
	}
	var once sync.Once
	var shutdownErr error
	rh.Shutdown = func(ctx context.Context) error {
		once.Do(func() {
			stopAdvertising()
			<-rh.following // before the store closes: it reads the campaigns
			if ad := rh.ad.Load(); ad != nil {
				ad.Shutdown()
			}
			herr := h.Shutdown(ctx)
			serr := srv.Shutdown(ctx)
			cerr := store.Close()
			shutdownErr = errors.Join(herr, serr, cerr)
		})
		return shutdownErr
	}
	ok = true
	return rh, nil
}

// backupDir is where the hub keeps its backups: backups/ beside the data file ("" for none).
func backupDir(cfg serveConfig) string {
	if cfg.keepBackups == 0 {
		return ""
	}
	return storage.BackupsDir(cfg.dataPath)
}

// runBackup is `hexcrawl backup`: a copy of the data file into its backups folder (or --out's),
// now. SQLite gives it a consistent snapshot even while a hub writes.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataPath(), "the data file to back up")
	dir := fs.String("dir", "", "the folder to write the backup into (default: backups/ beside the data file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backup: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *dir == "" {
		*dir = storage.BackupsDir(*data)
	}
	info, err := storage.BackupFile(ctx, *data, *dir, 0)
	if err != nil {
		fmt.Fprintf(stderr, "hexcrawl backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%d bytes).\nTo restore it: stop the hub, then hexcrawl restore %s\n", *data, info.Path, info.Size, info.Path)
	return 0
}

// runRestore is `hexcrawl restore FILE`: the data file becomes the backup FILE. It refuses
// while a hub runs on the data file, and keeps the database it replaces.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataPath(), "the data file to replace")
	// The backup may come before or after the flags.
	var from string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		from, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if from == "" && fs.NArg() == 1 {
		from = fs.Arg(0)
	} else if fs.NArg() > 0 || from == "" {
		fmt.Fprintf(stderr, "usage: hexcrawl restore BACKUP_FILE [--data FILE]\nBackups are in %s\n", storage.BackupsDir(*data))
		return 2
	}
	kept, err := storage.Restore(ctx, from, *data)
	if err != nil {
		fmt.Fprintf(stderr, "hexcrawl restore: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Restored %s from %s.\n", *data, from)
	if kept != "" {
		fmt.Fprintf(stdout, "The database it replaced is kept as %s.\n", kept)
	}
	return 0
}

// joinsPerMinute maps --join-limit (0: none) to hub.Config.JoinsPerMinute (negative: none).
func joinsPerMinute(flag int) int {
	if flag == 0 {
		return -1
	}
	return flag
}

// loopbackHost is how this machine reaches the hub itself.
func loopbackHost(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		return "127.0.0.1"
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dmToken picks the DM token: the flag or environment, else the one stored in the database,
// else a new one generated and stored, so it survives restarts.
func dmToken(ctx context.Context, store *storage.Store, given string) (string, error) {
	if given != "" {
		if len(given) < game.MinDMTokenLength {
			return "", fmt.Errorf("the DM token must be at least %d characters", game.MinDMTokenLength)
		}
		return given, nil
	}
	if t, ok, err := store.GetSetting(ctx, "dm_token"); err != nil {
		return "", err
	} else if ok {
		return t, nil
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate DM token: %w", err)
	}
	t := base64.RawURLEncoding.EncodeToString(buf)
	if err := store.SetSetting(ctx, "dm_token", t); err != nil {
		return "", err
	}
	return t, nil
}

// runServe is `hexcrawl serve`: the hub without a window, until Ctrl+C or SIGTERM.
func runServe(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	return runHub(ctx, name, args, stdout, stderr, func(ctx context.Context, _ *runningHub) error {
		<-ctx.Done()
		return nil
	})
}

// runDefault opens the desktop window; without one (no display, or a build without the
// window) it says why and keeps serving, so the command never exits 0 having done nothing.
func runDefault(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runHub(ctx, "hexcrawl", args, stdout, stderr, func(ctx context.Context, rh *runningHub) error {
		err := runDesktop(ctx, rh)
		if errors.Is(err, errNoDesktop) || errors.Is(err, errNoDisplay) || errors.Is(err, errNoWindow) {
			fmt.Fprintf(stderr, "hexcrawl: %v\nRunning the hub without a window, as `hexcrawl serve` would; Ctrl+C stops it.\n", err)
			<-ctx.Done()
			return nil
		}
		return err
	})
}

// runHub parses the flags, starts the hub, runs until body returns, and shuts down.
func runHub(ctx context.Context, name string, args []string, stdout, stderr io.Writer, body func(context.Context, *runningHub) error) int {
	cfg, err := parseServeFlags(name, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		help := "hexcrawl --help"
		if name == "serve" {
			help = "hexcrawl serve --help"
		}
		fmt.Fprintf(stderr, "%s: %v\nRun \"%s\" for the flags.\n", name, err, help)
		return 2
	}
	log := newLogger(stderr, cfg.verbose)
	rh, err := startHub(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "hexcrawl: %v\n", err)
		return 1
	}
	// The welcome waits for mDNS (about 1.5 s: the short name is checked on the LAN first) so
	// that it lists every address at once; the window does not wait for it.
	welcomed := make(chan struct{})
	go func() {
		defer close(welcomed)
		select {
		case <-rh.advertised:
			printWelcome(ctx, stdout, rh, cfg)
		case <-ctx.Done():
		}
	}()
	runErr := body(ctx, rh)
	<-welcomed
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rh.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	if runErr != nil {
		log.Error("desktop window", "err", runErr)
		return 1
	}
	return 0
}

// printWelcome tells the DM how players join and how to open the DM console.
func printWelcome(ctx context.Context, w io.Writer, rh *runningHub, cfg serveConfig) {
	urls := rh.playerURLs(cfg)
	fmt.Fprintf(w, "Hexcrawl %s is running. Data: %s\n", version, rh.DataPath)
	if dir := backupDir(cfg); dir != "" {
		fmt.Fprintf(w, "Backups (at each session's end and daily): %s\n", dir)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Players open:   %s\n", urls[0])
	for _, u := range urls[1:] {
		fmt.Fprintf(w, "            or: %s\n", u)
	}
	if isLoopbackAddr(cfg.addr) {
		fmt.Fprintf(w, "Warning: --addr %s listens on this computer only: phones and other computers cannot\n"+
			"         open these addresses. To let players join, start with --addr :%d (every network).\n", cfg.addr, rh.Port)
	}
	campaigns, _ := rh.store.ListCampaigns(ctx)
	joinBase := hub.PreferredJoinURL(urls)
	var firstJoin string
	for _, c := range campaigns {
		code, err := currentInvite(ctx, rh.store, c.ID)
		if err != nil {
			continue
		}
		join := joinBase + "/join/" + code
		if firstJoin == "" {
			firstJoin = join
		}
		fmt.Fprintf(w, "Join code for %q: %s  (%s)\n", c.Name, formatCode(code), join)
	}
	fmt.Fprintf(w, "\nDM console:     %s/dm#token=%s\n", rh.BaseURL, rh.DMToken)
	fmt.Fprintf(w, "DM token (API): Authorization: Bearer %s\n", rh.DMToken)
	if firstJoin != "" && !cfg.noQR {
		fmt.Fprintf(w, "\nScan to join %s:\n", firstJoin)
		printQR(w, firstJoin)
	}
	fmt.Fprintln(w)
}

// playerURLs lists the addresses players can use, the short .local name first, then the LAN
// addresses; a hub bound to one address offers just that one.
func (rh *runningHub) playerURLs(cfg serveConfig) []string {
	var urls []string
	host, _, _ := net.SplitHostPort(cfg.addr)
	switch {
	case isLoopbackAddr(cfg.addr):
	case host != "" && host != "0.0.0.0" && host != "::":
		urls = append(urls, "http://"+net.JoinHostPort(host, strconv.Itoa(rh.Port)))
	default:
		if ad := rh.ad.Load(); ad != nil {
			urls = append(urls, ad.URLs()...)
		}
		if len(urls) == 0 {
			urls, _ = discovery.LANURLs(rh.Port, "/", cfg.mdnsIfaces)
		}
	}
	for i := range urls {
		urls[i] = strings.TrimRight(urls[i], "/")
	}
	if len(urls) == 0 {
		urls = append(urls, rh.BaseURL)
	}
	return urls
}

// currentInvite returns the campaign's newest unexpired join code, making one if none is left.
func currentInvite(ctx context.Context, store *storage.Store, campaignID string) (string, error) {
	invs, err := store.ListInvites(ctx, campaignID)
	if err != nil {
		return "", err
	}
	for _, inv := range invs {
		if time.Until(inv.ExpiresAt) > game.InviteRenewBefore {
			return inv.Code, nil
		}
	}
	code, err := game.NewInviteCode()
	if err != nil {
		return "", err
	}
	if _, err := store.CreateInvite(ctx, campaignID, code, time.Now().Add(game.InviteDefaultExpiry)); err != nil {
		return "", err
	}
	return code, nil
}

func formatCode(code string) string {
	if len(code) == 10 {
		return code[:5] + "-" + code[5:]
	}
	return code
}
