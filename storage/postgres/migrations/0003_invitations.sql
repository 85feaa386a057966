-- Invitations (core/invitations): one row per code. Revoked ones stay, for the record.
CREATE TABLE consult_invitation (
    code text PRIMARY KEY,
    position bigserial,
    invitation jsonb NOT NULL
);
