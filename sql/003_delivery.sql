-- 003_delivery.sql - per-recipient delivery (SPEC section 8).
--
-- undelivered_recipients: the cc addresses the mail server refused for good
-- (or kept deferring until the last attempt); the export went to the others.
-- mail_sent_at (already in 001) is now set, and committed, as soon as the
-- e-mail went out, before the export is marked READY, together with the
-- file facts the e-mail announced: a retry after a failed completion finds
-- the send recorded and completes the export without a second e-mail.
ALTER TABLE exports
    ADD COLUMN undelivered_recipients text[] NOT NULL DEFAULT '{}';
