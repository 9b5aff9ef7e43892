/*
 * The advisory store's own code for bench/advisories.mjs, run from source
 * through the Backstage CLI's Node transform (as bench/lib.mjs runs the
 * backend): one command per process, so each reports its own peak memory.
 *   migrate <db>                  the inventory's migrations
 *   match-all <db>                DatabaseAdvisoryStore.matchAll()
 *   upsert <db> <advisories.json> DatabaseAdvisoryStore.upsert() of each, timed
 * Prints one JSON line.
 */
import fs from 'node:fs';
import knexFactory from 'knex';
import { DatabaseAdvisoryStore } from '../plugins/catalog-backend-module-inventory/src/store/DatabaseAdvisoryStore';
import { DatabaseSbomStore } from '../plugins/catalog-backend-module-inventory/src/store/DatabaseSbomStore';

const mb = (bytes: number) => bytes / 2 ** 20;

/** Peak RSS of this process (the kernel's high-water mark), in MiB. */
function peakRssMb() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function main() {
  const [command, database, file] = process.argv.slice(2);
  const knex = knexFactory({
    client: 'pg',
    connection: {
      host: process.env.POSTGRES_HOST ?? '127.0.0.1',
      port: Number(process.env.POSTGRES_PORT ?? 5432),
      user: process.env.POSTGRES_USER ?? 'postgres',
      password: process.env.POSTGRES_PASSWORD ?? '',
      database,
    },
    pool: { min: 1, max: 5 },
  });
  try {
    if (command === 'migrate') {
      await DatabaseSbomStore.create({ knex });
      console.log(JSON.stringify({ ok: true }));
      return;
    }
    const store = new DatabaseAdvisoryStore(knex);
    if (command === 'match-all') {
      global.gc?.();
      const rssBefore = mb(process.memoryUsage().rss);
      const heapBefore = mb(process.memoryUsage().heapUsed);
      let peakHeap = heapBefore;
      const sampler = setInterval(() => {
        peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
      }, 20);
      const t = performance.now();
      const result = await store.matchAll();
      const ms = performance.now() - t;
      clearInterval(sampler);
      peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
      console.log(
        JSON.stringify({
          ms,
          ...result,
          rssBeforeMb: rssBefore,
          peakRssMb: peakRssMb(),
          heapBeforeMb: heapBefore,
          peakHeapMb: peakHeap,
        }),
      );
      return;
    }
    if (command === 'upsert') {
      const advisories = JSON.parse(fs.readFileSync(file, 'utf8'));
      const out = [];
      for (const advisory of advisories) {
        const t = performance.now();
        const outcome = await store.upsert(
          advisory,
          JSON.stringify(advisory),
          'bench-new',
        );
        const ms = performance.now() - t;
        const [{ n }] = await knex('inventory_vulnerabilities')
          .where({ advisory_id: advisory.id })
          .count({ n: '*' });
        out.push({ id: advisory.id, outcome, ms, matches: Number(n) });
      }
      console.log(JSON.stringify({ upserts: out, peakRssMb: peakRssMb() }));
      return;
    }
    throw new Error(`unknown command ${command}`);
  } finally {
    await knex.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
