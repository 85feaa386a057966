-- Invitations (core/invitations): one row per code. Revoked ones stay, for the record.
CREATE TABLE consult_invitation (
    code text PRIMARY KEY,
    position bigserial,
    invitation jsonb NOT NULL
);

-- The secretariat's decisions on organisations with several submissions (core/organisations): one per
-- organisation, as compared (casefolded, spaces collapsed).
CREATE TABLE consult_organisation_decision (
    key text PRIMARY KEY,
    decision jsonb NOT NULL
);

-- What invitations and organisations need of each respondent (core.ports.Standing), so that progress
-- still never reads whole sessions. Rows stored before this have arrival_kept NULL: read from the session.
ALTER TABLE consult_respondent
    ADD COLUMN invite text,
    ADD COLUMN organisation text,
    ADD COLUMN invited_organisation text,
    ADD COLUMN arrival_kept boolean,
    -- The organisation's name as compared (core.invitations.model.organisation_key): progress reads only
    -- the rows that share one, or came with an invitation, not every respondent.
    ADD COLUMN organisation_key text;
