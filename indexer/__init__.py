"""Parse, index and search municipal meeting minutes, in any layout (indexer.layouts)."""
