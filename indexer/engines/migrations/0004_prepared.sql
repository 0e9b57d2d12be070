-- The prepared state of the latest committed version (facet bitmaps, date order: indexer/prepared.py),
-- stored by `minutes index` in the run's own transaction. Web servers on other machines, reading a
-- replica, load it instead of preparing it themselves (1.2 s of their CPU at 100k items), so an update
-- is searchable as soon as the replica has it.
CREATE TABLE prepared (
    version bigint PRIMARY KEY,
    data    bytea NOT NULL
);
