-- The municipality an item's minutes are from (a facet once the archive holds more than one). Rows
-- written before this migration have '' until the index is rebuilt (engine format 3 does that).
ALTER TABLE items ADD COLUMN municipality text NOT NULL DEFAULT '';
ALTER TABLE items ALTER COLUMN municipality DROP DEFAULT;
