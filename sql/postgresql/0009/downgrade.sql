-- scaleout_catalog, PostgreSQL: removes revision 0009 (the earlier definitions of what it changed are put back).
SELECT 1;
