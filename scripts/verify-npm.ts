/**
 * Checks the npm tarball in dist/js: exactly the files a consumer needs (compiled JavaScript and
 * declarations, the jsii assembly and its translated examples, README, API.md, LICENSE,
 * package.json) and nothing from tests, examples, sources, fixtures or build caches; and a
 * package.json whose entry points exist and whose metadata is complete.
 */
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** Every file of the tarball must match one of these (paths inside the tarball's `package/`). */
const ALLOWED: Array<[RegExp, string]> = [
  [/^package\.json$/, 'manifest'],
  [/^README\.md$/, 'readme'],
  [/^API\.md$/, 'API reference'],
  [/^LICENSE$/, 'license'],
  [/^\.jsii$/, 'jsii assembly'],
  [/^\.jsii\.tabl\.json$/, 'rosetta tablet: the examples translated to other languages'],
  [/^lib\/.+\.(js|d\.ts)$/, 'compiled code and declarations'],
];
const REQUIRED = ['package.json', 'README.md', 'API.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts'];
const KEYWORDS = ['aws-cdk', 'cdk8s', 'eks', 'irsa', 'iam'];

function main(): number {
  const problems: string[] = [];
  const distJs = path.join(ROOT, 'dist', 'js');
  const tarballs = readdirSync(distJs).filter(f => f.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`expected one tarball in dist/js, found: ${tarballs.join(', ') || 'none'}`);
  const tarball = path.join(distJs, tarballs[0]);

  const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf-8' }).split('\n').filter(Boolean);
  const files = entries.filter(e => !e.endsWith('/')).map(e => {
    if (!e.startsWith('package/')) problems.push(`entry outside package/: ${e}`);
    return e.replace(/^package\//, '');
  });
  for (const file of files) {
    if (!ALLOWED.some(([pattern]) => pattern.test(file))) problems.push(`unexpected file in the tarball: ${file}`);
  }
  for (const file of REQUIRED) {
    if (!files.includes(file)) problems.push(`missing from the tarball: ${file}`);
  }
  for (const source of files.filter(f => f.startsWith('lib/') && f.endsWith('.js'))) {
    if (!files.includes(source.replace(/\.js$/, '.d.ts'))) problems.push(`${source} has no declarations (.d.ts)`);
  }

  const read = (file: string) => execFileSync('tar', ['xzf', tarball, '-O', `package/${file}`], { encoding: 'utf-8' });
  const manifest = JSON.parse(read('package.json'));
  const repoManifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const expect = (ok: boolean, message: string) => { if (!ok) problems.push(`package.json: ${message}`); };
  expect(files.includes(manifest.main), `main ${manifest.main} is not in the tarball`);
  expect(files.includes(manifest.types), `types ${manifest.types} is not in the tarball`);
  expect(typeof manifest.description === 'string' && manifest.description.length > 20, 'no description');
  expect(manifest.license === 'Apache-2.0', `license is ${manifest.license}, not Apache-2.0`);
  expect(/^https:\/\/github\.com\//.test(manifest.repository?.url ?? ''), 'no repository url');
  expect(typeof manifest.homepage === 'string', 'no homepage');
  expect(['experimental', 'stable', 'deprecated'].includes(manifest.stability), `stability is ${manifest.stability}`);
  for (const keyword of KEYWORDS) expect(manifest.keywords?.includes(keyword), `keyword ${keyword} missing`);
  expect(JSON.stringify(manifest.peerDependencies) === JSON.stringify(repoManifest.peerDependencies),
    `peerDependencies ${JSON.stringify(manifest.peerDependencies)} differ from the repository's`);
  expect(Object.keys(manifest.dependencies ?? {}).length === 0, 'runtime dependencies must be peers or bundled');
  expect(Array.isArray(manifest.jsii?.targets?.python?.classifiers), 'no Python classifiers');
  expect(manifest.version === repoManifest.version, `version ${manifest.version} is not the repository's ${repoManifest.version}`);

  const assembly = files.includes('.jsii') ? JSON.parse(read('.jsii')) : manifest;
  if (assembly.name !== manifest.name || assembly.version !== manifest.version) {
    problems.push(`.jsii is ${assembly.name}@${assembly.version}, package.json ${manifest.name}@${manifest.version}`);
  }
  for (const file of ['README.md', 'API.md'].filter(f => files.includes(f))) {
    if (read(file) !== readFileSync(path.join(ROOT, file), 'utf-8')) problems.push(`${file} in the tarball differs from the repository's`);
  }

  if (problems.length > 0) {
    console.error(`${path.relative(ROOT, tarball)}:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const size = readFileSync(tarball).length;
  console.log(`${path.relative(ROOT, tarball)}: ${files.length} files, ${size} bytes; contents, entry points and metadata OK`);
  return 0;
}

process.exitCode = main();
