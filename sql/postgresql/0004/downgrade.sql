-- scaleout_catalog, PostgreSQL: removes revision 0004.
DROP FUNCTION IF EXISTS internal.report_tasks(uuid, text, text);
