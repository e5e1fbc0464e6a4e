// A lint, run as a test: page-side code that runs after page scripts may have run must not
// call a built-in it looks up at call time (a method of a page-reachable prototype such as
// Array.prototype.push, or a global such as String or Math.min): the page can replace them
// and then watch or rewrite what the hook does. Such code uses what native.ts saved at
// document_start. The TypeScript checker tells which calls resolve to the standard
// library's declarations. SafeMap/SafeWeakMap methods are exempt (own, on a prototype the
// page never sees). A line that runs only at install time, before any page script, may opt
// out with a trailing `// install-time` comment.
import { describe, expect, test } from 'vitest';
import ts from 'typescript';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHECKED = ['src/capture/hook-core.ts', 'src/capture/block-match.ts', 'src/capture/outbox.ts', 'src/capture/batch-encoding.ts', 'src/capture/socket-tap.ts', 'src/capture/worker-tap.ts', 'src/capture/realm-tap.ts', 'src/capture/detect.ts', 'src/capture/http-tap.ts', 'src/capture/disguise.ts', 'src/capture/realm-guard.ts', 'src/capture/stack-mask.ts', 'src/capture/stack-text.ts', 'extension/page/hook.iife.ts'];
const SAFE_TYPES = new Set(['SafeMap', 'SafeWeakMap']);

function violations(files: readonly string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => resolve(ROOT, f)),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, noEmit: true, strict: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] },
  );
  const checker = program.getTypeChecker();
  const fromLib = (sym: ts.Symbol | undefined): boolean => {
    const s = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const decls = s?.getDeclarations() ?? [];
    return decls.length > 0 && decls.every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()));
  };
  const out: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(resolve(ROOT, file))!;
    const lines = sf.text.split('\n');
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = node.expression;
        let bad = false;
        if (ts.isPropertyAccessExpression(callee)) {
          const recvType = checker.getTypeAtLocation(callee.expression);
          const recvName = recvType.getSymbol()?.getName() ?? '';
          bad = fromLib(checker.getSymbolAtLocation(callee.name)) && !SAFE_TYPES.has(recvName);
        } else if (ts.isIdentifier(callee)) {
          bad = fromLib(checker.getSymbolAtLocation(callee));
        }
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
        if (bad && !lines[line]!.includes('// install-time')) out.push(`${file}:${line + 1}: ${callee.getText().slice(0, 60)}`);
      }
      // for…of and spreading of arrays run Array.prototype[Symbol.iterator], which the page can replace.
      if (ts.isForOfStatement(node) || ts.isSpreadElement(node)) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
        if (!lines[line]!.includes('// install-time')) out.push(`${file}:${line + 1}: ${ts.isForOfStatement(node) ? 'for…of' : 'spread'}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('page-side code uses saved natives only', () => {
  test('no call in the hook, the outbox or the socket tap resolves to a built-in looked up at call time', () => {
    expect(violations(CHECKED)).toEqual([]);
  }, 60_000);

  test('the lint itself catches the patterns it is for', () => {
    const found = violations(['test/unit/capture/fixtures/unsafe-hook-code.ts']).map((v) => v.replace(/^.*?: /, ''));
    expect(found).toEqual(['list.push', 'text.slice', 'String', 'Math.min', 'map.set', 'for…of', 'spread', 'JSON.stringify']);
  });
});
