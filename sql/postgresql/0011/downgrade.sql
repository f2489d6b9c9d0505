-- scaleout_catalog, PostgreSQL: removes revision 0011 (revision 0007's definitions of the two checks are put back).
SELECT 1;
