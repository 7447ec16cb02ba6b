/**
 * The part of the built-in Git extension's API (`vscode.git`, `getAPI(1)`) the diff tool uses, as its `git.d.ts`
 * declares it. Declared here rather than copied whole: only these members are relied on.
 */
import type * as vscode from 'vscode';

export interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly workingTreeChanges: readonly GitChange[];
    /** Present when untracked files are shown apart (`git.untrackedChanges: separate`). */
    readonly untrackedChanges?: readonly GitChange[];
  };
  status(): Promise<void>;
  /** `git diff`, or `git diff --cached` with `cached`. */
  diff(cached?: boolean): Promise<string>;
}

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly status: number;
}

/** `Status.UNTRACKED` of git.d.ts. */
export const UNTRACKED = 7;
