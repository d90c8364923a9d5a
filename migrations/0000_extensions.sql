-- Trigram similarity, so a misspelt name still finds the item.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
