-- Short codes (packages/core/src/reference.ts computes the same function; a test keeps them equal):
-- the n-th code of a kind is (n * 1234567 + offset) mod 31^5 in base 31 over an alphabet without
-- look-alikes, then a check character making salt + sum(i * v_i) = 0 mod 31.
CREATE FUNCTION oslrs_code(prefix text, salt integer, code_offset bigint, n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  alphabet constant text := '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  x bigint;
  d integer[] := array[0, 0, 0, 0, 0];
  s integer := salt;
  c integer;
BEGIN
  IF n < 0 OR n >= 28629151 THEN
    RAISE EXCEPTION 'oslrs_code: % codes exhausted (n = %)', prefix, n;
  END IF;
  x := (n * 1234567 + code_offset) % 28629151;
  FOR i IN REVERSE 5..1 LOOP
    d[i] := x % 31;
    x := x / 31;
  END LOOP;
  FOR i IN 1..5 LOOP
    s := s + i * d[i];
  END LOOP;
  c := ((-s * 26) % 31 + 31) % 31;
  RETURN prefix || '-' || substr(alphabet, d[1] + 1, 1) || substr(alphabet, d[2] + 1, 1) || substr(alphabet, d[3] + 1, 1)
    || '-' || substr(alphabet, d[4] + 1, 1) || substr(alphabet, d[5] + 1, 1) || substr(alphabet, c + 1, 1);
END $$;--> statement-breakpoint
CREATE SEQUENCE respondent_reference_seq;--> statement-breakpoint
CREATE SEQUENCE staff_card_seq;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "card_number" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "card_expires_at" date;--> statement-breakpoint
-- Every existing record gets its reference here (a volatile default is computed per row).
ALTER TABLE "respondents" ADD COLUMN "reference" text DEFAULT oslrs_code('OY', 0, 0, nextval('respondent_reference_seq')) NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "users_card_number_uq" ON "users" USING btree ("card_number");--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_reference_uq" ON "respondents" USING btree ("reference");--> statement-breakpoint
-- A staff account gets its card number and expiry (two years) in the statement that inserts it, however
-- it is created (an invitation, a CSV import's multi-row insert, the first super admin): a sequence
-- never hands out one number twice, so concurrent imports cannot collide.
CREATE FUNCTION users_card_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.card_number IS NULL AND NEW.role NOT IN ('public_user', 'searcher') THEN
    NEW.card_number := oslrs_code('OYS', 13, 777777, nextval('staff_card_seq'));
    NEW.card_expires_at := coalesce(NEW.card_expires_at, (now() + interval '2 years')::date);
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER users_card_number BEFORE INSERT OR UPDATE OF role ON users
  FOR EACH ROW EXECUTE FUNCTION users_card_number();--> statement-breakpoint
UPDATE users SET card_number = oslrs_code('OYS', 13, 777777, nextval('staff_card_seq')),
  card_expires_at = (now() + interval '2 years')::date
  WHERE id IN (SELECT id FROM users WHERE role NOT IN ('public_user', 'searcher') ORDER BY created_at, id);
