package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hexcrawl/hexcrawl/game"
)

// The travel turn's rows (docs/travel.md): a campaign's rules, each party's travel state, the
// DM's waiting encounter prompts.

// TravelRules returns a campaign's travel rules as the DM saved them; nil (never saved) means
// the defaults.
func (q Queries) TravelRules(ctx context.Context, campaignID string) (*game.TravelRules, error) {
	return queryOne(ctx, q.q, "travel rules", game.Errorf(game.ENotFound, "no campaign %q", campaignID),
		func(row rowScanner) (*game.TravelRules, error) {
			var s sql.NullString
			if err := row.Scan(&s); err != nil || !s.Valid {
				return nil, err
			}
			var r game.TravelRules
			if err := json.Unmarshal([]byte(s.String), &r); err != nil {
				return nil, fmt.Errorf("stored travel rules: %w", err)
			}
			if err := r.Validate(); err != nil {
				return nil, errors.Join(errors.New("stored travel rules"), err)
			}
			return &r, nil
		}, `SELECT travel_rules FROM campaign WHERE id = ?`, campaignID)
}

// SetTravelRules stores a campaign's travel rules; nil returns it to the defaults.
func (q Queries) SetTravelRules(ctx context.Context, campaignID string, rules *game.TravelRules) error {
	var v any
	if rules != nil {
		if err := rules.Validate(); err != nil {
			return err
		}
		v = string(mustMarshal(rules))
	}
	return q.updateCampaign(ctx, campaignID, "travel_rules = ?", v)
}

// LoadPartyTravel returns the travel state of every party of a campaign that has travelled.
func (q Queries) LoadPartyTravel(ctx context.Context, campaignID string) (map[string]game.PartyTravel, error) {
	type row struct {
		id string
		st game.PartyTravel
	}
	rows, err := queryAll(ctx, q.q, "load party travel", func(r rowScanner) (out row, err error) {
		var s string
		if err = r.Scan(&out.id, &s); err != nil {
			return out, err
		}
		if err = json.Unmarshal([]byte(s), &out.st); err != nil {
			return out, fmt.Errorf("party %s: %w", out.id, err)
		}
		return out, nil
	}, `SELECT t.party_id, t.state FROM party_travel t JOIN party p ON p.id = t.party_id WHERE p.campaign_id = ?`, campaignID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]game.PartyTravel, len(rows))
	for _, r := range rows {
		out[r.id] = r.st
	}
	return out, nil
}

// Every travel action writes the party's state: a hot statement (stmts.go).
const sqlSetPartyTravel = `INSERT INTO party_travel (party_id, state) VALUES (?, ?)
	ON CONFLICT (party_id) DO UPDATE SET state = excluded.state`

// SetPartyTravel stores a party's travel state.
func (q Queries) SetPartyTravel(ctx context.Context, partyID string, st game.PartyTravel) error {
	return q.exec(ctx, "set party travel", sqlSetPartyTravel, partyID, string(mustMarshal(st)))
}

// Encounter is an encounter prompt waiting for the DM.
type Encounter struct {
	ID      string              `json:"id"`
	PartyID string              `json:"partyId"`
	Minutes int                 `json:"minutes"`
	Check   game.EncounterCheck `json:"check"`
}

// LoadEncounters returns a campaign's waiting prompts, oldest first.
func (q Queries) LoadEncounters(ctx context.Context, campaignID string) ([]Encounter, error) {
	return queryAll(ctx, q.q, "load encounters", func(r rowScanner) (e Encounter, err error) {
		var s string
		if err = r.Scan(&e.ID, &e.PartyID, &e.Minutes, &s); err != nil {
			return e, err
		}
		return e, json.Unmarshal([]byte(s), &e.Check)
	}, `SELECT id, party_id, minutes, check_json FROM encounter WHERE campaign_id = ? ORDER BY created_at, rowid`, campaignID)
}

const sqlAddEncounter = `INSERT INTO encounter (id, campaign_id, party_id, minutes, check_json, created_at)
	VALUES (?, ?, ?, ?, ?, ?)`

// AddEncounter stores a prompt.
func (q Queries) AddEncounter(ctx context.Context, campaignID string, e Encounter) error {
	return q.exec(ctx, "add encounter", sqlAddEncounter, e.ID, campaignID, e.PartyID, e.Minutes, string(mustMarshal(e.Check)), now())
}

// UpdateEncounter rewrites a prompt's check (a reroll).
func (q Queries) UpdateEncounter(ctx context.Context, e Encounter) error {
	return q.exec(ctx, "update encounter", `UPDATE encounter SET check_json = ? WHERE id = ?`, string(mustMarshal(e.Check)), e.ID)
}

// DeleteEncounter removes an answered prompt.
func (q Queries) DeleteEncounter(ctx context.Context, id string) error {
	return q.exec(ctx, "delete encounter", `DELETE FROM encounter WHERE id = ?`, id)
}

// MoveEncounters gives one party's prompts to another (a merge).
func (q Queries) MoveEncounters(ctx context.Context, from, to string) error {
	return q.exec(ctx, "move encounters", `UPDATE encounter SET party_id = ? WHERE party_id = ?`, to, from)
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only types of ours, which always marshal
	}
	return b
}

// importTravel writes a campaign file's travel rules, party travel states and prompts, checking
// each.
func (q Queries) importTravel(ctx context.Context, campaignID string, f *CampaignFile, partyIDs map[string]bool) error {
	bad := func(format string, args ...any) error {
		return game.Errorf(game.EInvalid, "damaged campaign file: "+format, args...)
	}
	if f.TravelRules != nil {
		if err := f.TravelRules.Validate(); err != nil {
			return bad("travel rules: %s", game.MessageOf(err))
		}
		if err := q.SetTravelRules(ctx, campaignID, f.TravelRules); err != nil {
			return err
		}
	}
	for party, st := range f.Travel {
		if !partyIDs[party] {
			return bad("travel of party %q, which the file lacks", party)
		}
		if st.Minutes < 0 || st.Minutes > game.MaxClockMinutes || !st.Pace.Valid() {
			return bad("travel of party %q: a bad clock or pace", party)
		}
		if st.Lost != nil {
			if _, err := game.ParseKey(st.Lost.At); err != nil {
				return bad("travel of party %q: %v", party, err)
			}
		}
		if err := q.SetPartyTravel(ctx, party, st); err != nil {
			return err
		}
	}
	for _, e := range f.Encounters {
		if e.ID == "" || !partyIDs[e.PartyID] {
			return bad("encounter %q of party %q, which the file lacks", e.ID, e.PartyID)
		}
		if err := q.AddEncounter(ctx, campaignID, e); err != nil {
			return bad("encounter %q: %v", e.ID, err)
		}
	}
	return nil
}
