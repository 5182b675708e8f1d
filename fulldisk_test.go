package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A full disk: the hub's data folder is a 4 MB tmpfs, mounted in a mount namespace this test
// creates. Changes that no longer fit are refused whole (the DM is told why, on the socket and
// in the answer), nothing already acknowledged is lost, the hub takes changes again once there is
// room, and after a SIGKILL everything acknowledged is there and nothing refused is.
func TestFullDiskRefusesChangesAndLosesNothing(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: a tmpfs in a mount namespace needs root (CI runs as root)")
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		t.Skip("skipping: util-linux's nsenter is not installed")
	}
	dir := t.TempDir()
	holder := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		"mount -t tmpfs -o size=4m hexcrawl-full "+dir+" && echo ready && exec sleep 600")
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	holder.Stderr = os.Stderr
	if err := holder.Start(); err != nil {
		t.Skipf("skipping: cannot create a mount namespace: %v", err)
	}
	t.Cleanup(func() { _ = holder.Process.Kill(); _ = holder.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || strings.TrimSpace(line) != "ready" {
		t.Skipf("skipping: cannot mount a tmpfs in a mount namespace: %q %v", line, err)
	}
	ns := []string{"nsenter", "-t", strconv.Itoa(holder.Process.Pid), "-m", "--"}
	inNS := func(args ...string) {
		t.Helper()
		if b, err := exec.Command(ns[0], append(ns[1:], args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, b)
		}
	}
	data := filepath.Join(dir, "hexcrawl.db")
	p := startServe(t, data, ns...)

	var campaigns []struct{ ID string }
	p.api(t, "GET", "/api/campaigns", "", "", &campaigns)
	cid := campaigns[0].ID
	var invites []struct{ Code string }
	p.api(t, "GET", "/api/campaigns/"+cid+"/invites", "", "", &invites)
	var ana joined
	p.api(t, "POST", "/api/join", `{"code":"`+invites[0].Code+`","name":"Ana"}`, "", &ana)
	dm := newFrames(t, p.dial(t, cid, ""))
	st := dm.next("session:state")
	var m struct {
		ID            string
		Width, Height int
	}
	_ = json.Unmarshal(st["map"], &m)
	player := newFrames(t, p.dial(t, cid, ana.Cookie))
	player.next("session:state")
	dm.send(`{"type":"session:start"}`)
	dm.next("session:statusChanged")
	reveal := func(key string) {
		dm.send(`{"type":"hex:reveal","hexKeys":["` + key + `"],"targets":"all"}`)
	}
	reveal("0,0")
	dm.next("hex:revealed")
	player.next("hex:revealed") // shown to a player: acknowledged, must survive

	// Fill the disk with DM notes, 4000 characters on every hex of the map, until it refuses.
	note := strings.Repeat("n", 4000)
	acknowledged, refused := 0, ""
	for round := 0; round < 40 && refused == ""; round++ {
		var changes []string
		for i := 0; i < m.Width*m.Height; i++ {
			changes = append(changes, fmt.Sprintf(`{"key":"%d,%d","notes":"%s%d"}`, i%m.Width, i/m.Width, note[:3990], round))
		}
		var body map[string]json.RawMessage
		switch status := p.api(t, "PATCH", "/api/maps/"+m.ID+"/hexes", `{"changes":[`+strings.Join(changes, ",")+`]}`, "", &body); status {
		case 200:
			acknowledged = round + 1
		case 500:
			refused = string(body["error"])
		default:
			t.Fatalf("PATCH: %d %v", status, body)
		}
	}
	if refused == "" || !strings.Contains(refused, "disk is full") {
		t.Fatalf("the disk never filled, or the refusal does not say so: %q after %d rounds", refused, acknowledged)
	}
	t.Logf("%d rounds of notes saved, then: %s", acknowledged, refused)
	if got := dm.next("storage:status"); !strings.Contains(string(got["problem"]), "disk is full") {
		t.Fatalf("the DM was told %v", got)
	}
	// Reveals while the disk is full: each is either saved (then shown) or refused with the
	// reason (then shown to no one). Small ones may still fit in the space the write-ahead log
	// already holds; the disk is filled to the last byte first so that most cannot.
	_ = exec.Command(ns[0], append(ns[1:], "sh", "-c", "cat /dev/zero > "+filepath.Join(dir, "filler"))...).Run()
	var shown, refusedKeys []string
	notesRefused := 0
	lastNotes := fmt.Sprintf("%s%d", note[:3990], acknowledged-1)
	for i := 1; i <= 4; i++ {
		// Big: all notes again. It cannot fit.
		var changes []string
		tag := fmt.Sprintf("%s%d", note[:3990], 100+i)
		for j := 0; j < m.Width*m.Height; j++ {
			changes = append(changes, fmt.Sprintf(`{"key":"%d,%d","notes":"%s"}`, j%m.Width, j/m.Width, tag))
		}
		dm.send(`{"type":"hex:update","changes":[` + strings.Join(changes, ",") + `]}`)
		if f := dm.next("hex:updated", "error"); string(f["type"]) == `"error"` {
			if !strings.Contains(string(f["message"]), "not saved: The disk is full") {
				t.Fatalf("refused update: %v", f)
			}
			notesRefused++
		} else {
			lastNotes = tag
		}
		// Small: one reveal. It may fit in what the write-ahead log already holds.
		key := fmt.Sprintf("%d,1", i)
		reveal(key)
		if f := dm.next("hex:revealed", "error"); string(f["type"]) == `"error"` {
			if !strings.Contains(string(f["message"]), "not saved: The disk is full") {
				t.Fatalf("refused reveal: %v", f)
			}
			refusedKeys = append(refusedKeys, key)
		} else {
			shown = append(shown, key)
		}
	}
	if notesRefused == 0 {
		t.Fatalf("no change was refused on a full disk")
	}
	t.Logf("on the full disk: %d of 4 note updates refused; reveals saved %v, refused %v", notesRefused, shown, refusedKeys)

	// Room again: the hub takes changes, and says so.
	inNS("rm", filepath.Join(dir, "filler"))
	inNS("mount", "-o", "remount,size=64m", dir)
	reveal("2,2")
	dm.next("hex:revealed")
	if dm.lastProblem != "null" {
		t.Fatalf("after the disk has room the DM's last storage:status says %s", dm.lastProblem)
	}
	shown = append(shown, "2,2")
	// The player was shown exactly the saved reveals, in order.
	for _, key := range shown {
		if got := player.next("hex:revealed"); !strings.Contains(string(got["hexes"]), `"`+key+`"`) {
			t.Fatalf("the player's next reveal is %s, want %s (refused: %v)", got["hexes"], key, refusedKeys)
		}
	}

	// Killed now: everything acknowledged is there, nothing refused is.
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p2 := startServe(t, data, ns...)
	want := append([]string{"0,0"}, shown...)
	slices.Sort(want)
	got := visible(t, p2.dial(t, cid, ana.Cookie).until("session:state"))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("Ana sees %v after the restart, want %v", got, want)
	}
	var detail struct{ Notes map[string]string }
	p2.api(t, "GET", "/api/maps/"+m.ID, "", "", &detail)
	if len(detail.Notes) != m.Width*m.Height || detail.Notes["0,0"] != lastNotes {
		t.Fatalf("after the restart: %d notes, the first ends %q; want the last saved, ending %q", len(detail.Notes), tail(detail.Notes["0,0"]), tail(lastNotes))
	}
}

func tail(s string) string { return s[max(0, len(s)-8):] }

// frames reads a socket's frames in order; next skips to a type (errors are frames too here).
type frames struct {
	t           *testing.T
	s           *sock
	lastProblem string // the problem of the last storage:status read
}

func newFrames(t *testing.T, s *sock) *frames { return &frames{t: t, s: s} }

func (f *frames) send(msg string) { f.s.send(msg) }

func (f *frames) next(types ...string) map[string]json.RawMessage {
	f.t.Helper()
	_ = f.s.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		_, data, err := f.s.conn.ReadMessage()
		if err != nil {
			f.t.Fatalf("waiting for %v: %v", types, err)
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(data, &m)
		var typ string
		_ = json.Unmarshal(m["type"], &typ)
		if typ == "storage:status" {
			f.lastProblem = string(m["problem"])
		}
		if slices.Contains(types, typ) {
			return m
		}
		if typ == "error" {
			f.t.Fatalf("waiting for %v: %s", types, data)
		}
	}
}
