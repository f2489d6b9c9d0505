-- scaleout_catalog, PostgreSQL: removes revision 0001 (the whole catalog).
-- The four roles are cluster-wide and may serve other catalogs, so they stay.
DROP SCHEMA IF EXISTS catalog CASCADE;
DROP SCHEMA IF EXISTS internal CASCADE;
