-- The items of one index, in the schema of that index (search_path is set to it).
-- `key` is the id the search service sees (facet bitmaps, pages); the builder assigns it.
CREATE TABLE items (
    key            bigint PRIMARY KEY,
    id             text NOT NULL,          -- the item id, e.g. 2014-08-26-3
    meeting_id     text NOT NULL,
    source         text NOT NULL,          -- the corpus file, relative to the corpus folder
    source_hash    text NOT NULL,          -- SHA-256 of its content
    committee      text NOT NULL,
    date           text NOT NULL,          -- YYYY-MM-DD
    year           text NOT NULL,
    number         integer NOT NULL,
    "case"         text NOT NULL,          -- '' when the item has none
    closed         text NOT NULL,
    decision_types text[] NOT NULL,
    centres        text[] NOT NULL,
    proposers      text[] NOT NULL,
    -- The tokens of our own Danish analysis, not PostgreSQL's: weight A title, B decision,
    -- C attachments, D text; each field's positions start past the previous field's.
    terms          tsvector NOT NULL,
    vocabulary     text[] NOT NULL,        -- the item's distinct words, for suggestions
    record         text NOT NULL           -- the item as JSON: everything serving shows
);

CREATE INDEX items_terms ON items USING gin (terms);
CREATE INDEX items_source ON items (source);
CREATE INDEX items_case ON items ("case");
CREATE INDEX items_date ON items (date);

-- One row: bumped by every committed run, so readers know which state they see.
CREATE TABLE state (
    version bigint NOT NULL
);
INSERT INTO state VALUES (0);
