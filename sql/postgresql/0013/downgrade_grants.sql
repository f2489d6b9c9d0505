-- scaleout_catalog, PostgreSQL: after removing revision 0013. Nothing to grant: CREATE OR REPLACE VIEW put the
-- earlier definitions back with their grants (SQL Server drops and creates its views again, and grants them).
SELECT 1;
