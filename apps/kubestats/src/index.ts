/** kubestats: the bundled app (composition root, CLI and HTTP APIs) for embedding and end-to-end tests. */
export { composeApp, simulatedSourceUri, type ComposeOptions, type KubestatsApp } from './compose.js';
export { allFactories, findFactory, processorFactories, sinkFactories, sourceFactories } from './components.js';
export { resolveSettings, type Settings } from './settings.js';
export { runCli } from './cli/program.js';
export type { CliIo } from './cli/cli-io.js';
export { createApiServer, type ApiServerOptions, type ServerTlsOptions } from './api/server.js';
export type { ApiContext, MetricsStore } from './api/api-context.js';
export { explainNode, explainPod, renderExplainReport, type ExplainReport } from './api/explain.js';
