import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A fenced code block of a markdown file, with the HTML comments written just above it. */
export interface DocBlock {
  /** Path relative to the repository root. */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string's first word (`sh`, `ts`, `json`, ...). */
  readonly lang: string;
  readonly code: string;
  /** `<!-- key: value -->` comments directly above the block (blank lines allowed between). */
  readonly markers: Readonly<Record<string, string>>;
}

/** Every markdown file users read: the READMEs, the guides, the tools' READMEs. */
export function docFiles(repo: string): string[] {
  const inDir = (dir: string, name = (f: string) => f.endsWith('.md')): string[] =>
    readdirSync(join(repo, dir))
      .filter(name)
      .map((f) => join(dir, f));
  const readmes = (dir: string): string[] =>
    readdirSync(join(repo, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dir, d.name, 'README.md'))
      .filter((path) => {
        try {
          readFileSync(join(repo, path));
          return true;
        } catch {
          return false;
        }
      });
  return ['README.md', ...inDir('docs'), ...readmes('packages'), ...readmes('tools')];
}

const MARKER = /^<!--\s*([\w-]+)(?::\s*(.*?))?\s*-->$/;

export function blocksIn(repo: string, doc: string): DocBlock[] {
  const lines = readFileSync(join(repo, doc), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith(fence); i++) body.push(lines[i]);
    const markers: Record<string, string> = {};
    for (let j = start - 1; j >= 0; j--) {
      const text = lines[j].trim();
      if (text === '') continue;
      const m = MARKER.exec(text);
      if (!m) break;
      markers[m[1]] = m[2] ?? '';
    }
    blocks.push({
      doc: relative(repo, join(repo, doc)),
      line: start + 1,
      lang: open[2].toLowerCase(),
      code: `${body.join('\n')}\n`,
      markers,
    });
  }
  return blocks;
}

/** One command of a shell block: words after quote removal, comments and `&&` split off. */
export interface ShellCommand {
  readonly words: readonly string[];
  /**
   * The line's trailing comment (without `#`), e.g. `exits 2`; without one, a comment line just
   * above the command (`# takes 2 minutes`).
   */
  readonly comment: string;
  readonly text: string;
}

/** Splits a shell block into commands. Only what the docs use: words, quotes, `&&`, `#`, `\` joins. */
export function shellCommands(code: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const joined = code.replace(/\\\n/g, ' ');
  let above = '';
  for (const line of joined.split('\n')) {
    const before = commands.length;
    const words: string[] = [];
    let word: string | undefined;
    let quote: string | undefined;
    let comment = '';
    let start = 0;
    const flush = (): void => {
      if (word !== undefined) words.push(word);
      word = undefined;
    };
    const finish = (end: number): void => {
      flush();
      if (words.length > 0)
        commands.push({ words: [...words], comment: '', text: line.slice(start, end).trim() });
      words.length = 0;
    };
    let i = 0;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = undefined;
        else word = (word ?? '') + c;
      } else if (c === "'" || c === '"') {
        quote = c;
        word = word ?? '';
      } else if (c === '#' && word === undefined) {
        comment = line.slice(i + 1).trim();
        break;
      } else if (c === '&' && line[i + 1] === '&') {
        finish(i);
        i++;
        start = i + 1;
      } else if (/\s/.test(c)) flush();
      else word = (word ?? '') + c;
    }
    if (quote) throw new Error(`unterminated quote in: ${line}`);
    finish(i);
    if (commands.length > before) {
      const last = commands.length - 1;
      if (comment || above) commands[last] = { ...commands[last], comment: comment || above };
      above = '';
    } else above = comment;
  }
  return commands;
}
