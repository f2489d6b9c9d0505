-- scaleout_catalog, PostgreSQL: removes revision 0005.
DROP VIEW IF EXISTS catalog.caller_roles;
