// Worker threads do not inherit the loader the main thread was started with: register tsx here,
// then load the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./decision-worker-thread.ts');
