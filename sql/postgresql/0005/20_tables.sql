-- scaleout_catalog, PostgreSQL, revision 0005: why a worker was disabled, when the catalog did it
-- ('certificate': it came back with a certificate it had not announced); NULL when an admin decided.
ALTER TABLE internal.worker_agents ADD COLUMN disabled_reason text;
