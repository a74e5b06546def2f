// `npm run build`, after tsc: the man pages (dist/man/*.1) and the shell completions
// (dist/completion/), generated from the commander definitions (buildProgram in
// src/cli/main.ts) plus the hand-written prose of src/cli/docs/prose.ts, so they say
// what --help says. package.json's "man" lists the pages: npm links them into
// PREFIX/share/man/man1 on a global install (test/package/ checks the list).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../dist/cli/main.js';
import { describeProgram } from '../dist/cli/docs/commandTree.js';
import { manPages } from '../dist/cli/docs/manPages.js';
import { SHELLS, completionScript } from '../dist/cli/docs/completion/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The program writes its help here: describeProgram reads the text added after --help.
const capture = { text: '' };
const ctx = { out: (s) => (capture.text += s), err: () => {}, env: {}, errIsTTY: false, outIsTTY: false, signal: new AbortController().signal, exitCode: 0 };
const tree = describeProgram(buildProgram(ctx), capture);

const man = join(root, 'dist/man');
rmSync(man, { recursive: true, force: true });
mkdirSync(man, { recursive: true });
for (const page of manPages(tree, version)) writeFileSync(join(man, page.file), page.text);

const completion = join(root, 'dist/completion');
mkdirSync(completion, { recursive: true });
const files = { bash: 'cachectl.bash', zsh: '_cachectl', fish: 'cachectl.fish' };
for (const shell of SHELLS) writeFileSync(join(completion, files[shell]), completionScript(shell, tree, version));
