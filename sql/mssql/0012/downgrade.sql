-- scaleout_catalog, SQL Server: removes revision 0012. Revision 0007's and 0010's definitions of the views are
-- put back (each dropped and created again), downgrade_grants.sql grants them as before, and
-- downgrade_cleanup.sql drops what only this revision's used.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
