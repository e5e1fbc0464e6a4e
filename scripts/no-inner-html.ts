// Build step used by vite.config.ts: removes the one `innerHTML` assignment our bundles
// contain, Preact's dangerouslySetInnerHTML path. The project never renders HTML strings
// (page data is untrusted), so that path is dead code; shipped, it is what `web-ext lint`
// reports as UNSAFE_VAR_ASSIGNMENT and what an add-on reviewer asks about.
import type { Plugin } from 'vite';

const ASSIGNMENT = /\b([A-Za-z_$][\w$]*)\.innerHTML=([A-Za-z_$][\w$]*)\.__html\b/g;
const REFUSAL = '(()=>{throw new Error("dangerouslySetInnerHTML is not supported in this build")})()';

export function stripPreactInnerHtml(): Plugin {
  return {
    name: 'strip-preact-inner-html',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.m?js$/.test(id)) return null;
      const out = code.replace(ASSIGNMENT, REFUSAL);
      // A Preact release that writes the assignment differently must not slip through.
      if (/\.innerHTML\s*=(?!=)/.test(out)) this.error(`preact (${id}) assigns innerHTML in a way this build step does not know`);
      return out === code ? null : { code: out, map: null };
    },
  };
}
