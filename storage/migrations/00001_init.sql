-- +goose Up
-- Campaign-scoped everything: deleting a campaign deletes its maps, members, sessions and log.
CREATE TABLE campaign (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    active_map_id  TEXT REFERENCES map (id) ON DELETE SET NULL,
    broadcast_mode TEXT NOT NULL DEFAULT 'immediate' CHECK (broadcast_mode IN ('immediate', 'staged')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE map (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    width       INTEGER NOT NULL CHECK (width BETWEEN 1 AND 400),
    height      INTEGER NOT NULL CHECK (height BETWEEN 1 AND 400),
    orientation TEXT NOT NULL CHECK (orientation IN ('flat', 'pointy')),
    token_col   INTEGER,
    token_row   INTEGER,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX map_campaign ON map (campaign_id);

-- Sparse: only hexes with something painted, labelled or noted have a row.
CREATE TABLE hex (
    map_id  TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    col     INTEGER NOT NULL,
    row     INTEGER NOT NULL,
    terrain TEXT NOT NULL DEFAULT '',
    label   TEXT NOT NULL DEFAULT '',
    notes   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, col, row)
) WITHOUT ROWID;

CREATE TABLE member (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    secret_hash BLOB NOT NULL UNIQUE,
    joined_at   TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX member_campaign ON member (campaign_id);

CREATE TABLE invite (
    code        TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX invite_campaign ON invite (campaign_id);

CREATE TABLE game_session (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('active', 'paused', 'ended')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT
);
CREATE INDEX game_session_campaign ON game_session (campaign_id, started_at);

-- Reveal state lives here, not rebuilt from the log: revealed to everyone ...
CREATE TABLE reveal_all (
    map_id TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    col    INTEGER NOT NULL,
    row    INTEGER NOT NULL,
    PRIMARY KEY (map_id, col, row)
) WITHOUT ROWID;

-- ... and privately to one player.
CREATE TABLE reveal_player (
    map_id    TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    col       INTEGER NOT NULL,
    row       INTEGER NOT NULL,
    PRIMARY KEY (map_id, member_id, col, row)
) WITHOUT ROWID;

-- The DM's staged list survives a crash: it is work the DM did.
CREATE TABLE staged_change (
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    id          TEXT NOT NULL,
    payload     TEXT NOT NULL,
    PRIMARY KEY (campaign_id, position)
) WITHOUT ROWID;

-- The append-only event log. seq is gap-free per campaign.
CREATE TABLE session_event (
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    session_id  TEXT REFERENCES game_session (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (campaign_id, seq)
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER session_event_append_only BEFORE UPDATE ON session_event
BEGIN
    SELECT RAISE(ABORT, 'session_event is append-only');
END;
-- +goose StatementEnd

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE setting;
DROP TRIGGER session_event_append_only;
DROP TABLE session_event;
DROP TABLE staged_change;
DROP TABLE reveal_player;
DROP TABLE reveal_all;
DROP TABLE game_session;
DROP TABLE invite;
DROP TABLE member;
DROP TABLE hex;
DROP TABLE map;
DROP TABLE campaign;
