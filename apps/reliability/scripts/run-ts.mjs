// Runs one TypeScript entry point of this workspace (src/fuzz.ts, src/soak.ts) without a build: Vite's module runner
// resolves workspace packages to their sources through the `@kubestats/source` condition, as the tests do.
import { argv, exit } from 'node:process';
import { createServer, createServerModuleRunner, defaultServerConditions } from 'vite';

const entry = argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  exit(2);
}
const conditions = ['@kubestats/source', ...defaultServerConditions];
const server = await createServer({
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@kubestats/source'] } },
  appType: 'custom',
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
let code = 0;
try {
  const module = await runner.import(new URL(`../${entry}`, import.meta.url).pathname);
  if (typeof module.main !== 'function') throw new Error(`${entry} exports no main(argv)`);
  code = await module.main(argv.slice(3));
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  await runner.close();
  await server.close();
}
exit(code ?? 0);
