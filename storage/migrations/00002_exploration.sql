-- +goose Up
-- Exploration (docs/exploration.md): parties with a token per map and a shared map of what they
-- know, two states of knowledge (1 glimpsed, 2 explored), markers, per-campaign sight rules.

CREATE TABLE party (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    color       TEXT NOT NULL,
    reveal      TEXT NOT NULL DEFAULT 'sight' CHECK (reveal IN ('sight', 'hex', 'none')),
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE INDEX party_campaign ON party (campaign_id, created_at);
-- New players join the default party: a campaign has exactly one (the hub keeps "at least").
CREATE UNIQUE INDEX party_one_default ON party (campaign_id) WHERE is_default = 1;

-- Where each party's token stands on each map; no row: off that map.
CREATE TABLE party_position (
    party_id TEXT NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    map_id   TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    col      INTEGER NOT NULL,
    row      INTEGER NOT NULL,
    PRIMARY KEY (party_id, map_id)
) WITHOUT ROWID;

-- What party:undo can take back: the last moves and placements per party and map, each with the
-- knowledge it raised (JSON), keyed by the seq of the event that made it.
CREATE TABLE party_move (
    party_id TEXT NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    map_id   TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    payload  TEXT NOT NULL,
    PRIMARY KEY (party_id, map_id, seq)
) WITHOUT ROWID;

CREATE TABLE marker (
    id         TEXT PRIMARY KEY,
    map_id     TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    col        INTEGER NOT NULL,
    row        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('monster', 'camp', 'npc', 'treasure', 'danger', 'poi')),
    label      TEXT NOT NULL DEFAULT '' CHECK (length(label) <= 80),
    visibility TEXT NOT NULL CHECK (visibility IN ('dm', 'players')),
    created_at TEXT NOT NULL
);
CREATE INDEX marker_map ON marker (map_id, created_at);

-- What a party knows: sight from its moves lands here, shared by its members.
CREATE TABLE reveal_party (
    map_id   TEXT NOT NULL REFERENCES map (id) ON DELETE CASCADE,
    party_id TEXT NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    col      INTEGER NOT NULL,
    row      INTEGER NOT NULL,
    state    INTEGER NOT NULL CHECK (state IN (1, 2)),
    PRIMARY KEY (map_id, party_id, col, row)
) WITHOUT ROWID;
-- Splits, merges and players leaving copy a party's knowledge on every map.
CREATE INDEX reveal_party_party ON reveal_party (party_id);

ALTER TABLE member ADD COLUMN party_id TEXT REFERENCES party (id) ON DELETE SET NULL;
-- Every reveal made before had the one state there was: explored.
ALTER TABLE reveal_all ADD COLUMN state INTEGER NOT NULL DEFAULT 2 CHECK (state IN (1, 2));
ALTER TABLE reveal_player ADD COLUMN state INTEGER NOT NULL DEFAULT 2 CHECK (state IN (1, 2));
-- JSON {terrain: {sight, height, landmark}}; NULL: the defaults.
ALTER TABLE campaign ADD COLUMN sight_rules TEXT;

-- Every campaign gets its default party (a random version-4 UUID), holding every active member
-- and standing where the one party token stood.
INSERT INTO party (id, campaign_id, name, color, reveal, is_default, created_at)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
       substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
       id, 'The party', '#e0a030', 'sight', 1, created_at
FROM campaign;

UPDATE member SET party_id = (SELECT p.id FROM party p WHERE p.campaign_id = member.campaign_id AND p.is_default = 1)
WHERE revoked_at IS NULL;

INSERT INTO party_position (party_id, map_id, col, row)
SELECT p.id, m.id, m.token_col, m.token_row
FROM map m JOIN party p ON p.campaign_id = m.campaign_id AND p.is_default = 1
WHERE m.token_col IS NOT NULL AND m.token_row IS NOT NULL;

-- A staged move of the one token becomes a placement of the default party that reveals nothing,
-- which is what it did.
UPDATE staged_change SET payload = json_object(
    'id', json_extract(payload, '$.id'), 'kind', 'place',
    'partyId', (SELECT p.id FROM party p WHERE p.campaign_id = staged_change.campaign_id AND p.is_default = 1),
    'key', json_extract(payload, '$.key'), 'reveal', json('false'))
WHERE json_extract(payload, '$.kind') = 'token';

ALTER TABLE map DROP COLUMN token_col;
ALTER TABLE map DROP COLUMN token_row;

-- +goose Down
ALTER TABLE map ADD COLUMN token_col INTEGER;
ALTER TABLE map ADD COLUMN token_row INTEGER;
UPDATE map SET
    token_col = (SELECT pp.col FROM party_position pp JOIN party p ON p.id = pp.party_id
                 WHERE pp.map_id = map.id AND p.is_default = 1),
    token_row = (SELECT pp.row FROM party_position pp JOIN party p ON p.id = pp.party_id
                 WHERE pp.map_id = map.id AND p.is_default = 1);
UPDATE staged_change SET payload = json_object(
    'id', json_extract(payload, '$.id'), 'kind', 'token', 'key', json_extract(payload, '$.key'))
WHERE json_extract(payload, '$.kind') = 'place';
DELETE FROM staged_change WHERE json_extract(payload, '$.kind') = 'move';
ALTER TABLE campaign DROP COLUMN sight_rules;
ALTER TABLE reveal_player DROP COLUMN state;
ALTER TABLE reveal_all DROP COLUMN state;
ALTER TABLE member DROP COLUMN party_id;
DROP TABLE reveal_party;
DROP TABLE marker;
DROP TABLE party_move;
DROP TABLE party_position;
DROP TABLE party;
