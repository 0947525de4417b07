-- Trigram indexes make the staff (and later respondent) name/email search fast at any size.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
