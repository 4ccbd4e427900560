-- 008_replica_lsn.sql - where the primary's WAL stood when each export was
-- created, so that a worker reading from a streaming replica waits until
-- the replica has replayed that far (SPEC section 17, step 3).
--
-- pg_current_wal_insert_lsn() is the end of the last record inserted into
-- the WAL, evaluated inside the INSERT of the POST's transaction.  A
-- transfer committed before the POST has its commit record inserted
-- before that (even with synchronous_commit off, when it may not be
-- written or flushed yet: hence the insert position, not the write or
-- flush one), so its commit LSN is at most created_lsn, and a standby
-- whose pg_last_wal_replay_lsn() has reached created_lsn has replayed that
-- commit.  Any role may call the function; it fails only during recovery,
-- and exports are created on the primary.
--
-- Added without a default, then given one: no table rewrite, and exports
-- created earlier keep NULL (for those a worker waits for the primary's
-- current position instead, which is past them).
ALTER TABLE exports ADD COLUMN created_lsn pg_lsn;
ALTER TABLE exports
    ALTER COLUMN created_lsn SET DEFAULT pg_current_wal_insert_lsn();
