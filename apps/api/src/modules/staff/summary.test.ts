import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();

async function addFieldStaff(n: number, from: number, status = 'active') {
  await app.t.database.db.execute(sql`
    insert into users (id, email, full_name, role, status, lga_code)
    select gen_random_uuid(), 'field' || g || '@summary.oslrs', 'Field ' || g,
           case when g % 4 = 0 then 'supervisor' else 'enumerator' end, ${status}, 'iseyin'
    from generate_series(${from}::int, ${from + n - 1}::int) g`);
}

it('counts field staff and says which capacity threshold (120, 180) has been passed', async () => {
  const get = async () => (await app.call(app.admin, { method: 'GET', url: '/api/v1/staff/summary' })).json();

  await addFieldStaff(120, 1);
  expect(await get()).toMatchObject({ fieldStaff: 120, fieldStaffThresholdPassed: null, byRole: { super_admin: 1 } });
  // Deactivated and suspended people do not count towards the field force.
  await addFieldStaff(30, 1000, 'deactivated');
  await addFieldStaff(1, 2000, 'invited');
  const over120 = await get();
  expect(over120).toMatchObject({ fieldStaff: 121, fieldStaffThresholdPassed: 120 });
  expect(over120.byStatus.deactivated).toBe(30);
  await addFieldStaff(60, 3000);
  expect(await get()).toMatchObject({ fieldStaff: 181, fieldStaffThresholdPassed: 180 });
});
