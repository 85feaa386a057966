-- Moving between apps (core/resume): one-time codes, stored as SHA-256 digests (a copy of the
-- database moves no response), and the wrong codes tried, which the rate limit counts.
CREATE TABLE consult_move_code (
    code_digest text PRIMARY KEY,
    source_id text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by text
);
-- One live code per respondent: a new one replaces it.
CREATE INDEX consult_move_code_source ON consult_move_code (source_id) WHERE used_at IS NULL;
CREATE INDEX consult_move_code_expiry ON consult_move_code (expires_at);

CREATE TABLE consult_move_wrong (
    respondent_id text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX consult_move_wrong_at ON consult_move_wrong (at);
CREATE INDEX consult_move_wrong_respondent ON consult_move_wrong (respondent_id, at);
