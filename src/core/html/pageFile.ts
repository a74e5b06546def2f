import { replaceFile } from '../files/replaceFile.js';

/** Replaces the page atomically (files/replaceFile.ts); 0644: a web server serves it as another user. */
export async function writePageFile(path: string, html: string): Promise<void> {
  await replaceFile(path, html, 0o644);
}
