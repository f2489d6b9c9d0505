-- scaleout_catalog, SQL Server: removes revision 0009 (the earlier definitions of what it changed are put back).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
