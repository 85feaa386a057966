-- One row per respondent: the session, and beside it what progress counts, written by the same statement.
--
-- The session is `json`, not `jsonb`: jsonb reorders an object's keys, and the order of a session's
-- `sources` is meaningful (the oldest are dropped first); jsonb also refuses \u0000 and a lone
-- surrogate, which a respondent's text can hold. `json` keeps the text exactly as written and still
-- answers the ->, ->> and json_* operators.
CREATE TABLE consult_respondent (
    respondent_id text PRIMARY KEY,
    -- NULL only inside the transaction that holds a new respondent before the first store.
    session json,
    status text,
    channel text,
    categories text[],
    subcategories text[],
    -- The item an unfinished respondent is at ('review' at the end); NULL once they have submitted.
    stopped_at text,
    started_at timestamptz,
    first_submitted_at timestamptz,
    submitted_at timestamptz,
    updated_at timestamptz
);
