import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../dto/submissions.js';
import { RESPONDENT_STATUSES } from '../dto/respondents.js';
import { CHANNEL_LABELS, STATUS_LABELS } from './dimensions.js';

// The dashboard builds its channel and status filters from these labels (to keep the DTO modules out
// of its bundle), so each label table must name exactly the values the report filter accepts.
describe('report labels', () => {
  it('label every channel and every status reports count (a merged record counts nowhere), and nothing else', () => {
    expect(Object.keys(CHANNEL_LABELS).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(STATUS_LABELS).sort()).toEqual(RESPONDENT_STATUSES.filter((s) => s !== 'merged').sort());
  });
});
