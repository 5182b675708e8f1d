-- +goose Up
-- At the table (docs/table.md): players' notes on hexes, and table screens (read-only display
-- credentials). Pings are not stored anywhere.

-- One note per player, map and hex. party_id: the party it is shared with (the author's when
-- they last saved it shared); NULL: private to its author and the DM.
CREATE TABLE player_note (
    id         TEXT PRIMARY KEY,
    map_id     TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    col        INTEGER NOT NULL,
    row        INTEGER NOT NULL,
    member_id  TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    party_id   TEXT REFERENCES party (id) ON DELETE SET NULL,
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    updated_at TEXT NOT NULL,
    UNIQUE (map_id, member_id, col, row)
);
CREATE INDEX player_note_map ON player_note (map_id, updated_at);
CREATE INDEX player_note_party ON player_note (party_id) WHERE party_id IS NOT NULL;

-- A table screen watches one party's map (party_id) or what everyone knows (NULL). Its token is
-- a bearer secret: only its SHA-256 is kept, like a player's cookie.
CREATE TABLE display (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    party_id    TEXT REFERENCES party (id) ON DELETE SET NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX display_campaign ON display (campaign_id, created_at);

-- +goose Down
DROP TABLE display;
DROP TABLE player_note;
