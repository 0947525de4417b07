import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';

/** An enumerator works their own LGA: a respondent elsewhere is flagged for the supervisor, never refused. */
const app = useTestApp();
let master: Published;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
});

describe('out-of-area signal', () => {
  it("an enumerator's survey of a respondent in another LGA is ingested and flagged with a reason", async () => {
    const enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
    const away = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: 'oyo_east' }) });
    const home = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: 'ibadan_north' }) });
    expect((await submit(app.t, enumerator, away)).statusCode).toBe(202);
    expect((await submit(app.t, enumerator, home)).statusCode).toBe(202);
    const [awayRow, homeRow] = await settled(app.t, [away.id, home.id]);
    expect(awayRow!.status).toBe('ingested');
    expect(awayRow!.fraudReasons).toContain('out-of-area: respondent in oyo_east, enumerator assigned to ibadan_north');
    expect(homeRow!.fraudReasons as string[]).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^out-of-area/)]),
    );
    // The first of the two: nothing else fires for it, so the signal's 15 points are its whole score.
    expect(awayRow!.fraudScore).toBe(15);
  });

  it('residents and clerks are not held to an LGA', async () => {
    const clerk = await app.as('data_entry_clerk');
    const body = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: 'oyo_east' }) });
    expect((await submit(app.t, clerk, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect((row!.fraudReasons as string[]).some((r) => r.startsWith('out-of-area'))).toBe(false);
  });
});
