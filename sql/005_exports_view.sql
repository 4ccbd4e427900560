-- 005_exports_view.sql - the status a person sees, written once.
--
-- A READY export whose link has expired shows EXPIRED from that second on
-- (SPEC §8), before the daemon's sweep moves it there.  Every read of an
-- export (API, downloads, ftx-admin, the sweep itself) goes through this
-- view.  shown_status comes first so that the view can be replaced with
-- CREATE OR REPLACE VIEW after columns are added to exports (e.* then
-- grows at the end).
CREATE VIEW exports_shown AS
SELECT CASE WHEN e.status = 'READY' AND e.expires_at <= now()
	    THEN 'EXPIRED' ELSE e.status END AS shown_status,
       e.*
FROM exports e;
