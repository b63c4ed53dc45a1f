export { createTollgate } from './create-tollgate.js';
export type { CreateTollgateOptions, Tollgate } from './create-tollgate.js';
export { startServer } from './start-server.js';
export type { StartServerOptions, RunningServer } from './start-server.js';
export { createLogger, redactedLogPaths } from './logging/create-logger.js';
export type { CreateLoggerOptions } from './logging/create-logger.js';
export { loadConfigFile, configSearchPlaces } from './config/load-config-file.js';
export { interpolateEnv } from './config/interpolate-env.js';
