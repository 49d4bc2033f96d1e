-- Writer leases (issue #15): at most one node writes a tenant at a time. Taking a lease increments
-- its epoch; every batch commit names the epoch it was taken under and fails unless the row still
-- carries it, so a deposed writer (paused, partitioned, or simply slow) can never commit. expires_at
-- is the database's clock, so the nodes' clocks do not matter; the holder renews it on a timer.
-- address is the holder's advertised HTTP URL: other nodes forward the tenant's commands there.
CREATE TABLE tenant_leases (
  tenant_id text NOT NULL,
  epoch bigint NOT NULL,
  node_id text NOT NULL,
  address text NOT NULL DEFAULT '',
  acquired_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id)
);

-- Settings shared by every node of one database: the secret that authenticates forwarded commands.
CREATE TABLE cluster_settings (
  name text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (name)
);
