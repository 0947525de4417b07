-- A published questionnaire version is immutable: every submission names the exact version it answered.
CREATE OR REPLACE FUNCTION questionnaire_version_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'questionnaire_versions is immutable: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER questionnaire_versions_immutable
  BEFORE UPDATE OR DELETE ON questionnaire_versions
  FOR EACH ROW EXECUTE FUNCTION questionnaire_version_refuse_change();
--> statement-breakpoint
CREATE TRIGGER questionnaire_versions_no_truncate
  BEFORE TRUNCATE ON questionnaire_versions
  FOR EACH STATEMENT EXECUTE FUNCTION questionnaire_version_refuse_change();
