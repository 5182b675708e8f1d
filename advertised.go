package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/hexcrawl/hexcrawl/discovery"
	"github.com/hexcrawl/hexcrawl/hub"
	"github.com/hexcrawl/hexcrawl/storage"
	"github.com/mdp/qrterminal/v3"
	"golang.org/x/term"
)

// hubName is the name the hub is listed under on the LAN (`hexcrawl discover`, any DNS-SD
// browser) and the campaign in its TXT record: the campaign being played — the most recently
// started session that has not ended — else the only campaign, else "Hexcrawl" with no campaign
// (the DM keeps several and is playing none of them yet).
func hubName(ctx context.Context, store *storage.Store) (instance, campaign string, err error) {
	cs, err := store.ListCampaigns(ctx)
	if err != nil {
		return "", "", err
	}
	var playing string
	var since time.Time
	for _, c := range cs {
		s, err := store.CurrentSession(ctx, c.ID)
		if err != nil {
			return "", "", err
		}
		if s != nil && s.Status.Live() && (playing == "" || s.StartedAt.After(since)) {
			playing, since = c.Name, s.StartedAt
		}
	}
	switch {
	case playing != "":
		return playing, playing, nil
	case len(cs) == 1:
		return cs[0].Name, cs[0].Name, nil
	}
	return "Hexcrawl", "", nil
}

// followHubName keeps the advertised name in step with the campaigns until ctx ends: renaming
// the campaign, starting a session in another one, or adding a second campaign shows in
// `hexcrawl discover` at once, under the same .local host name. changed receives a value
// whenever the hub reports such a change (hub.Config.OnChange); the name is then read again.
func followHubName(ctx context.Context, store *storage.Store, changed <-chan struct{}, ad *discovery.Advertisement, instance, campaign string, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
		i, c, err := hubName(ctx, store)
		if err != nil {
			if ctx.Err() == nil {
				log.Debug("mDNS: cannot read the campaigns to name the hub", "err", err)
			}
			continue
		}
		if i != instance || c != campaign {
			log.Info("mDNS: the table's campaign changed; renaming the advertised hub", "from", instance, "to", i)
			instance, campaign = i, c
			ad.SetName(instance, campaign)
		}
	}
}

// notifyOnChange returns a hub.Config.OnChange that wakes followHubName: never blocking the hub, and
// coalescing a burst of changes into one re-read.
func notifyOnChange(changed chan<- struct{}) func(hub.Change) {
	return func(hub.Change) {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
}

// printQR draws a QR code of url in the terminal with half blocks (two modules per character).
// On a terminal it sets the colours itself: half blocks drawn in the terminal's own colours come
// out inverted on a light theme, which many phone cameras do not read. Piped to a file it writes
// the plain characters.
func printQR(w io.Writer, url string) {
	var buf strings.Builder
	qrterminal.GenerateWithConfig(url, qrterminal.Config{
		Level: qrterminal.L, Writer: &buf, HalfBlocks: true, QuietZone: 2,
		BlackChar: qrterminal.BLACK_BLACK, WhiteChar: qrterminal.WHITE_WHITE,
		BlackWhiteChar: qrterminal.BLACK_WHITE, WhiteBlackChar: qrterminal.WHITE_BLACK,
	})
	colour := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		colour = true
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		if colour {
			// Bright white on black; reset before the newline so nothing bleeds.
			line = "\x1b[97;40m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
		}
		fmt.Fprint(w, line)
	}
}
