-- Ranking reads a short vector: the title, decision and attachments, and the first words of the text,
-- kept in the row (STORAGE MAIN: compressed, never moved out of line). Scoring every match against
-- its whole text cost 150-180 ms a search at 100k items: each vector is read out of line and
-- decompressed. Matching still reads `terms`. Rows written before this migration rank as 0 until
-- the index is rebuilt (engine format 2 does that).
ALTER TABLE items ADD COLUMN rank_terms tsvector NOT NULL DEFAULT '';
ALTER TABLE items ALTER COLUMN rank_terms DROP DEFAULT;
ALTER TABLE items ALTER COLUMN rank_terms SET STORAGE MAIN;
