/**
 * The real path of a file on disk, with every symbolic link resolved (Node's `realpath`). The web build uses
 * `realPath.web.ts`, where there is none and links are judged by `stat` instead.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface RealPaths {
  /** The resolved path, or undefined when there is nothing at `fsPath`. */
  resolve(fsPath: string): Promise<string | undefined>;
  /** Whether resolved `inner` is `outer` or inside it. */
  contains(outer: string, inner: string): boolean;
}

export const realPaths: RealPaths | undefined = {
  async resolve(fsPath) {
    try {
      return await fs.realpath(fsPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  contains(outer, inner) {
    const relative = path.relative(outer, inner);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  },
};
