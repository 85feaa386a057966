-- Sessions (~30 KB each for a respondent with long answers) are compressed with lz4 instead of pglz:
-- measured, it halves the server's CPU per stored answer (BENCHMARKS.md, PostgreSQL section).
-- lz4 needs PostgreSQL 14 built with it (Debian's, and the hosted services', are); where it is
-- missing the column keeps pglz and nothing else changes. Existing rows are recompressed only as
-- they are next written.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE consult_respondent ALTER COLUMN session SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'consult: lz4 compression is not available here; sessions stay compressed with pglz';
END
$$;
