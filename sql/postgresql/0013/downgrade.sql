-- scaleout_catalog, PostgreSQL: removes revision 0013. Revision 0007's and 0008's definitions of the views are
-- put back, then downgrade_cleanup.sql drops what only this revision's used.
SELECT 1;
