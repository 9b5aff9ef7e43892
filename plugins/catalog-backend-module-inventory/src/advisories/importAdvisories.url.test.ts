import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import JSZip from 'jszip';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readInventoryConfig } from '../config';
import { DatabaseAdvisoryStore } from '../store/DatabaseAdvisoryStore';
import { DatabaseSbomStore } from '../store/DatabaseSbomStore';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  importAdvisories,
  MAX_ADVISORY_BYTES,
} from './importAdvisories';

jest.setTimeout(60_000);

// Advisory sources read from a URL (an osv.dev-style zip archive) or a local
// zip, served by a real HTTP server and stored in a real database. The
// advisories are written for this test.

const osv = (id: string, name: string, fixed: string) => ({
  id,
  modified: '2026-11-30T10:00:00Z',
  summary: `Made-up flaw in ${name}`,
  affected: [
    {
      package: { ecosystem: 'npm', name },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    },
  ],
});

type Files = Record<string, unknown>;

async function zipOf(files: Files): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files))
    zip.file(
      name,
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
  });
}

interface Reply {
  status?: number;
  body?: Buffer | string;
  etag?: string;
  lastModified?: string;
  contentType?: string;
  /** Sent without Content-Length (chunked). */
  chunked?: boolean;
  /** Never answered. */
  hang?: boolean;
}

/** A server answering like a static file host, with ETags. */
async function archiveServer() {
  let reply: Reply = { status: 404 };
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    if (reply.hang) return;
    if (reply.etag && req.headers['if-none-match'] === reply.etag) {
      res.writeHead(304, { etag: reply.etag });
      res.end();
      return;
    }
    const body = reply.body ?? '';
    const headers: http.OutgoingHttpHeaders = {
      'content-type': reply.contentType ?? 'application/zip',
    };
    if (reply.etag) headers.etag = reply.etag;
    if (reply.lastModified) headers['last-modified'] = reply.lastModified;
    if (!reply.chunked) headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(reply.status ?? 200, headers);
    if (reply.chunked) {
      // In pieces, so that the size is only known as they arrive.
      const buffer = Buffer.from(body);
      for (let i = 0; i < buffer.length; i += 1024)
        res.write(buffer.subarray(i, i + 1024));
      res.end();
    } else res.end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (file: string) => `http://127.0.0.1:${port}/${file}`,
    requests,
    answer(next: Reply) {
      reply = next;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('advisory sources read from a URL or a zip', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'downloads an archive, then only when it changed, and refuses what is wrong, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sboms = await DatabaseSbomStore.create({ knex });
      const advisories = new DatabaseAdvisoryStore(knex);
      sboms.onPackagesChanged(ref => advisories.matchEntity(ref));
      const server = await archiveServer();
      const stored = async () =>
        (await knex('inventory_advisories').orderBy('id').select('id')).map(
          r => r.id,
        );
      const source = { id: 'osv-npm', url: server.url('npm/all.zip') };
      const read = (extra: object = {}) =>
        importAdvisories({ ...source, ...extra }, advisories, { knex });

      try {
        await sboms.replaceSbom({
          entityRef: 'component:default/shop',
          origin: 'upload',
          format: 'cyclonedx',
          packages: [
            {
              purl: 'pkg:npm/example-left@1.0.0',
              type: 'npm',
              name: 'example-left',
              version: '1.0.0',
              direct: true,
            },
          ],
        });
        const files: Files = {
          'GHSA-0001.json': osv('GHSA-0001', 'example-left', '1.0.1'),
          'GHSA-0002.json': osv('GHSA-0002', 'example-right', '2.0.0'),
          'nested/GHSA-0003.json': osv('GHSA-0003', 'example-up', '3.0.0'),
          'bad/GHSA-broken.json': { id: 'GHSA-broken', modified: 'soon' },
          'bad/../../not-json.json': '{ nope',
          'README.txt': 'not an advisory, not read',
        };
        const v1 = await zipOf(files);
        server.answer({
          body: v1,
          etag: '"v1"',
          lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT',
        });

        // 1. Everything is new.
        const first = await read();
        expect(first).toEqual({
          sourceId: 'osv-npm',
          files: 5,
          added: 3,
          changed: 0,
          unchanged: 0,
          refusedCount: 2,
          refused: [
            {
              file: 'bad/GHSA-broken.json',
              problems: ['modified: is not an RFC 3339 timestamp'],
            },
            {
              file: 'bad/../../not-json.json',
              problems: [expect.stringMatching(/^not JSON: /)],
            },
          ],
        });
        expect(await stored()).toEqual(['GHSA-0001', 'GHSA-0002', 'GHSA-0003']);
        expect(
          (await advisories.vulnerabilities()).map(v => [
            v.entityRef,
            v.advisoryId,
          ]),
        ).toEqual([['component:default/shop', 'GHSA-0001']]);
        expect(server.requests[0]['if-none-match']).toBeUndefined();

        // 2. Unchanged: the validators of the last download are sent, the
        // server answers 304 and nothing is read.
        const second = await read();
        expect(server.requests[1]['if-none-match']).toBe('"v1"');
        expect(server.requests[1]['if-modified-since']).toBe(
          'Mon, 30 Nov 2026 10:00:00 GMT',
        );
        expect(second).toMatchObject({
          notModified: true,
          files: 0,
          added: 0,
          changed: 0,
          unchanged: 0,
          refusedCount: 0,
        });

        // 3. One advisory changed in a new archive.
        server.answer({
          body: await zipOf({
            ...files,
            'GHSA-0002.json': osv('GHSA-0002', 'example-right', '2.0.1'),
          }),
          etag: '"v2"',
        });
        expect(await read()).toMatchObject({
          files: 5,
          added: 0,
          changed: 1,
          unchanged: 2,
          refusedCount: 2,
        });
        expect(server.requests[2]['if-none-match']).toBe('"v1"');

        // 4. Too large for maxBytes, by its Content-Length or, without one,
        // by what arrives: refused, nothing read, nothing lost, and the
        // next download is still conditional on v2.
        const big = await zipOf({
          ...files,
          'GHSA-0004.json': osv('GHSA-0004', 'example-new', '1.0.0'),
          'padding.txt': randomBytes(64 * 1024).toString('base64'),
        });
        for (const chunked of [false, true]) {
          server.answer({ body: big, etag: '"v3"', chunked });
          const refused = await read({ maxBytes: 20_000 });
          expect(refused).toMatchObject({
            files: 0,
            added: 0,
            refusedCount: 1,
          });
          expect(refused.refused[0].file).toBe(source.url);
          expect(refused.refused[0].problems[0]).toMatch(
            chunked
              ? /^http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip sent more than the 20000 bytes allowed \(maxBytes\); nothing was read \(advisory source osv-npm\)$/
              : /^http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip is \d+ bytes, more than the 20000 allowed \(maxBytes\); nothing was read \(advisory source osv-npm\)$/,
          );
          expect(await stored()).toEqual([
            'GHSA-0001',
            'GHSA-0002',
            'GHSA-0003',
          ]);
          expect(server.requests.at(-1)!['if-none-match']).toBe('"v2"');
        }
        // Within the limit it is read (GHSA-0002 is back at 2.0.0).
        expect(await read()).toMatchObject({
          added: 1,
          changed: 1,
          unchanged: 2,
        });

        // 5. A zip bomb: an entry that inflates past the per-file limit is
        // refused by its name, the others are read.
        const bomb = `{"id": "GHSA-bomb",${' '.repeat(MAX_ADVISORY_BYTES)}}`;
        const bombZip = await zipOf({
          ...files,
          'GHSA-0005.json': osv('GHSA-0005', 'example-five', '1.0.0'),
          'GHSA-bomb.json': bomb,
        });
        expect(bombZip.length).toBeLessThan(20_000);
        server.answer({ body: bombZip, etag: '"v4"' });
        const bombed = await read();
        expect(bombed).toMatchObject({ added: 1, unchanged: 3 });
        expect(bombed.refused).toContainEqual({
          file: 'GHSA-bomb.json',
          problems: [`larger than ${MAX_ADVISORY_BYTES} bytes`],
        });
        // Entries under the per-file limit that together inflate past
        // 16 times maxBytes: the read stops there, the next one is whole.
        server.answer({
          body: await zipOf({
            'GHSA-0006.json': osv('GHSA-0006', 'example-six', '1.0.0'),
            'a.json': `[${' '.repeat(3_000_000)}]`,
            'b.json': `[${' '.repeat(3_000_000)}]`,
          }),
          etag: '"v5"',
        });
        const inflated = await read({ maxBytes: 200_000 });
        expect(inflated.refused.at(-1)).toEqual({
          file: source.url,
          problems: [
            `the archive holds more than 3200000 bytes uncompressed; the rest was not read (${source.url} of advisory source osv-npm)`,
          ],
        });
        expect(await stored()).toContain('GHSA-0006');
        expect(server.requests.at(-1)!['if-none-match']).toBe('"v4"');

        // 6. Not a zip after all, an error answer, no server at all, no
        // answer in time: each said in a sentence, nothing else touched.
        server.answer({ body: 'hello', etag: '"v6"' });
        expect((await read()).refused[0].problems[0]).toMatch(
          /^not a zip archive: .* \(http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip of advisory source osv-npm\)$/,
        );
        // The archive stopped by its size did not count as read.
        expect(server.requests.at(-1)!['if-none-match']).toBe('"v4"');
        server.answer({ status: 500, body: 'oops' });
        expect((await read()).refused[0].problems).toEqual([
          `${source.url} answered 500 Internal Server Error (advisory source osv-npm)`,
        ]);
        server.answer({ hang: true });
        expect((await read({ timeoutMs: 300 })).refused[0].problems).toEqual([
          `${source.url} cannot be downloaded: no complete answer within 0.3 seconds (timeout) (advisory source osv-npm)`,
        ]);
        const before = await stored();
        const gone = await archiveServer();
        const goneUrl = gone.url('npm/all.zip');
        await gone.close();
        const down = await read({ url: goneUrl });
        expect(down).toMatchObject({ files: 0, refusedCount: 1 });
        expect(down.refused[0]).toEqual({
          file: goneUrl,
          problems: [
            `${goneUrl} cannot be downloaded: fetch failed: connect ECONNREFUSED ${
              new URL(goneUrl).host
            } (advisory source osv-npm)`,
          ],
        });
        expect(await stored()).toEqual(before);
      } finally {
        await server.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a JSON array from a URL and a local zip file, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await DatabaseSbomStore.create({ knex });
      const advisories = new DatabaseAdvisoryStore(knex);
      const server = await archiveServer();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osv-zip-'));
      try {
        // A JSON array (no validators: read in full each time, unchanged
        // advisories are not processed again).
        server.answer({
          contentType: 'application/json',
          body: JSON.stringify([
            osv('GHSA-0101', 'example-a', '1.0.0'),
            { id: 'nothing-else' },
          ]),
        });
        const url = server.url('feed/advisories.json?token=secret');
        const json = await importAdvisories({ id: 'feed', url }, advisories, {
          knex,
        });
        expect(json).toMatchObject({ files: 2, added: 1, refusedCount: 1 });
        expect(json.refused[0].file).toBe('advisories.json[1]');
        const again = await importAdvisories({ id: 'feed', url }, advisories, {
          knex,
        });
        expect(again).toMatchObject({ added: 0, unchanged: 1 });
        expect(again.notModified).toBeUndefined();
        expect(server.requests[1]['if-none-match']).toBeUndefined();

        // A local zip: read again only when the file changed.
        const file = path.join(dir, 'all.zip');
        fs.writeFileSync(
          file,
          await zipOf({
            'GHSA-0201.json': osv('GHSA-0201', 'example-b', '1.0.0'),
            'GHSA-0202.json': osv('GHSA-0202', 'example-c', '1.0.0'),
          }),
        );
        const local = { id: 'local', path: file };
        expect(
          await importAdvisories(local, advisories, { knex }),
        ).toMatchObject({ files: 2, added: 2 });
        expect(
          await importAdvisories(local, advisories, { knex }),
        ).toMatchObject({ files: 0, notModified: true });
        fs.writeFileSync(
          file,
          await zipOf({
            'GHSA-0201.json': osv('GHSA-0201', 'example-b', '1.0.1'),
            'GHSA-0202.json': osv('GHSA-0202', 'example-c', '1.0.0'),
          }),
        );
        fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
        expect(
          await importAdvisories(local, advisories, { knex }),
        ).toMatchObject({ files: 2, changed: 1, unchanged: 1 });
        // Without a database to remember it, every read is whole.
        expect(await importAdvisories(local, advisories)).toMatchObject({
          files: 2,
          unchanged: 2,
        });
      } finally {
        await server.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('advisory source configuration', () => {
  const read = (sources: object[]) =>
    readInventoryConfig(
      new ConfigReader({ catalog: { ingestion: { advisories: { sources } } } }),
    ).advisorySources;

  it('takes a path or a url, with limits for downloads', () => {
    expect(
      read([
        { id: 'dir', path: '/data/osv' },
        { id: 'npm', url: 'https://example.com/npm/all.zip' },
        {
          id: 'pypi',
          url: 'https://example.com/PyPI/all.zip',
          maxBytes: 1000,
          timeout: { minutes: 2 },
        },
        {
          id: 'go',
          url: 'http://mirror.internal/Go/all.zip',
          timeout: 'PT30S',
        },
      ]),
    ).toEqual([
      {
        id: 'dir',
        path: path.resolve('/data/osv'),
        maxBytes: DEFAULT_MAX_DOWNLOAD_BYTES,
      },
      {
        id: 'npm',
        url: 'https://example.com/npm/all.zip',
        maxBytes: DEFAULT_MAX_DOWNLOAD_BYTES,
        timeoutMs: DEFAULT_DOWNLOAD_TIMEOUT_MS,
      },
      {
        id: 'pypi',
        url: 'https://example.com/PyPI/all.zip',
        maxBytes: 1000,
        timeoutMs: 120_000,
      },
      {
        id: 'go',
        url: 'http://mirror.internal/Go/all.zip',
        maxBytes: DEFAULT_MAX_DOWNLOAD_BYTES,
        timeoutMs: 30_000,
      },
    ]);
  });

  it('says which source is wrong', () => {
    expect(() =>
      read([{ id: 'both', path: '/x', url: 'https://example.com/a.zip' }]),
    ).toThrow(
      'catalog.ingestion.advisories.sources: source both has both path and url; give exactly one',
    );
    expect(() => read([{ id: 'none' }])).toThrow(
      'catalog.ingestion.advisories.sources: source none has neither path (a directory or .zip of OSV files) nor url (an OSV archive to download); give exactly one',
    );
    expect(() => read([{ id: 'ftp', url: 'ftp://example.com/a.zip' }])).toThrow(
      'catalog.ingestion.advisories.sources: source ftp: url must be http or https, not ftp:',
    );
    expect(() => read([{ id: 'odd', url: 'not a url' }])).toThrow(
      'catalog.ingestion.advisories.sources: source odd: url is not a valid URL',
    );
    expect(() =>
      read([{ id: 'tiny', url: 'https://example.com/a.zip', maxBytes: 0 }]),
    ).toThrow(
      'catalog.ingestion.advisories.sources: source tiny: maxBytes must be a positive whole number',
    );
    expect(() =>
      read([
        { id: 'twice', path: '/a' },
        { id: 'twice', url: 'https://example.com/a.zip' },
      ]),
    ).toThrow(
      'catalog.ingestion.advisories.sources: the id twice is used by more than one source',
    );
  });
});
