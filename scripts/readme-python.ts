/**
 * The README's Python snippets are jsii-rosetta's translations of the TypeScript snippets they
 * follow, never hand-written: `jsii-rosetta extract --strict` compiles every TypeScript snippet
 * (README and doc comments) and writes their translations to the tablet `.jsii.tabl.json`.
 *
 *   readme-python.ts --check            fail if a ```python block of README.md differs from the
 *                                       translation of the ```ts block right above it
 *   readme-python.ts --write            rewrite those ```python blocks from the tablet
 *   readme-python.ts --dedupe <file>    in a README rendered for Python by jsii-pacmak (where the
 *                                       TypeScript block above has become that same Python code),
 *                                       drop each ```python block equal to the block right above it
 *
 * --check and --write need a current tablet: `npx projen compile && npx projen rosetta:extract`.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const ASSEMBLY = path.join(ROOT, '.jsii');
const TABLET = path.join(ROOT, '.jsii.tabl.json');

interface Block {
  /** 1-based line of the opening fence, as rosetta records it */
  readonly fenceLine: number;
  /** index of the first and one past the last content line (0-based) */
  readonly start: number;
  readonly end: number;
  readonly language: string;
  readonly source: string;
}

function blocksOf(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (close < 0) throw new Error(`README line ${i + 1}: code block is never closed`);
    blocks.push({ fenceLine: i + 1, start: i + 1, end: close, language: open[1], source: lines.slice(i + 1, close).join('\n') });
    i = close;
  }
  return blocks;
}

/** Only blank lines between two blocks: the second one is the first one's translation. */
function adjacent(lines: string[], first: Block, second: Block): boolean {
  return lines.slice(first.end + 1, second.start - 1).every(line => line.trim() === '');
}

function isTypeScript(block: Block): boolean {
  return block.language === 'ts' || block.language === 'typescript';
}

/**
 * Python translations of the README's TypeScript snippets, by TypeScript source. (The line a
 * tablet records for a snippet is where it was first extracted: rosetta reuses the translation of
 * an unchanged snippet, so match on the source.)
 */
function readmeTranslations(readme: string): Map<string, string> {
  const assembly = JSON.parse(readFileSync(ASSEMBLY, 'utf-8'));
  if (assembly.readme?.markdown?.trim() !== readme.trim()) {
    throw new Error('README.md changed since the last compile: run `npx projen compile && npx projen rosetta:extract` first');
  }
  const tablet = JSON.parse(readFileSync(TABLET, 'utf-8'));
  const translations = new Map<string, string>();
  for (const snippet of Object.values<any>(tablet.snippets)) {
    const { api, field } = snippet.location;
    if (api.api !== 'moduleReadme' || api.moduleFqn !== assembly.name) continue;
    if (!snippet.didCompile) throw new Error(`README snippet at line ${field.line} did not compile; run jsii-rosetta extract --strict`);
    translations.set(snippet.translations.$.source.trim(), snippet.translations.python.source.trim());
  }
  return translations;
}

function syncReadme(write: boolean): number {
  const readme = readFileSync(README, 'utf-8');
  const lines = readme.split('\n');
  const blocks = blocksOf(lines);
  const translations = readmeTranslations(readme);
  const problems: string[] = [];
  let typescriptBlocks = 0;
  const replacements: Array<{ block: Block; python: string }> = [];

  blocks.forEach((block, index) => {
    if (isTypeScript(block)) {
      if (!translations.has(block.source.trim())) {
        problems.push(`line ${block.fenceLine}: TypeScript snippet not in ${path.basename(TABLET)}: run jsii-rosetta extract`);
      }
      typescriptBlocks++;
      return;
    }
    if (block.language !== 'python') return;
    const previous = blocks[index - 1];
    if (!previous || !isTypeScript(previous) || !adjacent(lines, previous, block)) {
      problems.push(`line ${block.fenceLine}: a Python snippet must directly follow the TypeScript snippet it translates`);
      return;
    }
    const python = translations.get(previous.source.trim());
    if (python === undefined) return; // reported with the TypeScript block
    if (python !== block.source.trim()) {
      replacements.push({ block, python });
      if (!write) {
        problems.push(`line ${block.fenceLine}: Python snippet differs from rosetta's translation of line ${previous.fenceLine}:\n`
          + `--- README.md\n${block.source.trim()}\n+++ rosetta\n${python}`);
      }
    }
  });

  if (write && replacements.length > 0) {
    for (const { block, python } of [...replacements].reverse()) {
      lines.splice(block.start, block.end - block.start, ...python.split('\n'));
    }
    writeFileSync(README, lines.join('\n'));
    console.log(`README.md: ${replacements.length} Python snippet(s) rewritten from rosetta's translations`);
  }
  const pairs = blocks.filter((b, i) => b.language === 'python' && i > 0 && isTypeScript(blocks[i - 1])).length;
  if (problems.length > 0) {
    console.error(problems.map(p => `README.md ${p}`).join('\n'));
    console.error(write ? '' : 'Regenerate the Python snippets with `npx projen readme:python`.');
    return 1;
  }
  console.log(`README.md: ${typescriptBlocks} TypeScript snippets compiled by rosetta; `
    + `${pairs} Python snippet(s) ${write ? 'are now' : 'are'} rosetta's translations`);
  return 0;
}

function dedupe(file: string): number {
  const lines = readFileSync(file, 'utf-8').split('\n');
  const blocks = blocksOf(lines);
  const duplicates = blocks.filter((block, i) => i > 0 && block.language === 'python'
    && blocks[i - 1].language === 'python' && adjacent(lines, blocks[i - 1], block)
    && blocks[i - 1].source.trim() === block.source.trim());
  for (const block of [...duplicates].reverse()) {
    // the opening fence, the code and the closing fence, and the blank line before them
    const from = lines[block.start - 2]?.trim() === '' ? block.start - 2 : block.start - 1;
    lines.splice(from, block.end + 1 - from);
  }
  writeFileSync(file, lines.join('\n'));
  console.log(`${path.relative(process.cwd(), file)}: dropped ${duplicates.length} Python block(s) repeating the translation above them`);
  return 0;
}

function main(args: string[]): number {
  switch (args[0]) {
    case '--check': return syncReadme(false);
    case '--write': return syncReadme(true);
    case '--dedupe':
      if (!args[1]) throw new Error('--dedupe needs a file');
      return dedupe(args[1]);
    default:
      throw new Error('usage: readme-python.ts --check | --write | --dedupe <README rendered for Python>');
  }
}

process.exitCode = main(process.argv.slice(2));
