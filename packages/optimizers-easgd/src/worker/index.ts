export { ElasticClient } from './elastic-client.js';
export type { ElasticClientOptions, ExchangeOrder, ParamAccess } from './elastic-client.js';
export { ElasticLink } from './elastic-link.js';
export type { ElasticLinkOptions } from './elastic-link.js';
export { ElasticWorker } from './elastic-worker.js';
export type { ElasticWorkerOptions } from './elastic-worker.js';
export { flattenParams, paramCount, paramOrder, writeParams } from './flat-params.js';
