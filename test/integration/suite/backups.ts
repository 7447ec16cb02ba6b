/**
 * VS Code's backups of unsaved buffers (hot exit), which a window reload brings back: the suite waits for them before
 * the runner reloads, so that what the reload restores is what the buffer held.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { until } from './helpers';

/** The backup files of the profile: `<user data>/User/Backups/<workspace>/<scheme>/<hash>`. */
function backupFiles(): string[] {
  const userData = process.env.GATEWAY_CHAT_USER_DATA_DIR;
  if (!userData) return [];
  const root = path.join(userData, 'User', 'Backups');
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else found.push(full);
    }
  };
  visit(root);
  return found;
}

/**
 * Waits until VS Code has backed up the unsaved buffer of `uri` with a text that `holds` accepts. A backup file starts
 * with a line naming its resource as the workbench sees it (`vscode-remote://<host>/<path>` here) and its metadata,
 * then the text.
 */
export async function waitForBackup(uri: vscode.Uri, holds: (text: string) => boolean): Promise<void> {
  await until(
    `VS Code's backup of ${uri.toString()}`,
    () =>
      backupFiles().some((file) => {
        const content = fs.readFileSync(file, 'utf8');
        const newline = content.indexOf('\n');
        const resource = content.slice(0, Math.max(0, newline)).split(' ')[0];
        return newline > 0 && resource.endsWith(uri.path) && holds(content.slice(newline + 1));
      }),
    15_000,
  );
}
