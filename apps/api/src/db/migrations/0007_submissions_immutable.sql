-- A submission's raw content is immutable once received: only its outcome (status, respondent,
-- fraud score) may change, and a submission is never deleted.
CREATE OR REPLACE FUNCTION submissions_guard_raw() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'submissions are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id
     OR NEW.questionnaire_version_id IS DISTINCT FROM OLD.questionnaire_version_id
     OR NEW.channel IS DISTINCT FROM OLD.channel
     OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by
     OR NEW.answers IS DISTINCT FROM OLD.answers
     OR NEW.nin_deferred IS DISTINCT FROM OLD.nin_deferred
     OR NEW.started_at IS DISTINCT FROM OLD.started_at
     OR NEW.completed_at IS DISTINCT FROM OLD.completed_at
     OR NEW.gps_lat IS DISTINCT FROM OLD.gps_lat
     OR NEW.gps_lng IS DISTINCT FROM OLD.gps_lng
     OR NEW.gps_accuracy IS DISTINCT FROM OLD.gps_accuracy
     OR NEW.device_id IS DISTINCT FROM OLD.device_id
     OR NEW.body_hash IS DISTINCT FROM OLD.body_hash
     OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'a submission''s raw content is immutable' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER submissions_raw_immutable
  BEFORE UPDATE OR DELETE ON submissions
  FOR EACH ROW EXECUTE FUNCTION submissions_guard_raw();
