import path from 'node:path';
import type { Config } from '@backstage/config';

export interface GoldenPathsModuleConfig {
  /** Where `portal:publish` publishes: the local root or GitHub. */
  target: 'local' | 'github' | 'gitlab';
  localRoot?: string;
  ingestionSource: string;
  defaultBranch: string;
  maxRepositoryBytes: number;
  visibleTimeoutMs: number;
  author: { name: string; email: string };
  commitMessage: string;
}

/** Reads `goldenPaths.*` (and the scaffolder's author) once at start-up. */
export function readGoldenPathsModuleConfig(
  config: Config,
): GoldenPathsModuleConfig {
  const root = config.getOptionalString('goldenPaths.publish.localRoot');
  const target =
    config.getOptionalString('goldenPaths.publish.target') ?? 'local';
  if (target !== 'local' && target !== 'github' && target !== 'gitlab') {
    throw new Error(
      `goldenPaths.publish.target must be "local", "github" or "gitlab", not "${target}"`,
    );
  }
  return {
    target,
    localRoot: root ? path.resolve(root) : undefined,
    ingestionSource:
      config.getOptionalString('goldenPaths.publish.ingestionSource') ??
      'local-repos',
    defaultBranch:
      config.getOptionalString('goldenPaths.publish.defaultBranch') ?? 'main',
    maxRepositoryBytes:
      config.getOptionalNumber('goldenPaths.publish.maxRepositoryBytes') ??
      50 * 1024 * 1024,
    visibleTimeoutMs:
      config.getOptionalNumber('goldenPaths.visibleTimeoutMs') ?? 30_000,
    author: {
      name:
        config.getOptionalString('scaffolder.defaultAuthor.name') ??
        'Platform Portal',
      email:
        config.getOptionalString('scaffolder.defaultAuthor.email') ??
        'portal@example.com',
    },
    commitMessage:
      config.getOptionalString('scaffolder.defaultCommitMessage') ??
      'Initial commit',
  };
}
