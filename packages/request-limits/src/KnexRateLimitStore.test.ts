import { TestDatabases } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { KnexRateLimitStore } from './KnexRateLimitStore';
import { ingestionRateLimit } from './rateLimit';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('KnexRateLimitStore on %p', id => {
  it('counts one limit across replicas', async () => {
    const knex = await databases.init(id);
    // The table as each plugin's migration makes it (here catalog ingestion's).
    await knex.schema.createTable('ingestion_rate_limits', table => {
      table.string('key', 300).primary();
      table.bigInteger('window_start').notNullable();
      table.integer('hits').notNullable();
    });
    // Two replicas: two apps, each with its own limiter and store object,
    // on one database.
    const replica = () => {
      const a = express();
      a.post(
        '/events',
        ingestionRateLimit({
          requestsPerMinute: 3,
          endpoint: 'POST /events',
          identify: async () => 'user:default/ada',
          storeFor: endpoint =>
            new KnexRateLimitStore(knex, 'ingestion_rate_limits', endpoint),
        }),
        (_req, res) => {
          res.status(202).end();
        },
      );
      return a;
    };
    const [a, b] = [replica(), replica()];
    const statuses = [];
    for (const server of [a, b, a, b]) {
      statuses.push((await request(server).post('/events')).status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await request(b).post('/events');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const rows = await knex('ingestion_rate_limits').select('key', 'hits');
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].hits)).toBe(5);

    // A new window starts the count again.
    await knex('ingestion_rate_limits').update({ window_start: 0 });
    expect((await request(a).post('/events')).status).toBe(202);
    await knex.destroy();
  });
});
