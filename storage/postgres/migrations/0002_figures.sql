-- The rest of what `consult progress` shows (core.ports.Standing), so that it is a few GROUP BY and
-- never a read of every session. Rows written before this migration have figures_of NULL: progress
-- counts them from their session (core.figures.standing) until they are next stored.
ALTER TABLE consult_respondent
    ADD COLUMN first_submitted_day text,
    ADD COLUMN country text,
    ADD COLUMN country_key text,
    ADD COLUMN may_cite boolean,
    ADD COLUMN asked text[],
    ADD COLUMN answered_counted text[],
    ADD COLUMN answered text[],
    ADD COLUMN skipped text[],
    ADD COLUMN set_aside integer,
    -- The questionnaire the columns were computed with: after a change of the file they are stale.
    ADD COLUMN figures_of text;
