-- scaleout_catalog, SQL Server: after removing revision 0003. ALTER PROCEDURE kept every grant, so
-- there is nothing to give back (PostgreSQL's twin grants the functions it had to drop).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
