/**
 * The config used when no config file exists: the offline echo provider, so a fresh install answers
 * without any provider key. Every model name is routed to it.
 */
export const defaultConfig = {
  plugins: ['@tollgate/provider-echo'],
  providers: { echo: { type: 'echo' } },
  models: {
    echo: { target: 'echo/echo-1', description: 'Echoes the last user message (offline).' },
    '*': { target: 'echo/*' },
  },
};
