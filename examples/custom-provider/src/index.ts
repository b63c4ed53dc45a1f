import { acmePlugin } from './acme-plugin.js';

export default acmePlugin;
export { acmePlugin };
