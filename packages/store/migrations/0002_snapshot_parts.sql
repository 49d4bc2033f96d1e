-- Snapshots are written in parts of at most 256 KiB, one part between two commits, so that writing
-- the snapshot of a large tenant never holds the database (PGlite runs one statement at a time) for
-- long. A snapshots row with parts > 0 is complete and its state is the parts joined in order; it is
-- inserted only after its last part. Rows written before this migration keep their state inline.
CREATE TABLE snapshot_parts (
  tenant_id text NOT NULL,
  seq bigint NOT NULL,
  part integer NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (tenant_id, seq, part)
);

ALTER TABLE snapshots ADD COLUMN parts integer NOT NULL DEFAULT 0;
