import { strict as assert } from 'node:assert';
import { GitignoreRules } from '../../src/core/tools/gitignore';
import { enabledPatterns, expandBraces, globToRegExp, GlobSet } from '../../src/core/tools/globMatch';

describe('glob patterns of files.exclude and search.exclude', () => {
  const matches = (glob: string, path: string) => globToRegExp(glob).test(path);

  it('match whole relative paths: * and ? within a segment, ** across segments', () => {
    assert.ok(matches('**/*.log', 'debug.log'));
    assert.ok(matches('**/*.log', 'a/b/debug.log'));
    assert.ok(!matches('*.log', 'a/debug.log'), 'a pattern without ** stays at the top');
    assert.ok(matches('src/**/test', 'src/test'));
    assert.ok(matches('src/**/test', 'src/a/b/test'));
    assert.ok(!matches('src/*/test', 'src/a/b/test'));
    assert.ok(matches('file?.txt', 'file1.txt'));
    assert.ok(!matches('file?.txt', 'file/.txt'));
    assert.ok(matches('**/[Tt]humbs.db', 'x/thumbs.db'));
    assert.ok(matches('**/[!a]*.md', 'b.md'));
    assert.ok(!matches('**/[!a]*.md', 'a.md'));
    assert.ok(!matches('**/*.log', 'debug.logs'));
    assert.ok(matches('a.b+c', 'a.b+c') && !matches('a.b+c', 'aXb+c'), 'other characters are literal');
  });

  it('expand {a,b} alternatives, nested ones too, within a bound', () => {
    assert.deepEqual(expandBraces('**/*.{js,map}'), ['**/*.js', '**/*.map']);
    assert.deepEqual(expandBraces('{a,b{c,d}}/x'), ['a/x', 'bc/x', 'bd/x']);
    assert.deepEqual(expandBraces('[{,}]'), ['[{,}]'], 'a class is not an alternative');
    const many = '{a,b,c,d}{e,f,g,h}{i,j,k,l}{m,n}';
    assert.deepEqual(expandBraces(many), [many], 'more than 64 alternatives: kept as written');
    assert.ok(matches('**/*.{js,map}', 'dist/a.map'));
  });

  it('take the patterns a setting turns on, not those turned off or conditional on a sibling', () => {
    const setting = { '**/.git': true, '**/node_modules': false, '**/*.js': { when: '$(basename).ts' }, './out': true };
    assert.deepEqual(enabledPatterns(setting), ['**/.git', 'out']);
    assert.deepEqual(enabledPatterns(undefined), []);
  });

  it('leave out a folder and everything inside it', () => {
    const set = new GlobSet(['**/node_modules', 'build/']);
    assert.ok(set.matches('node_modules'));
    assert.ok(set.matches('packages/a/node_modules/x/index.js'));
    assert.ok(!set.matches('src/node_modules.ts'));
  });

  it('become one exclude pattern for the file search, alternatives one level deep', () => {
    assert.equal(new GlobSet([]).toExcludeGlob(), undefined);
    assert.equal(new GlobSet(['**/.git']).toExcludeGlob(), '**/.git');
    assert.equal(new GlobSet(['**/.git', '**/*.{js,map}', '**/.git']).toExcludeGlob(), '{**/.git,**/*.js,**/*.map}');
  });
});

describe('.gitignore rules', () => {
  const rules = (text: string, folder = '') => new GitignoreRules([{ folder, text }]);

  it('ignore by name at any depth, and folders only with a trailing slash', () => {
    const ignore = rules('# comment\n\n*.log\nbuild/\n');
    assert.ok(ignore.isIgnored('debug.log'));
    assert.ok(ignore.isIgnored('a/b/debug.log'));
    assert.ok(ignore.isIgnored('build', true));
    assert.ok(!ignore.isIgnored('build'), 'a file named build is not a folder');
    assert.ok(ignore.isIgnored('a/build/x.js'), 'everything inside an ignored folder');
    assert.ok(!ignore.isIgnored('src/app.ts'));
    assert.ok(!ignore.isIgnored('# comment'));
  });

  it('anchor a rule with a slash at its start or in its middle', () => {
    const ignore = rules('/root.txt\ndoc/frotz\n');
    assert.ok(ignore.isIgnored('root.txt'));
    assert.ok(!ignore.isIgnored('sub/root.txt'));
    assert.ok(ignore.isIgnored('doc/frotz'));
    assert.ok(!ignore.isIgnored('a/doc/frotz'));
  });

  it('know **: leading, trailing and in the middle', () => {
    const ignore = rules('**/logs\nabc/**\na/**/b\n');
    assert.ok(ignore.isIgnored('x/y/logs/today.txt'));
    assert.ok(ignore.isIgnored('abc/x/y'));
    assert.ok(!ignore.isIgnored('abc', true), '"abc/**" matches what is inside, not abc itself');
    assert.ok(ignore.isIgnored('a/b'));
    assert.ok(ignore.isIgnored('a/x/y/b'));
  });

  it('take a file back with !, unless a folder above it is ignored (as git does)', () => {
    const ignore = rules('*.log\n!keep.log\nout/\n!out/keep.txt\n');
    assert.ok(ignore.isIgnored('a.log'));
    assert.ok(!ignore.isIgnored('keep.log'));
    assert.ok(!ignore.isIgnored('x/keep.log'));
    assert.ok(ignore.isIgnored('out/keep.txt'), 'a file inside an ignored folder cannot be taken back');
  });

  it('read escapes: \\#, \\! and an escaped trailing space; drop unescaped trailing spaces', () => {
    const ignore = rules('\\#hash\n\\!bang\nspace\\ \ntrail   \n');
    assert.ok(ignore.isIgnored('#hash'));
    assert.ok(ignore.isIgnored('!bang'));
    assert.ok(ignore.isIgnored('space '));
    assert.ok(ignore.isIgnored('trail'));
  });

  it('apply a nested .gitignore below its folder only, after the outer ones', () => {
    const ignore = new GitignoreRules([
      { folder: 'pkg', text: '!important.log\n/local.txt\n' },
      { folder: '', text: '*.log\n' },
    ]);
    assert.ok(ignore.isIgnored('a.log'));
    assert.ok(ignore.isIgnored('other/important.log'));
    assert.ok(!ignore.isIgnored('pkg/important.log'), 'the nested file is read after the outer one');
    assert.ok(ignore.isIgnored('pkg/local.txt'));
    assert.ok(!ignore.isIgnored('local.txt'), 'anchored to its own folder');
  });

  it('become exclude globs for the file search, unless a rule takes files back', () => {
    assert.deepEqual(rules('dist/\n*.log\n/top\n').toExcludeGlobs(), [
      '**/dist/**',
      '**/*.log',
      '**/*.log/**',
      'top',
      'top/**',
    ]);
    assert.deepEqual(rules('x/\n', 'pkg').toExcludeGlobs(), ['pkg/**/x/**']);
    assert.equal(rules('*.log\n!keep.log\n').toExcludeGlobs(), undefined);
    assert.ok(new GitignoreRules([]).isEmpty);
  });
});
