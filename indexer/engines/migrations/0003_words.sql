-- The archive's words and how many items hold each, for "Mente du …?" suggestions. Counting them from
-- every item's vocabulary took about 3 s at 100k items, on the first search that needed a suggestion;
-- minutes index keeps this table up to date instead, in the run's transaction.
CREATE TABLE words (
    word  text PRIMARY KEY,
    items integer NOT NULL
);
INSERT INTO words SELECT word, count(*) FROM items, unnest(vocabulary) AS word GROUP BY word;
