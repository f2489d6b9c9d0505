-- scaleout_catalog, PostgreSQL, revision 0002: the catalog's pulse.
-- When a worker last called in (any worker): a silence of the whole fleet longer than half a lease
-- means the database or the network to every worker was down, and is credited back to the leases
-- that were running when it began (internal.take_pulse).
CREATE TABLE internal.catalog_pulse (
    pulse_id        smallint PRIMARY KEY CHECK (pulse_id = 1),
    last_pulse_time timestamptz NOT NULL DEFAULT now()
);
INSERT INTO internal.catalog_pulse (pulse_id) VALUES (1);
