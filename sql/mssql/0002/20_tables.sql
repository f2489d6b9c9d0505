-- scaleout_catalog, SQL Server, revision 0002: the catalog's pulse (see internal.take_pulse).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE TABLE [internal].[catalog_pulse] (
    [pulse_id]        smallint NOT NULL CONSTRAINT [PK_catalog_pulse] PRIMARY KEY CONSTRAINT [CK_catalog_pulse_one] CHECK ([pulse_id] = 1),
    [last_pulse_time] datetimeoffset(7) NOT NULL CONSTRAINT [DF_catalog_pulse_time] DEFAULT SYSDATETIMEOFFSET()
);
GO
INSERT INTO [internal].[catalog_pulse] ([pulse_id]) VALUES (1);
GO
