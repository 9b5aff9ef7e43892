import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { validateEntity } from '@internal/plugin-catalog-ingestion-node';
import { toDiscoveredEntity } from '../ingestion/discoveredEntity';
import type {
  RepositoryContent,
  RepositoryReadResult,
  RepositoryRef,
  RepositorySource,
} from '../ingestion/types';
import {
  OrgExportError,
  parseOrgExport,
  type OrgImport,
} from './parseOrgExport';

export interface OrgExportSourceOptions {
  id: string;
  /** A file path, or an http(s) URL read through the URL reader. */
  target: string;
  format: 'csv' | 'yaml';
  maxBytes: number;
  urlReader: UrlReaderService;
}

/**
 * Users and Groups from an HR or directory export (CSV or YAML), as one
 * pseudo-repository whose "head" is the hash of the file: an unchanged
 * export is not imported again. An export that cannot be read or parsed as
 * a whole, or that lists nobody, fails the run and keeps the last import.
 */
export class OrgExportSource implements RepositorySource {
  readonly type = 'org' as const;
  readonly id: string;
  readonly target: string;
  private parsed?: { hash: string; result: OrgImport };

  constructor(private readonly options: OrgExportSourceOptions) {
    this.id = options.id;
    this.target = options.target;
  }

  private get isUrl() {
    return /^https?:\/\//i.test(this.options.target);
  }

  private get fileName() {
    return this.isUrl
      ? new URL(this.options.target).pathname.split('/').pop() || 'export'
      : path.basename(this.options.target);
  }

  async list(): Promise<RepositoryRef[]> {
    const data = await this.readExport();
    const hash = createHash('sha256').update(data).digest('hex');
    let result: OrgImport;
    try {
      result = parseOrgExport(data.toString('utf8'), this.options.format);
    } catch (error) {
      if (error instanceof OrgExportError) {
        throw new Error(
          `${this.fileName}${error.line ? ` line ${error.line}` : ''}: ${
            error.message
          }`,
        );
      }
      throw error;
    }
    if (result.users.length + result.groups.length === 0) {
      throw new Error(
        `${this.fileName} lists no valid users or groups; the last import is kept`,
      );
    }
    this.parsed = { hash, result };
    return [
      { name: this.fileName, location: this.options.target, commit: hash },
    ];
  }

  async get(name: string): Promise<RepositoryRef | undefined> {
    if (name !== this.fileName) return undefined;
    return (await this.list())[0];
  }

  async read(): Promise<RepositoryContent> {
    return { files: [], read: async () => new Map() };
  }

  locationOf(): string {
    return this.isUrl
      ? `url:${this.options.target}`
      : `file:${this.options.target}`;
  }

  async readEntities(repo: RepositoryRef): Promise<RepositoryReadResult> {
    if (!this.parsed || this.parsed.hash !== repo.commit) await this.list();
    const { result } = this.parsed!;
    const out: RepositoryReadResult = {
      entities: [],
      problems: result.problems.map(p => ({
        file: this.fileName,
        line: p.line,
        message: p.message,
      })),
    };
    const location = this.locationOf();
    for (const { entity, line } of [...result.groups, ...result.users]) {
      const checked = await validateEntity(entity);
      if ('error' in checked) {
        out.problems.push({
          file: this.fileName,
          line,
          message: `row skipped: ${checked.error}`,
        });
        continue;
      }
      out.entities.push(
        toDiscoveredEntity(checked.entity, {
          file: this.fileName,
          line,
          location,
          repositoryKey: `${this.id}/${this.fileName}`,
        }),
      );
    }
    return out;
  }

  private async readExport(): Promise<Buffer> {
    let data: Buffer;
    if (this.isUrl) {
      const response = await this.options.urlReader.readUrl(
        this.options.target,
      );
      data = await response.buffer();
    } else {
      const stat = await fs.stat(this.options.target);
      if (stat.size > this.options.maxBytes) {
        throw new Error(
          `${this.fileName} is ${stat.size} bytes, over the limit of ${this.options.maxBytes}`,
        );
      }
      data = await fs.readFile(this.options.target);
    }
    if (data.length > this.options.maxBytes) {
      throw new Error(
        `${this.fileName} is ${data.length} bytes, over the limit of ${this.options.maxBytes}`,
      );
    }
    return data;
  }
}
