-- scaleout_catalog, SQL Server: after removing revision 0006. ALTER kept every grant, so there is
-- nothing to give back (PostgreSQL's twin grants the view it had to drop).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
