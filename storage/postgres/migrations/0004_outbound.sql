-- What consult sent first (reminders, announcements): a claim before each send, the outcome after
-- (core/reminders/log.py). Appended to, never updated.
CREATE TABLE consult_sent (
    id bigserial PRIMARY KEY,
    respondent_id text NOT NULL,
    rule text NOT NULL,
    at timestamptz NOT NULL,
    state text NOT NULL,
    reason text NOT NULL DEFAULT ''
);

-- The consultation's window as `consult window` sets it (core/windows.py): one row at most.
CREATE TABLE consult_window (
    id integer PRIMARY KEY CHECK (id = 1),
    opens timestamptz,
    closes timestamptz,
    late text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
