-- The embedded store's migration 009 adds a narrow index over
-- scheduling_blocks without its visibility JSON, because SQLite keeps a
-- block's JSON in its row and reads that row even for the small columns.
-- SQL Server stores an NVARCHAR(MAX) value too large for the row (a W10k
-- block's JSON is ~18 KB in UTF-16) off-row, so reading a block's small
-- columns does not read its JSON. The source tables are also the
-- scheduling team's, and an index on them is a DBA's decision. So this
-- migration changes nothing here: it keeps both dialects numbered alike.
-- For sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 009_source_columns_index.sql

SET NOCOUNT ON;
GO
