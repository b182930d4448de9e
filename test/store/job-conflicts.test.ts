// A job that meets a deadlock or serialization failure is not a failed job: the error leaves
// the slice's transaction, so PostgreSQL's store runs the slice again (the job ends done) and
// SQLite's, which has no such conflicts, leaves it pending for the next run. Found by the
// random workload on PostgreSQL: a 75-day job recorded "failed: deadlock detected".
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { jobHandler, registerJobHandler, scheduleJob, type ScheduledJob } from '../../src/resources/scheduler/jobs.ts';
import { runDueJobs } from '../../src/resources/scheduler/run.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { systemContext } from '../../src/wire/context.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';

const ACCOUNT = 'acct_job_conflicts';
const original = jobHandler('refund_expire');

for (const kind of STORES) {
  describe(`a job meeting a concurrent transaction [${kind}]`, () => {
    let store: Store;
    let url: string;
    before(async () => {
      url = await databaseUrlFor(kind);
      store = await openStore(url);
    });
    afterEach(() => registerJobHandler('refund_expire', original!));
    after(async () => {
      await store.close();
      if (kind === 'postgres') await dropPostgresDatabase(url);
    });

    for (const code of ['40P01', '40001']) {
      it(`is tried again, not marked failed, after SQLSTATE ${code}`, async () => {
        const ctx = systemContext(ACCOUNT, false, systemClock, randomIds);
        const job = await store.write((tx) => scheduleJob(tx, ctx, { kind: 'refund_expire', target: `re_${code}`, customer: 'cus_x', currency: 'usd', dueAt: systemClock.nowSeconds() - 1, testClock: null }));
        let calls = 0;
        registerJobHandler('refund_expire', async () => {
          calls++;
          if (calls === 1) throw Object.assign(new Error(code === '40P01' ? 'deadlock detected' : 'could not serialize access'), { code });
        });
        const status = async () => (await store.read((tx) => tx.get<ScheduledJob>('scheduled_jobs', ACCOUNT, job.id)))!.status;
        if (kind === 'postgres') {
          await runDueJobs(store, systemClock, randomIds);
        } else {
          await assert.rejects(runDueJobs(store, systemClock, randomIds), (error: { code?: string }) => error.code === code);
          assert.equal(await status(), 'pending', 'the conflict left the job pending');
          await runDueJobs(store, systemClock, randomIds);
        }
        assert.equal(calls, 2);
        assert.equal(await status(), 'done');
      });
    }
  });
}
