-- 007_compression.sql - the file's encoding (SPEC §7 "compression", §9).
--
-- NULL is the plain CSV, 'gzip' the same bytes gzip-compressed.  The view
-- of 005 is recreated so that e.* shows the new column (CREATE OR REPLACE
-- VIEW appends it at the end; shown_status is unchanged).
ALTER TABLE exports ADD COLUMN compression text NULL
	CHECK (compression IN ('gzip'));

CREATE OR REPLACE VIEW exports_shown AS
SELECT CASE WHEN e.status = 'READY' AND e.expires_at <= now()
	    THEN 'EXPIRED' ELSE e.status END AS shown_status,
       e.*
FROM exports e;
