"""Parse, index and search the minutes of Høje-Taastrup Kommune's Direktionen."""
