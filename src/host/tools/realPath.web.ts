/** The web build has no real paths: links are judged by `stat` (see linkGuard.ts). */
import type { RealPaths } from './realPath';

export type { RealPaths };

export const realPaths: RealPaths | undefined = undefined;
