-- scaleout_catalog, SQL Server: removes revision 0013. [catalog].[schedule_runs] reads [catalog].[schedules], so it
-- is dropped first; revision 0007's and 0008's definitions of the views are then put back (each dropped and
-- created again), downgrade_grants.sql grants them as before, and downgrade_cleanup.sql drops what only this
-- revision's used.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP VIEW IF EXISTS [catalog].[schedule_runs];
GO
