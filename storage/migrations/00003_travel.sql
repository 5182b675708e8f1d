-- +goose Up
-- The travel turn (docs/travel.md): the campaign's travel rules, each party's clock, pace,
-- weather and lost state, the DM's waiting encounter prompts, and roads on hexes.

-- JSON game.TravelRules; NULL: the defaults.
ALTER TABLE campaign ADD COLUMN travel_rules TEXT;

-- JSON game.PartyTravel. No row: the party has not travelled yet (its clock stands at the start
-- and players see no clock).
CREATE TABLE party_travel (
    party_id TEXT PRIMARY KEY REFERENCES party (id) ON DELETE CASCADE,
    state    TEXT NOT NULL
) WITHOUT ROWID;

-- Encounters waiting for the DM's answer; an answered one is deleted (the event log keeps it).
CREATE TABLE encounter (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    party_id    TEXT NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    minutes     INTEGER NOT NULL,
    check_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX encounter_campaign ON encounter (campaign_id, created_at);

ALTER TABLE hex ADD COLUMN road INTEGER NOT NULL DEFAULT 0 CHECK (road IN (0, 1));

-- +goose Down
ALTER TABLE hex DROP COLUMN road;
DROP TABLE encounter;
DROP TABLE party_travel;
ALTER TABLE campaign DROP COLUMN travel_rules;
