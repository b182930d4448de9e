// Migration 16 counts an event's 30 days from `_retained_from`: events an older database holds
// get their `created` there, in the column and as the last key of their data, and stay listed
// and retrievable exactly as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomIds } from '../../src/core/ids.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { emitEvent } from '../../src/resources/events/emit.ts';
import { listEvents, retrieveEvent } from '../../src/resources/events/service.ts';
import { openStore } from '../../src/store/open.ts';
import { systemContext } from '../../src/wire/context.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';
import { undoMigration } from '../support/undo-migration.ts';

const DAY = 24 * 3600;

for (const kind of STORES) {
  describe(`event retention migration [${kind}]`, () => {
    it("gives older events their created as the start of their 30 days, keeping their data's order", async () => {
      const url = await databaseUrlFor(kind);
      const now = Math.floor(Date.now() / 1000);
      const at = (seconds: number) => systemContext(DEFAULT_ACCOUNT_ID, false, { nowSeconds: () => seconds }, randomIds);
      let store = await openStore(url);
      const [recent, old] = await store.write(async (tx) => [
        (await emitEvent(tx, at(now - 29 * DAY), 'customer.created', { id: 'cus_recent', object: 'customer', created: now - 29 * DAY })).id,
        (await emitEvent(tx, at(now - 31 * DAY), 'customer.created', { id: 'cus_old', object: 'customer', created: now - 31 * DAY })).id,
      ]);
      const before = await store.read(async (tx) => retrieveEvent(tx, at(now), recent));
      await store.close();

      await undoMigration(kind, url, 16, kind === 'sqlite'
        ? ["UPDATE events SET data = json_remove(data, '$._retained_from')", 'ALTER TABLE events DROP COLUMN _retained_from']
        : ["UPDATE events SET data = (data::jsonb - '_retained_from')::text", 'ALTER TABLE events DROP COLUMN _retained_from']);
      store = await openStore(url);
      try {
        const listed = await store.read(async (tx) => listEvents(tx, at(now), { limit: 10 }));
        assert.deepEqual((listed.data as { id: string }[]).map((e) => e.id), [recent], 'the 29-day-old event is listed, the 31-day-old one is not');
        const after = await store.read(async (tx) => retrieveEvent(tx, at(now), recent));
        assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
        await assert.rejects(store.read(async (tx) => retrieveEvent(tx, at(now), old)), /No such event/);
        const stored = await store.read(async (tx) => tx.get<{ id: string; created: number; _retained_from?: number }>('events', DEFAULT_ACCOUNT_ID, recent));
        assert.equal(stored?._retained_from, stored?.created, 'created is where its 30 days start');
        await store.write(async (tx) => {
          const more = await emitEvent(tx, at(now), 'customer.updated', { id: 'cus_recent', object: 'customer', created: now - 29 * DAY });
          assert.equal(more._retained_from, now);
        });
      } finally {
        await store.close();
        if (kind === 'postgres') await dropPostgresDatabase(url);
      }
    });
  });
}
