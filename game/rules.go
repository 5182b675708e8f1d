package game

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The numbers below are rules every part of Hexcrawl shares. testdata/protocol/constants.json
// holds them for the front end too, and a test on each side checks its copy against that file.

// Text limits, counted in characters (Unicode code points), not bytes.
const (
	MaxLabelChars      = 80   // a hex's label: players see it on the map
	MaxNotesChars      = 4000 // a hex's DM notes
	MaxNameChars       = 120  // a campaign's or a map's name
	MaxPlayerNameChars = 40   // a player's display name
	MaxPartyNameChars  = 40   // a party's name: it labels a token on a phone
)

// Exploration limits (docs/exploration.md).
const (
	MaxPathLength    = 100 // hexes in one party:move
	MaxMarkersPerMap = 500
	MaxUndoMoves     = 20 // moves per party and map that party:undo can take back
)

// MinDMTokenLength is the shortest DM token accepted (given with --dm-token or the
// environment; generated ones are 32 characters).
const MinDMTokenLength = 16

// Join codes.
const (
	InviteDefaultExpiry = 7 * 24 * time.Hour // when the DM does not say otherwise
	InviteMaxExpiry     = 365 * 24 * time.Hour
	// InviteRenewBefore: a code with less life left is not handed out again; a fresh one is.
	InviteRenewBefore = time.Hour
	InviteCodeLength  = 10
	// InviteCodeAlphabet has no 0/O, 1/I/L or U: codes are read aloud and typed on phones.
	InviteCodeAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
)

// NewInviteCode makes an unguessable join code.
func NewInviteCode() (string, error) {
	buf := make([]byte, InviteCodeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("invite code: %w", err)
	}
	out := make([]byte, InviteCodeLength)
	for i, b := range buf {
		// 256 % 30 leaves a slight bias toward the first 16 letters; 10 letters still carry
		// over 48 bits, far beyond guessing over a LAN before the code expires.
		out[i] = InviteCodeAlphabet[int(b)%len(InviteCodeAlphabet)]
	}
	return string(out), nil
}

// NormalizeInviteCode accepts codes typed with spaces, dashes or in lower case.
func NormalizeInviteCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(s))
}

// ValidName checks a campaign's or a map's name.
func ValidName(name string) error { return validName(name, MaxNameChars) }

// ValidPlayerName checks a player's display name.
func ValidPlayerName(name string) error { return validName(name, MaxPlayerNameChars) }

func validName(name string, maxChars int) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > maxChars {
		return Errorf(EInvalid, "name must be 1 to %d characters", maxChars)
	}
	return nil
}
