/** Where a service's repository lives. */
export type HostKind = 'local' | 'github' | 'gitlab';

/** A service's repository, and how to reach it. */
export interface RepositoryTarget {
  kind: HostKind;
  /** Repository name on the host (or the bare repo's folder name without .git). */
  name: string;
  /** GitHub org/owner or GitLab group path; absent for local. */
  owner?: string;
  /** What git clones/pushes: an https URL, or a local path of a bare repository. */
  cloneUrl: string;
  /** API base, e.g. https://api.github.com or https://gitlab.example.com/api/v4 (absent for local). */
  apiBaseUrl?: string;
  /** Token for git over HTTP and the API (from integrations.*; absent for local). */
  token?: string;
}

/** Repository-relative POSIX path -> content. */
export type Files = Map<string, Buffer>;

/** What applying a template's change to a repository did. */
export interface AppliedChange {
  status: 'proposed' | 'up-to-date';
  defaultBranch: string;
  /** The default branch head the change was made against. */
  baseCommit: string;
  /** The commit pushed to `branch` (absent when up-to-date). */
  commit?: string;
  /** Files the template's change touched in the result: added, modified, deleted. */
  changed: Array<{ path: string; change: 'added' | 'modified' | 'deleted' }>;
  /** Files where the template's change and the repository's own changes overlap; left as the repository has them. */
  conflicts: Array<{ path: string; reason: string; templateDiff: string }>;
}

export type ChangeRequestState = 'open' | 'merged' | 'closed';

/** A pull request (GitHub), merge request (GitLab) or branch (local). */
export interface ChangeRequest {
  url: string;
  number?: number;
  state: ChangeRequestState;
}
